"""The admin API survives schemathesis: every operation of its own OpenAPI document, with and without the token and
with a foreign Host, no 5xx, every error in the envelope (live server)."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.support.publishing import copy_acme
from tests.support.service import live_service


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_service(copy_acme(tmp_path_factory.mktemp("fuzz"))) as running:
        yield running


def test_no_operation_answers_a_server_error(live):
    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 10
    for operation in operations:
        _fuzz(operation, live)


def _fuzz(operation, live) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case) -> None:
        token = {"Authorization": f"Bearer {live.token}"}
        for headers in ({}, token, {**token, "Host": "evil.example"}):
            response = case.call(base_url=live.url, headers=headers, timeout=30)
            assert response.status_code < 500, (case.method, case.formatted_path, response.text)
            if response.status_code >= 400:
                assert set(response.json()["error"]) == {"code", "message", "details"}
            if "Host" in headers:
                assert response.status_code == 421, (case.method, case.formatted_path)  # DNS rebinding
            elif not headers and case.formatted_path != "/healthz":
                assert response.status_code == 401, (case.method, case.formatted_path)
    check()
