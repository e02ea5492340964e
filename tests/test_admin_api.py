"""The admin API against a live service on 127.0.0.1: status, one error envelope, auth, rebuilds, connections."""
from __future__ import annotations

import os
import subprocess

import pytest
import yaml

from builder.admin_api import ApiServer, create_app
from builder.build import SourceBuild
from builder.errors import UsageError
from tests.conftest import BUNDLESMITH, REPO
from tests.support.publishing import build, copy_acme
from tests.support.service import TOKEN, live_service, published

FULLSTORY = {"destination": "FullStory", "name": "FullStory", "mode": "device", "settings": {"orgId": "o-ACME-1"}}
SECOND_MIXPANEL = {"destination": "Mixpanel", "name": "Mixpanel Two", "mode": "device", "settings": {"token": "t2"}}


def _envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"] and set(error) == {"code", "message", "details"}
    return error


@pytest.fixture
def live(tmp_path):
    with live_service(copy_acme(tmp_path)) as running:
        yield running


def test_health_and_status_of_every_source(live):
    assert live.api("GET", "/healthz").json()["status"] == "ok"
    sources = live.api("GET", "/api/v1/sources").json()["sources"]
    assert sorted(s["source_id"] for s in sources) == ["backend", "marketing", "mobile-app", "storefront"]
    one = live.api("GET", "/api/v1/sources/storefront").json()
    assert one["state"] == "published" and one["published_build_id"] == one["build_id"]
    assert one["visible_everywhere_by"] > one["published_at"] and one["target"]["env"] == "local"
    assert one["published"]["build_id"] == one["build_id"] and one["last_error"] is None


def test_every_error_is_the_one_envelope(live):
    _envelope(live.api("GET", "/api/v1/sources/nope"), 404, "source-not-found")
    _envelope(live.api("GET", "/no/such/route"), 404, "not-found")
    _envelope(live.api("PUT", "/api/v1/rebuild"), 405, "method-not-allowed")
    error = _envelope(live.api("POST", "/api/v1/sources/storefront/destinations", json={"name": "x"}), 422,
                      "request-invalid")
    assert any(d["loc"][-1] == "destination" for d in error["details"])
    _envelope(live.api("POST", "/api/v1/sources/storefront/rollback"), 409, "rollback-refused")  # local: no builds


def test_mutations_need_the_token(live):
    for method, path in (("POST", "/api/v1/rebuild"), ("POST", "/api/v1/sources/storefront/rebuild"),
                         ("POST", "/api/v1/sources/storefront/rollback"),
                         ("DELETE", "/api/v1/sources/storefront/destinations/Mixpanel")):
        _envelope(live.api(method, path, auth=False), 401, "unauthorized")
        _envelope(live.api(method, path, auth=False, headers={"Authorization": "Bearer wrong"}), 401,
                  "unauthorized")
    before = (live.service.root / "sources/storefront.yaml").read_bytes()
    _envelope(live.api("POST", "/api/v1/sources/storefront/destinations", auth=False, json=FULLSTORY), 401,
              "unauthorized")
    assert (live.service.root / "sources/storefront.yaml").read_bytes() == before


def test_rebuild_requests_are_accepted_and_built(live):
    runs = live.service.loop.runs
    assert live.api("POST", "/api/v1/sources/storefront/rebuild").json() == {"queued": ["storefront"]}
    assert live.service.loop.wait_idle(30)
    assert live.api("POST", "/api/v1/rebuild").status_code == 202
    assert live.service.loop.wait_idle(30) and live.service.loop.runs >= runs + 1
    assert live.service.board.get("storefront").builds >= 2


def test_connections_are_validated_written_atomically_and_republished(live):
    path = live.service.root / "sources/storefront.yaml"
    listed = live.api("GET", "/api/v1/sources/storefront/destinations")
    etag = listed.headers["ETag"]
    assert "Mixpanel" in [d["name"] for d in listed.json()["destinations"]]
    before = path.read_bytes()

    error = _envelope(live.api("POST", "/api/v1/sources/storefront/destinations", json=SECOND_MIXPANEL,
                               headers={"If-Match": etag}), 422, "R3-device-duplicate")
    assert "Mixpanel" in error["message"] and error["details"][0]["line"]
    assert path.read_bytes() == before

    _envelope(live.api("POST", "/api/v1/sources/storefront/destinations", json=FULLSTORY,
                       headers={"If-Match": '"stale"'}), 409, "edit-conflict")
    assert path.read_bytes() == before

    created = live.api("POST", "/api/v1/sources/storefront/destinations", json=FULLSTORY, headers={"If-Match": etag})
    assert created.status_code == 201 and created.headers["ETag"] != etag
    text = path.read_text()
    assert text.startswith(before.decode()) and "destination: FullStory" in text  # the rest of the file as it was
    _, outcomes = build(live.service.root)
    target = next(o for o in outcomes if isinstance(o, SourceBuild) and o.source_id == "storefront")
    live.wait(lambda board: published(board, "storefront", target.build_id))
    settings = next(o for o in target.objects if o.key.endswith("/settings"))
    assert (live.service.root / "public" / settings.key).read_bytes() == settings.body
    assert b"FullStory" in settings.body

    _envelope(live.api("PATCH", "/api/v1/sources/storefront/destinations/FullStory", json={"enabled": False},
                       headers={"If-Match": etag}), 409, "edit-conflict")            # the old ETag is stale now
    patched = live.api("PATCH", "/api/v1/sources/storefront/destinations/FullStory", json={"enabled": False},
                       headers={"If-Match": created.headers["ETag"]})
    assert patched.status_code == 200 and patched.json()["destination"]["enabled"] is False
    assert live.api("DELETE", "/api/v1/sources/storefront/destinations/FullStory").status_code == 200
    assert "FullStory" not in [d["destination"] for d in yaml.safe_load(path.read_text())["destinations"]]
    _envelope(live.api("DELETE", "/api/v1/sources/storefront/destinations/FullStory"), 404, "destination-not-found")


def test_a_non_loopback_address_needs_a_token(live):
    with pytest.raises(UsageError, match="without an admin token"):
        ApiServer(create_app(live.service, None), "0.0.0.0", 0)


def test_the_rebuild_command_calls_the_api(live):
    env = {**os.environ, "BUNDLESMITH_ADMIN_TOKEN": TOKEN}
    done = subprocess.run([*BUNDLESMITH, "rebuild", "storefront", "--server", live.url], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "queued for rebuilding: storefront" in done.stdout
    env["BUNDLESMITH_ADMIN_TOKEN"] = "wrong"
    refused = subprocess.run([*BUNDLESMITH, "rebuild", "--server", live.url], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1 and "401 [unauthorized]" in refused.stderr
