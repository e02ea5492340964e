"""The plan / publish / rollback / status commands against S3 and CloudFront under moto."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from moto import mock_aws

import publish.targets
from bundlesmith.cli import main
from tests.support.moto_s3 import BUCKET, FaultInjector, PutRecorder, cloudfront_client, create_distribution
from tests.support.moto_s3 import fake_credentials, s3_client
from tests.support.publishing import copy_acme, edit

LOCAL_LINE = '  local: {url: "file://public"}'
MARKETING = ["/site/analytics.js/v1/wk_marketing_8e41/analytics.min.js", "/site/v1/projects/wk_marketing_8e41/settings"]


@pytest.fixture
def aws(monkeypatch):
    fake_credentials(monkeypatch)
    with mock_aws():
        s3 = s3_client()
        s3.create_bucket(Bucket=BUCKET)
        cloudfront = cloudfront_client()
        yield s3, cloudfront, create_distribution(cloudfront)


@pytest.fixture
def workspace(tmp_path, aws):
    root = copy_acme(tmp_path)
    edit(root / "workspace.yaml", LOCAL_LINE, LOCAL_LINE + f'\n  production: {{url: "s3://{BUCKET}/site", '
                                                          f'region: us-east-1, distribution: "{aws[2]}"}}')
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def _body(s3, key: str) -> bytes:
    return s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()


def test_plan_then_publish_then_plan_again(workspace):
    code, out = run("plan", str(workspace), "--env", "production")
    assert code == 0 and "total: add 14, update 0, delete 0, unchanged 0;" in out
    assert re.search(r"^storefront: add \d+, update 0, delete 0, unchanged 0$", out, re.M)
    assert "  add v1/projects/wk_storefront_2f9c/settings" in out
    code, out = run("publish", str(workspace), "--env", "production")
    assert code == 0 and "4 sources published, 0 unchanged, 0 failed, 0 not built" in out, out
    code, out = run("plan", str(workspace), "--env", "production")
    assert "total: add 0, update 0, delete 0, unchanged 14;" in out


def test_publish_with_invalidate_invalidates_exactly_the_changed_entry_paths(workspace, aws):
    s3, cloudfront, distribution = aws
    assert run("publish", str(workspace), "--env", "production")[0] == 0
    edit(workspace / "sources" / "marketing.yaml", 'containerId: "GTM-ACME01"', 'containerId: "GTM-ACME09"')
    code, out = run("publish", str(workspace), "--env", "production", "--invalidate")
    assert code == 0, out
    [summary] = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]["Items"]
    batch = cloudfront.get_invalidation(DistributionId=distribution, Id=summary["Id"])["Invalidation"]
    assert sorted(batch["InvalidationBatch"]["Paths"]["Items"]) == MARKETING
    state = json.loads(_body(s3, "site/.bundlesmith/sources/marketing.json"))
    settings = state["objects"]["v1/projects/wk_marketing_8e41/settings"]
    assert settings["visible_everywhere_by"] == settings["invalidated_at"] + 300
    assert settings["visible_everywhere_by"] < settings["published_at"] + 1800
    code, out = run("status", str(workspace), "--env", "production")
    assert re.search(r"marketing: build \w+, published \S+, visible everywhere by \S+ \(in \d+ s\) after "
                     r"invalidation", out), out


def test_rollback_restores_the_earlier_builds_bytes_and_status_shows_it(workspace, aws):
    s3 = aws[0]
    run("publish", str(workspace), "--env", "production")
    first = {k: _body(s3, f"site/{k}") for k in ("v1/projects/wk_storefront_2f9c/settings",
                                                  "analytics.js/v1/wk_storefront_2f9c/analytics.min.js")}
    edit(workspace / "sources" / "storefront.yaml", 'token: "mp_tok_storefront_91ac"', 'token: "mp_tok_sf_rolled"')
    assert run("publish", str(workspace), "--env", "production")[0] == 0
    assert b"mp_tok_sf_rolled" in _body(s3, "site/v1/projects/wk_storefront_2f9c/settings")
    old_build, new_build = json.loads(_body(s3, "site/.bundlesmith/sources/storefront.json"))["builds"]
    code, out = run("rollback", str(workspace), "storefront", "--env", "production")
    assert code == 0, out
    assert {k: _body(s3, f"site/{k}") for k in first} == first
    head = s3.head_object(Bucket=BUCKET, Key="site/v1/projects/wk_storefront_2f9c/settings")
    assert (head["ContentType"], head["CacheControl"]) == ("application/json", "public, max-age=300, s-maxage=1500")
    code, out = run("status", str(workspace), "--env", "production")
    assert f"storefront: build {old_build}" in out
    assert f"rolled back from {new_build} to {old_build}" in out
    code, out = run("rollback", str(workspace), "storefront", "--env", "production", "--to", new_build)
    assert code == 0 and b"mp_tok_sf_rolled" in _body(s3, "site/v1/projects/wk_storefront_2f9c/settings")
    code, out = run("rollback", str(workspace), "storefront", "--env", "production", "--to", "ffffffff")
    assert code == 2 and "no single retained build matches 'ffffffff'" in out


def test_a_source_that_cannot_be_published_exits_3_and_says_what_it_still_serves(workspace, aws, monkeypatch):
    run("publish", str(workspace), "--env", "production")
    real = publish.targets.make_client

    def faulty(service, target):
        client = real(service, target)
        if service == "s3":
            FaultInjector(client).fail("site/v1/projects/wk_marketing_8e41/settings", ["always"])
        return client
    monkeypatch.setattr(publish.targets, "make_client", faulty)
    monkeypatch.setattr(publish.targets.time, "sleep", lambda seconds: None)
    edit(workspace / "sources" / "marketing.yaml", 'containerId: "GTM-ACME01"', 'containerId: "GTM-ACME04"')
    code, out = run("publish", str(workspace), "--env", "production")
    assert code == 3
    assert "FAILED marketing: Failed to upload site/v1/projects/wk_marketing_8e41/settings to cdn-bucket: SlowDown" \
        in out and "still serving build" in out


def test_publishing_twice_through_the_cli_uploads_nothing(workspace, aws, monkeypatch):
    recorders = []
    real = publish.targets.make_client

    def recording(service, target):
        client = real(service, target)
        if service == "s3":
            recorders.append(PutRecorder(client))
        return client
    monkeypatch.setattr(publish.targets, "make_client", recording)
    run("publish", str(workspace), "--env", "production")
    code, out = run("publish", str(workspace), "--env", "production")
    assert code == 0 and recorders[0].keys and recorders[1].keys == []
    assert "0 objects uploaded" in out


def test_unknown_target_and_scheme_are_clear_errors(workspace):
    code, out = run("publish", str(workspace), "--env", "nope")
    assert code == 2 and "no target named 'nope'" in out and "targets: local, production" in out
    edit(workspace / "workspace.yaml", LOCAL_LINE, '  local: {url: "ftp://files.example/cdn"}')
    code, out = run("plan", str(workspace), "--env", "local")
    assert code == 2 and "whose scheme 'ftp' is unknown; use a directory, file://DIR or s3://BUCKET/PREFIX" in out


def test_the_local_target_publishes_like_build(workspace):
    code, out = run("publish", str(workspace), "--env", "local")
    assert code == 0 and (workspace / "public" / "v1" / "projects" / "wk_storefront_2f9c" / "settings").is_file()
    code, out = run("plan", str(workspace), "--env", "local")
    assert "total: add 0, update 0, delete 0" in out
    code, out = run("rollback", str(workspace), "storefront", "--env", "local")
    assert code == 2 and "there is no retained build older than" in out  # one build so far; see test_local_publish


def test_publish_verify_repairs_drift_a_lost_state_and_an_unreadable_one(workspace, aws):
    s3 = aws[0]
    assert run("publish", str(workspace), "--env", "production")[0] == 0
    settings = "site/v1/projects/wk_marketing_8e41/settings"
    good = _body(s3, settings)
    s3.put_object(Bucket=BUCKET, Key=settings, Body=b"edited by hand")               # drift
    s3.delete_object(Bucket=BUCKET, Key="site/.bundlesmith/sources/backend.json")     # a marker without its state
    s3.put_object(Bucket=BUCKET, Key="site/.bundlesmith/sources/storefront.json", Body=b"{torn")  # unreadable
    code, out = run("publish", str(workspace), "--env", "production")
    assert code == 0 and "4 sources published" not in out and _body(s3, settings) == b"edited by hand"
    code, out = run("plan", str(workspace), "--env", "production", "--verify")
    assert "  update v1/projects/wk_marketing_8e41/settings" in out, out
    code, out = run("publish", str(workspace), "--env", "production", "--verify")
    assert code == 0, out
    assert _body(s3, settings) == good
    for source_id in ("backend", "storefront"):
        state = json.loads(_body(s3, f"site/.bundlesmith/sources/{source_id}.json"))
        assert state["source_id"] == source_id and state["objects"]
    code, out = run("plan", str(workspace), "--env", "production", "--verify")
    assert "total: add 0, update 0, delete 0, unchanged 14;" in out, out


def test_publish_builds_only_the_sources_whose_inputs_changed(workspace, aws):
    s3 = aws[0]
    assert run("publish", str(workspace), "--env", "production")[0] == 0
    assert (workspace / ".bundlesmith-cache" / "build-facts.json").is_file()
    code, out = run("publish", str(workspace), "--env", "production")
    assert code == 0 and "0 sources published, 4 unchanged, 0 failed, 0 not built; 0 objects uploaded" in out, out

    edit(workspace / "sources/marketing.yaml", "GTM-ACME01", "GTM-ACME02")
    code, out = run("publish", str(workspace), "--env", "production")
    assert code == 0 and "1 sources published, 3 unchanged, 0 failed" in out, out
    assert b"GTM-ACME02" in _body(s3, "site/v1/projects/wk_marketing_8e41/settings")

    # a changed source is still checked against the unchanged ones: publishing another source's secret fails it
    edit(workspace / "sources/marketing.yaml", "GTM-ACME02", "mp-secret-storefront-5b1e")
    code, out = run("publish", str(workspace), "--env", "production")
    assert code == 1 and "NOT BUILT marketing" in out and "0 sources published, 3 unchanged" in out, out
    assert b"GTM-ACME02" in _body(s3, "site/v1/projects/wk_marketing_8e41/settings")
