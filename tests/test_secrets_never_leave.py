"""No private value leaves the server, wherever it could: every published object of the target, every admin API
response (with and without the token), every preview page and JSON document, every webhook body, every CLI line
and every log record.

One workspace plants a distinct marker in every private setting of every catalog destination (device and cloud
instances), and adds the three ways a private value used to escape: a private value of the wrong type (echoed in
the problem text), a private value of one source copied into a public setting of another (the leak check looked
within one source only), and a short private value. The service, its admin API, the preview and the CLI all run
against it for real; then every byte they produced is searched for every planted value.
"""
from __future__ import annotations

import logging
from pathlib import Path

import requests
from click.testing import CliRunner

from builder.catalog import Catalog
from bundlesmith.cli import main
from bundlesmith.preview.preview import open_preview
from tests.support.service import live_service
from tests.support.workspaces import MARKER, marked_instances, web_source, write_workspace
from tests.test_webhooks import Listener

WRONG_TYPE_SECRET = 98765432101   # an integer where the catalog wants a string: its problem must not echo it
SHORT_SECRET = "k9Zq"             # shorter than any substring search would trust
COPIED_SECRET = "copied-from-storefront-7c1d"


def _workspace(root: Path, catalog: Catalog, hook_url: str) -> Path:
    mixpanel = {"destination": "Mixpanel", "name": "Mixpanel", "mode": "device"}
    return write_workspace(root, webhooks=[{"url": hook_url, "events": ["build.failed", "publish.succeeded"]}],
                           sources={
        "device": web_source("device", marked_instances(catalog, "device")),
        "cloud": web_source("cloud", marked_instances(catalog, "cloud")),
        # the private apiSecret of storefront is copied into the public token of copier
        "storefront": web_source("storefront", [{**mixpanel, "settings": {"token": "mp-public-token-1",
                                                                           "apiSecret": COPIED_SECRET}}]),
        "copier": web_source("copier", [{**mixpanel, "settings": {"token": COPIED_SECRET}}]),
        # a short private value, then the same value published as a public one by another source
        "short": web_source("short", [{**mixpanel, "settings": {"token": "mp-public-token-2",
                                                                 "apiSecret": SHORT_SECRET}}]),
        "short-copier": web_source("short-copier", [{**mixpanel, "settings": {"token": SHORT_SECRET}}]),
        "wrong-type": web_source("wrong-type", [{**mixpanel, "settings": {"token": "mp-public-token-3",
                                                                          "apiSecret": WRONG_TYPE_SECRET}}]),
    })


def _admin_api_texts(live, source_ids: list[str]) -> list[str]:
    """Call every admin API route a reader can, with and without the token; return every response body."""
    texts = []
    paths = ["/healthz", "/api/v1/sources", "/openapi.json"]
    for source_id in source_ids:
        paths += [f"/api/v1/sources/{source_id}", f"/api/v1/sources/{source_id}/destinations"]
    for path in paths:
        for auth in (True, False):
            texts.append(live.api("GET", path, auth=auth).text)
    created = live.api("POST", "/api/v1/sources/storefront/destinations", json={
        "destination": "Amplitude", "name": "Amplitude", "mode": "cloud",
        "settings": {"apiKey": "amp-public-1", "secretKey": f"{MARKER}-created-x9"}})
    texts.append(created.text)
    texts.append(live.api("PATCH", "/api/v1/sources/storefront/destinations/Amplitude",
                          json={"settings": {"apiKey": "amp-public-2", "secretKey": f"{MARKER}-patched-x9"}}).text)
    texts.append(live.api("PATCH", "/api/v1/sources/storefront/destinations/Amplitude",
                          json={"settings": {"secretKey": 12345678901234}}).text)  # wrong type: refused, not echoed
    return texts


def test_no_private_value_appears_in_any_output(tmp_path, catalog, caplog):
    caplog.set_level(logging.DEBUG)
    secrets = [MARKER, str(WRONG_TYPE_SECRET), COPIED_SECRET, SHORT_SECRET]
    with Listener() as listener:
        root = _workspace(tmp_path / "ws", catalog, listener.hook_url)
        texts: list[str] = []

        with live_service(root) as live:
            live.wait(lambda board: all(r.builds for r in board.all()), timeout=60)
            board = {r.source_id: r for r in live.service.board.all()}
            texts += _admin_api_texts(live, sorted(board))
            live.wait(lambda board: True, timeout=30)
        # the failures were reported to the webhook listener, which holds what it was sent
        bodies = [body.decode() for _, body in listener.wait(1)]
        assert any("build.failed" in body for body in bodies)
        texts += bodies

    with open_preview(root, port=0, vendor_stubs=True) as preview:
        for path in ("/", "/_preview/status.json", "/_preview/events.json", "/_preview/plan?env=local",
                     "/_preview/sources/device/", "/_preview/sources/device/page", "/_preview/sources/copier/",
                     "/_preview/sources/wrong-type/"):
            texts.append(requests.get(preview.url + path, timeout=30).text)

    runner = CliRunner()
    for args in (["validate", str(root)], ["validate", str(root), "--json"],
                 ["build", str(root), "--out", str(tmp_path / "out")],
                 ["status", str(root), "--env", "local"], ["plan", str(root), "--env", "local"]):
        texts.append(runner.invoke(main, args).output)

    texts += [record.getMessage() + (record.exc_text or "") for record in caplog.records]
    published = [p for folder in (root / "public", tmp_path / "out") for p in folder.rglob("*") if p.is_file()
                 and ".bundlesmith" not in p.parts]
    assert len(published) > 10
    found = [(secret, text[:200]) for secret in secrets for text in texts if secret in text]
    found += [(secret, str(path)) for secret in secrets for path in published if secret.encode() in path.read_bytes()]
    assert not found, sorted({(secret, where[:90]) for secret, where in found})
    # the outputs were real: problems were reported for the three sources that break the rules
    everything = "\n".join(texts)
    for source_id in ("copier", "short-copier", "wrong-type"):
        assert source_id in everything
    assert "R10-private-leak" in everything
    assert "mp-public-token-1" in everything or any(b"mp-public-token-1" in p.read_bytes() for p in published)
