"""`bundlesmith serve --allowed-host`: the admin API answers to loopback names and the named hosts only, and only
with the token, GETs included (the real command, as a subprocess on 127.0.0.1)."""
from __future__ import annotations

import os
import re
import signal
import subprocess

import requests

from tests.conftest import BUNDLESMITH, REPO
from tests.support.publishing import copy_acme
from tests.support.service import TOKEN


def test_serve_answers_its_allowed_hosts_with_the_token_and_refuses_the_rest(tmp_path):
    env = {**os.environ, "BUNDLESMITH_ADMIN_TOKEN": TOKEN}
    process = subprocess.Popen([*BUNDLESMITH, "serve", str(copy_acme(tmp_path)), "--port", "0", "--quiet", "0.05",
                                "--allowed-host", "admin.acme.test", "--allowed-host", "Ops.Acme.Test"],
                               cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        match = re.search(r"admin API (http://\S+)/", process.stdout.readline())
        assert match
        url, port = match.group(1), match.group(1).rsplit(":", 1)[1]
        token = {"Authorization": f"Bearer {TOKEN}"}

        def get(headers: dict[str, str]) -> requests.Response:
            return requests.get(f"{url}/api/v1/sources", headers=headers, timeout=30)

        for host in (f"admin.acme.test:{port}", "ops.acme.test", f"127.0.0.1:{port}"):
            assert get({**token, "Host": host}).status_code == 200
        refused = get({**token, "Host": "evil.example"})
        assert refused.status_code == 421 and refused.json()["error"]["code"] == "host-not-allowed"
        assert get({"Host": "admin.acme.test"}).json()["error"]["code"] == "unauthorized"
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    assert process.returncode == 0
