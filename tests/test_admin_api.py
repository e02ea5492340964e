"""The admin API against a live service on 127.0.0.1: status, one error envelope, auth, rebuilds, connections."""
from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from builder.build import SourceBuild
from builder.errors import UsageError
from bundlesmith.serve.admin_api import ApiServer, create_app
from bundlesmith.serve.api_values import MASK
from tests.conftest import BUNDLESMITH, REPO
from tests.support.publishing import build, copy_acme
from tests.support.service import TOKEN, live_service, published
from tests.support.workspaces import private_values

FULLSTORY = {"destination": "FullStory", "name": "FullStory", "mode": "device", "settings": {"orgId": "o-ACME-1"}}
SECOND_MIXPANEL = {"destination": "Mixpanel", "name": "Mixpanel Two", "mode": "device", "settings": {"token": "t2"}}


def _envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"] and set(error) == {"code", "message", "details"}
    return error


def assert_no_private_value_in(texts: list[bytes], secrets: set[str]) -> None:
    """Fail when any private value appears in any of `texts`."""
    assert secrets
    leaks = {secret for secret in secrets for text in texts if secret.encode() in text}
    assert not leaks, f"{len(leaks)} private values leaked"


@pytest.fixture
def live(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    root = copy_acme(tmp_path)
    seen = private_values(root)
    with live_service(root) as running:
        yield running
    secrets = seen | private_values(root)  # with those the test wrote
    assert_no_private_value_in(running.bodies, secrets)  # no response body of the test held one
    assert_no_private_value_in([caplog.text.encode()], secrets)  # nor did a log line


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


# --- issue 13: reads behind the token, private settings write-only, Host allow-list, JSON values, round trips ----

def test_every_route_but_health_needs_the_token_reads_included(live):
    for path in ("/api/v1/sources", "/api/v1/sources/storefront", "/api/v1/sources/storefront/destinations",
                 "/no/such/route"):
        error = _envelope(live.api("GET", path, auth=False), 401, "unauthorized")
        assert "BUNDLESMITH_ADMIN_TOKEN" in error["message"]
        _envelope(live.api("GET", path, auth=False, headers={"Authorization": f"Bearer {TOKEN}x"}), 401,
                  "unauthorized")
        _envelope(live.api("GET", path, auth=False, headers={"Authorization": f"Basic {TOKEN}"}), 401,
                  "unauthorized")
    assert live.api("GET", "/healthz", auth=False).json()["status"] == "ok"
    assert live.api("GET", "/openapi.json", auth=False).json()["info"]["title"] == "bundlesmith admin API"


def test_without_a_configured_token_every_guarded_route_says_how_to_set_one(tmp_path):
    with live_service(copy_acme(tmp_path), token=None) as running:
        for method, path in (("GET", "/api/v1/sources"), ("POST", "/api/v1/rebuild"),
                             ("GET", "/api/v1/sources/storefront/destinations")):
            error = _envelope(running.api(method, path, headers={"Authorization": "Bearer anything"}), 401,
                              "unauthorized")
            assert "set BUNDLESMITH_ADMIN_TOKEN" in error["message"]
        assert running.api("GET", "/healthz").status_code == 200


def test_private_settings_are_masked_in_every_answer(live):
    listed = {d["name"]: d for d in live.api("GET", "/api/v1/sources/storefront/destinations").json()["destinations"]}
    assert listed["Mixpanel"]["settings"] == {"token": "mp_tok_storefront_91ac", "apiSecret": MASK,
                                              "trackAllPages": True}
    assert listed["Orders to Slack"]["settings"]["webhookUrl"] == MASK
    assert listed["Salesforce"]["settings"] == {"username": MASK, "password": MASK, "securityToken": MASK}
    created = live.api("POST", "/api/v1/sources/storefront/destinations", json={
        "destination": "Mixpanel", "name": "Mixpanel Ops", "mode": "cloud",
        "settings": {"token": "mp_tok_ops", "apiSecret": "mp-secret-ops-0f0f"}})
    assert created.status_code == 201 and created.json()["destination"]["settings"]["apiSecret"] == MASK
    patched = live.api("PATCH", "/api/v1/sources/storefront/destinations/Mixpanel Ops",
                       json={"settings": {"token": "mp_tok_ops", "apiSecret": "mp-secret-ops-1e1e"}})
    assert patched.status_code == 200 and patched.json()["destination"]["settings"]["apiSecret"] == MASK
    assert "mp-secret-ops-1e1e" in (live.service.root / "sources/storefront.yaml").read_text()
    # the fixture then checks that no answer of this test (nor any log line) held a private value


def test_the_mask_sent_back_keeps_the_stored_secret(live):
    path = live.service.root / "sources/storefront.yaml"
    mixpanel = next(d for d in live.api("GET", "/api/v1/sources/storefront/destinations").json()["destinations"]
                    if d["name"] == "Mixpanel")
    settings = {**mixpanel["settings"], "trackAllPages": False}
    assert live.api("PATCH", "/api/v1/sources/storefront/destinations/Mixpanel",
                    json={"settings": settings}).status_code == 200
    stored = next(d for d in yaml.safe_load(path.read_text())["destinations"] if d["name"] == "Mixpanel")
    assert stored["settings"] == {"token": "mp_tok_storefront_91ac", "apiSecret": "mp-secret-storefront-5b1e",
                                  "trackAllPages": False}
    before = path.read_bytes()
    error = _envelope(live.api("POST", "/api/v1/sources/storefront/destinations", json={
        "destination": "Mixpanel", "name": "Mixpanel Ops", "mode": "cloud",
        "settings": {"token": "t", "apiSecret": MASK}}), 422, "setting-masked")
    assert "apiSecret" in error["message"] and path.read_bytes() == before


def test_a_host_the_service_does_not_answer_to_is_refused_even_with_the_token(live):
    port = live.url.rsplit(":", 1)[1]
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example", "[::2]"):
        for path in ("/api/v1/sources", "/healthz", "/openapi.json"):
            error = _envelope(live.api("GET", path, headers={"Host": host}), 421, "host-not-allowed")
            assert "--allowed-host" in error["message"]
    before = (live.service.root / "sources/storefront.yaml").read_bytes()
    _envelope(live.api("POST", "/api/v1/sources/storefront/destinations", json=FULLSTORY,
                       headers={"Host": "evil.example"}), 421, "host-not-allowed")
    assert (live.service.root / "sources/storefront.yaml").read_bytes() == before
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "LOCALHOST", f"[::1]:{port}"):
        assert live.api("GET", "/api/v1/sources", headers={"Host": host}).status_code == 200


def test_a_host_added_with_allowed_host_is_answered(tmp_path):
    from bundlesmith.serve.admin_gate import allowed_hosts

    with live_service(copy_acme(tmp_path), allowed=allowed_hosts(None, ["admin.acme.internal"])) as running:
        assert running.api("GET", "/api/v1/sources", headers={"Host": "admin.acme.internal:8585"}).status_code == 200
        _envelope(running.api("GET", "/api/v1/sources", headers={"Host": "acme.internal"}), 421, "host-not-allowed")


def test_a_value_json_cannot_represent_is_refused_and_nothing_is_written(live):
    path = live.service.root / "sources/storefront.yaml"
    before = path.read_bytes()
    for method, where, body in (  # eventUploadThreshold is a number: NaN passes the setting's type check
            ("PATCH", "/destinations/Amplitude", b'{"settings": {"apiKey": "k", "eventUploadThreshold": NaN}}'),
            ("PATCH", "/destinations/Amplitude", b'{"settings": {"apiKey": "k", "eventUploadThreshold": Infinity}}'),
            ("POST", "/destinations", b'{"destination": "Amplitude", "name": "A2", "mode": "cloud", '
                                      b'"settings": {"apiKey": "k", "eventUploadPeriodMillis": -Infinity}}')):
        error = _envelope(live.api(method, "/api/v1/sources/storefront" + where, data=body,
                                   headers={"Content-Type": "application/json"}), 422, "request-invalid")
        assert "not a JSON value" in error["message"]
        assert path.read_bytes() == before


ROUND_TRIP = {"destination": "Amplitude", "name": "yes", "mode": "cloud", "enabled": False,
              "settings": {"apiKey": "off", "secretKey": "12:30", "endpoint": "0o17", "eventUploadThreshold": 1e20,
                           "mapQueryParams": {"yes": "on", "1_000": "~", "no": "2001-01-01", "=": "<<", "y": "null",
                                              "0x1F": "1:2:3", ".5": "+1"}},
              "consent_categories": ["Off", "017"]}


def test_values_yaml_1_1_would_misread_are_written_so_they_read_back(live):
    path = live.service.root / "sources/storefront.yaml"
    created = live.api("POST", "/api/v1/sources/storefront/destinations", json=ROUND_TRIP)
    assert created.status_code == 201, created.text
    masked = {**ROUND_TRIP, "settings": {**ROUND_TRIP["settings"], "secretKey": MASK}}
    assert created.json()["destination"] == masked
    stored = next(d for d in yaml.safe_load(path.read_text())["destinations"] if d["name"] == "yes")
    assert stored == ROUND_TRIP  # what the loader reads is what was sent, types included
    listed = live.api("GET", "/api/v1/sources/storefront/destinations").json()["destinations"]
    assert next(d for d in listed if d["name"] == "yes") == masked
    patched = live.api("PATCH", "/api/v1/sources/storefront/destinations/yes",
                       json={"settings": {**masked["settings"], "apiKey": "no"}, "name": "on"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["destination"]["settings"]["apiKey"] == "no"
    stored = next(d for d in yaml.safe_load(path.read_text())["destinations"] if d["name"] == "on")
    assert stored["settings"] == {**ROUND_TRIP["settings"], "apiKey": "no"}  # secretKey kept through the mask
    assert live.api("DELETE", "/api/v1/sources/storefront/destinations/on").status_code == 200
    assert "on" not in [d["name"] for d in yaml.safe_load(path.read_text())["destinations"]]


def test_an_instance_name_with_a_slash_can_be_edited_and_deleted(live):
    path = live.service.root / "sources/storefront.yaml"
    instance = {"destination": "Google Analytics", "name": "GA / EU", "mode": "cloud",
                "settings": {"measurementID": "G-EU1"}}
    assert live.api("POST", "/api/v1/sources/storefront/destinations", json=instance).status_code == 201
    patched = live.api("PATCH", "/api/v1/sources/storefront/destinations/GA / EU", json={"enabled": False})
    assert patched.status_code == 200 and patched.json()["destination"]["name"] == "GA / EU"
    encoded = live.api("PATCH", "/api/v1/sources/storefront/destinations/GA%20%2F%20EU", json={"enabled": True})
    assert encoded.status_code == 200 and encoded.json()["destination"]["enabled"] is True
    assert live.api("DELETE", "/api/v1/sources/storefront/destinations/GA%20%2F%20EU").status_code == 200
    assert "GA / EU" not in [d["name"] for d in yaml.safe_load(path.read_text())["destinations"]]
    _envelope(live.api("DELETE", "/api/v1/sources/storefront/destinations/GA / EU"), 404, "destination-not-found")


def test_an_error_about_a_private_setting_says_its_type_and_length_only(live):
    for secret, got in ((987654321987, "a value of type int"), (["sk-live-77e1"], "a value of type list")):
        answer = live.api("PATCH", "/api/v1/sources/storefront/destinations/Mixpanel",
                          json={"settings": {"token": "t", "apiSecret": secret}})
        error = _envelope(answer, 422, "C-setting-type")
        assert str(secret).strip("[]'") not in answer.text and error["details"][0]["got"] == got


def test_a_secret_pasted_into_a_public_setting_is_masked_and_kept_when_sent_back(live):
    secret = "mp-secret-eu-77c2"  # Mixpanel EU's private apiSecret, pasted as another instance's public token
    created = live.api("POST", "/api/v1/sources/storefront/destinations", json={
        "destination": "Mixpanel", "name": "Mixpanel Pasted", "mode": "cloud", "settings": {"token": secret}})
    assert created.status_code == 201 and created.json()["destination"]["settings"]["token"] == MASK
    listed = live.api("GET", "/api/v1/sources/storefront/destinations").json()["destinations"]
    pasted = next(d for d in listed if d["name"] == "Mixpanel Pasted")
    assert pasted["settings"] == {"token": MASK}
    assert live.api("PATCH", "/api/v1/sources/storefront/destinations/Mixpanel Pasted",
                    json={"settings": pasted["settings"], "enabled": False}).status_code == 200
    stored = next(d for d in yaml.safe_load((live.service.root / "sources/storefront.yaml").read_text())["destinations"]
                  if d["name"] == "Mixpanel Pasted")
    assert stored["settings"] == {"token": secret} and stored["enabled"] is False
