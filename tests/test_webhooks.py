"""Webhooks: signed JSON notices delivered to a real HTTP server on 127.0.0.1, retried, never blocking builds;
http(s) only, no redirect followed, and only to the hosts the operator allows."""
from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from builder.models import WebhookConfig
from bundlesmith.cli import main
from bundlesmith.commands.service import _webhook_options
from bundlesmith.http_thread import BackgroundHttpServer
from bundlesmith.serve.webhooks import HOSTS_ENV, SIGNATURE_HEADER, WebhookSender, sign, verify
from tests.support.publishing import copy_acme, edit
from tests.support.service import live_service


class Listener(BackgroundHttpServer):
    """Records every POST; answers 500 to the first `fail_first` of them."""

    def __init__(self, fail_first: int = 0, redirect_to: str | None = None):
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.fail_first, self.arrived = fail_first, threading.Condition()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with listener.arrived:
                    listener.received.append((dict(self.headers), body))
                    failing = len(listener.received) <= listener.fail_first
                    listener.arrived.notify_all()
                if redirect_to is not None:  # "post it over there instead" (307 keeps the method and the body)
                    self.send_response(307)
                    self.send_header("Location", redirect_to)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)  # a body to leak into a log line, if anything logged it
                    return
                self.send_response(500 if failing else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

        super().__init__(Handler)

    @property
    def hook_url(self) -> str:
        """Return the URL webhooks are sent to."""
        return self.url + "/hook"

    def wait(self, count: int, timeout: float = 20.0) -> list[tuple[dict[str, str], bytes]]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.received) >= count, timeout), self.received
            return list(self.received)


def test_the_signature_is_an_hmac_of_the_body():
    # RFC 4231 test case 2: HMAC-SHA256 of "what do ya want for nothing?" under "Jefe"
    assert sign("Jefe", b"what do ya want for nothing?") == \
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert verify("s3cret", b"{}", sign("s3cret", b"{}")) and not verify("other", b"{}", sign("s3cret", b"{}"))


def test_a_failed_delivery_is_retried_with_backoff_and_signed(monkeypatch):
    with Listener(fail_first=2) as listener:
        hook = WebhookConfig(url=listener.hook_url, secret_env="HOOK_SECRET")
        with WebhookSender([hook], "acme", env={"HOOK_SECRET": "s3cret"}, backoff=0.01) as sender:
            sender.notify("publish.succeeded", {"source": "shop", "build_id": "b1", "visible_everywhere_by": 1.0,
                                                "error": None})
            received = listener.wait(3)
        headers, body = received[-1]
        assert len(received) == 3 and all(b == body for _, b in received)      # the same notice, retried
        assert verify("s3cret", body, headers[SIGNATURE_HEADER])
        assert json.loads(body)["source"] == "shop" and headers["X-Bundlesmith-Event"] == "publish.succeeded"
        assert sender.delivered == 1


def test_notify_never_waits_for_a_slow_listener():
    release = threading.Event()

    def slow_post(*args, **kwargs):
        release.wait(10)
        raise __import__("requests").ConnectionError("gone")

    with WebhookSender([WebhookConfig(url="http://127.0.0.1:9/x")], "acme", post=slow_post, attempts=1) as sender:
        for i in range(2000):                 # more than the queue holds: the oldest are dropped, nothing blocks
            sender.notify("build.failed", {"source": f"s{i}"})
        release.set()


def test_the_service_notifies_a_failed_build_and_a_good_publish(tmp_path, monkeypatch):
    root = copy_acme(tmp_path)
    monkeypatch.setenv("ACME_HOOK_SECRET", "hook-secret-1")
    with Listener() as listener:
        with (root / "workspace.yaml").open("a") as handle:
            handle.write(f"webhooks:\n  - url: {listener.hook_url}\n    secret_env: ACME_HOOK_SECRET\n")
        with live_service(root) as live:
            start = len(listener.wait(4))                       # the first publish of each source
            edit(root / "sources/storefront.yaml", "name: Mixpanel EU\n    mode: cloud", "name: Mixpanel EU\n    mode: [cloud")
            headers, body = listener.wait(start + 1)[-1]
            failed = json.loads(body)
            assert failed["event"] == "build.failed" and failed["source"] == "storefront"
            assert "storefront.yaml:" in failed["error"] and failed["problems"][0]["line"]
            assert verify("hook-secret-1", body, headers[SIGNATURE_HEADER])
            edit(root / "sources/storefront.yaml", "mode: [cloud", "mode: cloud")
            edit(root / "sources/storefront.yaml", "G-ACME12345", "G-ACME54321")
            live.wait(lambda board: board.get("storefront").last_error is None
                      and board.get("storefront").state == "published")
            events = [json.loads(b) for _, b in listener.wait(start + 2)[start + 1:]]
            assert any(e["event"] == "publish.succeeded" and e["source"] == "storefront" and e["build_id"]
                       and e["visible_everywhere_by"] for e in events)


def test_a_redirect_is_not_followed_and_counts_as_a_failed_delivery(caplog):
    caplog.set_level(logging.INFO, logger="bundlesmith.serve.webhooks")
    with Listener() as elsewhere, Listener(redirect_to=elsewhere.hook_url + "?stolen") as first:
        hook = WebhookConfig(url=first.hook_url + "?token=hook-path-secret", secret_env="HOOK_SECRET")
        with WebhookSender([hook], "acme", env={"HOOK_SECRET": "s3cret"}, backoff=0.01) as sender:
            sender.notify("publish.failed", {"source": "shop", "error": "body-marker-7731"})
            first.wait(1)
        # the sender has stopped: its delivery is over, and nothing was re-posted anywhere
        assert len(first.received) == 1 and elsewhere.received == []
        assert (sender.delivered, sender.failed) == (0, 1)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "HTTP 307" in logged and "redirect" in logged
    assert "body-marker-7731" not in logged and "hook-path-secret" not in logged and "stolen" not in logged


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://hooks.example/x", "gopher://h/", "http://",
                                 "hooks.example"])
def test_only_http_and_https_urls_are_webhooks(url):
    with pytest.raises(ValidationError, match=r"must be an http\(s\) URL with a host"):
        WebhookConfig(url=url)


def test_a_workspace_with_a_non_http_webhook_names_the_file_and_field(tmp_path):
    from tests.support.publishing import copy_acme
    root = copy_acme(tmp_path)
    with (root / "workspace.yaml").open("a") as handle:
        handle.write("webhooks:\n  - url: https://hooks.acme.example/ok\n  - url: file:///etc/passwd\n")
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 1
    assert f"{root}/workspace.yaml:" in result.output and "webhooks[1].url: [C-invalid-value] must be an http(s) URL" \
        in result.output, result.output


def test_a_url_that_escaped_validation_is_checked_again_before_sending():
    posted = []
    hook = WebhookConfig.model_construct(url="file:///etc/passwd", secret_env=None, events=["build.failed"])
    with WebhookSender([hook], "acme", post=lambda *a, **k: posted.append(a)) as sender:
        sender.notify("build.failed", {"source": "s"})
    assert posted == [] and sender.failed == 1


def test_a_host_outside_the_operators_allow_list_is_never_posted_to(caplog):
    caplog.set_level(logging.WARNING, logger="bundlesmith.serve.webhooks")
    with Listener() as listener:
        hook = WebhookConfig(url=listener.hook_url)
        with WebhookSender([hook], "acme", allowed_hosts=["hooks.acme.example"]) as sender:
            sender.notify("build.failed", {"source": "s"})
        assert listener.received == [] and (sender.delivered, sender.failed) == (0, 1)
        assert "'127.0.0.1' is not among the allowed webhook hosts" in caplog.text
        with WebhookSender([hook], "acme", allowed_hosts=["hooks.acme.example,127.0.0.1"]) as sender:
            sender.notify("build.failed", {"source": "s"})
            listener.wait(1)
        assert sender.delivered == 1


def test_serve_takes_the_allow_list_from_its_option_and_the_environment(monkeypatch):
    monkeypatch.setenv(HOSTS_ENV, "b.example, *.c.example")
    assert _webhook_options(("A.example",)) == {"allowed_hosts": frozenset({"a.example", "b.example", "*.c.example"})}
    monkeypatch.delenv(HOSTS_ENV)
    assert _webhook_options(()) == {}
    assert "--webhook-host" in CliRunner().invoke(main, ["serve", "--help"]).output
