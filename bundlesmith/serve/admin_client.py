"""The admin API's client for `bundlesmith rebuild` (requests); the token comes from BUNDLESMITH_ADMIN_TOKEN.

    client = AdminClient("http://127.0.0.1:8585", token=os.environ.get(TOKEN_ENV))
    client.rebuild("storefront")   # {"queued": ["storefront"]}; client.rebuild() rebuilds every source

Every call sends `Authorization: Bearer <token>` (every route but /healthz needs it); without a token the client
refuses to call. An error answer raises BundlesmithError with the envelope's code and message; an unreachable server
says so.
"""
from __future__ import annotations

from typing import Any

import requests

from builder.errors import BundlesmithError
from bundlesmith.serve.admin_gate import TOKEN_ENV

__all__ = ["TOKEN_ENV", "AdminClient"]


class AdminClient:
    """Calls one running service's admin API."""

    def __init__(self, server: str, token: str | None, *, session: requests.Session | None = None,
                 timeout: float = 30.0):
        self.server, self.token = server.rstrip("/"), token
        self._session, self._timeout = session or requests.Session(), timeout

    def rebuild(self, source_id: str | None = None) -> dict[str, Any]:
        """Ask the service to rebuild one source, or every source."""
        path = f"/api/v1/sources/{source_id}/rebuild" if source_id else "/api/v1/rebuild"
        return self._call("POST", path)

    def _call(self, method: str, path: str) -> dict[str, Any]:
        if not self.token:
            raise BundlesmithError(f"set {TOKEN_ENV} to the admin token of the service at {self.server} (it printed "
                                   "one when it started, unless it was given one)")
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            response = self._session.request(method, self.server + path, headers=headers, timeout=self._timeout)
        except requests.RequestException as exc:
            raise BundlesmithError(f"cannot reach the service at {self.server}: {exc}") from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 400:
            error = body.get("error", {}) if isinstance(body, dict) else {}
            raise BundlesmithError(f"{self.server} answered {response.status_code} "
                                   f"[{error.get('code', 'unknown')}] {error.get('message', response.text[:200])}")
        return body
