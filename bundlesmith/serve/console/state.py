"""What the console's pages share: the service, its connections, sessions, templates, and what the console did.

    console = ConsoleState(service, connections, token, sessions)
    console.rows()                        # every source as the sources page and status.json show it
    console.page(request, "sources.html.j2", rows=...)    # an HTML answer with the session's CSRF token
    console.note("storefront", "console: connected FullStory")   # shown as the trigger of the next publish
"""
from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from builder.assets import Assets
from builder.jsonsafe import script_json
from bundlesmith.serve.console.gate import FORM_KEY, SESSION_KEY, is_console_path
from bundlesmith.serve.console.preview_link import DEFAULT_PREVIEW, PREVIEW_ENV, PreviewFinder
from bundlesmith.serve.console.sessions import Session, SessionStore, SignInThrottle
from bundlesmith.serve.console.views import source_row

FLASH = {  # ?done=<code> after a successful form: fixed sentences, nothing from the query string is shown
    "added": "The destination was connected; the source is being rebuilt and published.",
    "saved": "The destination was saved; the source is being rebuilt and published.",
    "unchanged": "Nothing was changed.",
    "deleted": "The destination was disconnected; the source is being rebuilt and published.",
    "enabled": "The destination was enabled; the source is being rebuilt and published.",
    "disabled": "The destination was disabled; the source is being rebuilt and published.",
    "rebuild": "A rebuild was requested; the source is published again if its output changed.",
    "rolled-back": "The source was rolled back: the earlier build is served again.",
}
MAX_TRIGGERS = 500


class ConsoleState:
    """The console's view of the running service and the little it remembers itself."""

    def __init__(self, service: Any, connections: Any, token: str | None, sessions: SessionStore,
                 clock: Callable[[], float] = time.time):
        self.service, self.connections, self.token, self.sessions = service, connections, token, sessions
        self.throttle = SignInThrottle()
        self.assets = Assets.load()
        self.clock = clock
        self.preview = PreviewFinder(os.environ.get(PREVIEW_ENV, DEFAULT_PREVIEW))
        self._triggers: deque[dict[str, Any]] = deque(maxlen=MAX_TRIGGERS)
        self._edited: dict[str, float] = {}
        self._lock = threading.Lock()

    # --- what the console did --------------------------------------------------------------------------------

    def note(self, source_id: str, what: str, at: float | None = None, *, builds: bool = True) -> None:
        """Remember that the console changed a source at `at` (its next publish's trigger; "building" until then)."""
        now = self.clock() if at is None else at
        with self._lock:
            self._triggers.append({"source": source_id, "at": now, "what": what})
            if builds:
                self._edited[source_id] = now

    def triggers(self, source_id: str) -> list[dict[str, Any]]:
        """Return what the console did to a source, oldest first."""
        with self._lock:
            return [t for t in self._triggers if t["source"] == source_id]

    def building(self, source_id: str, record: dict[str, Any] | None) -> bool:
        """True while a change the console made to the source has not been built yet."""
        with self._lock:
            edited = self._edited.get(source_id)
        if edited is None or self.service.loop.wait_idle(0):
            return False
        error = (record or {}).get("last_error") or {}
        return max((record or {}).get("built_at") or 0, error.get("at") or 0) < edited

    # --- what the pages read -----------------------------------------------------------------------------------

    def sources(self) -> dict[str, tuple[str, Any]]:
        """Return every source file's (file, parsed source or None) by source id."""
        live = self.service.live
        found = {}
        for file, entry in list(live.entries.items()):
            source_id = entry.source.id if entry.source is not None else live.ids.get(file)
            if source_id:
                found[source_id] = (file, entry.source)
        return found

    def rows(self) -> list[dict[str, Any]]:
        """Return every source (in the files or on the board) as a row of the sources page."""
        records = {r.source_id: r.as_dict() for r in self.service.board.all()}
        files = self.sources()
        root = str(self.service.root)
        return [source_row(sid, records.get(sid), files.get(sid, ("", None))[1], files.get(sid, ("", None))[0],
                           self.building(sid, records.get(sid)), root)
                for sid in sorted(set(records) | set(files))]

    def row(self, source_id: str) -> dict[str, Any] | None:
        """Return one source's row, None when the service knows no such source."""
        return next((r for r in self.rows() if r["id"] == source_id), None)

    # --- answers ----------------------------------------------------------------------------------------------

    def page(self, request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        """Render a console page (the session's CSRF token, the target and a flash message included)."""
        session = session_of(request)
        flash = FLASH.get(request.query_params.get("done", ""))
        html = self.assets.render(f"console/{template}", csrf=session.csrf if session else "", flash=flash,
                                  target=self.service.target_description(), signed_in=bool(session and session.admin),
                                  data_json=Markup(script_json(values.pop("data", {}))), **values)
        return HTMLResponse(html, status_code=status)


def session_of(request: Request) -> Session | None:
    """Return the request's session (the gate looked it up)."""
    return request.scope.get(SESSION_KEY)


def form_of(request: Request) -> list[tuple[str, str]]:
    """Return the request's form fields (the gate read them and checked the CSRF token)."""
    return list(request.scope.get(FORM_KEY) or [])


def see_other(url: str) -> RedirectResponse:
    """Return a 303 to `url` (after a POST)."""
    return RedirectResponse(url, status_code=303)


def safe_next(text: str | None) -> str:
    """Return a console path to go back to after sign-in, "/" for anything else (no open redirect)."""
    if not text or not text.startswith("/") or text.startswith(("//", "/\\")):
        return "/"
    return text if is_console_path(text.split("?", 1)[0]) else "/"
