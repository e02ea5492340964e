"""Publishing to S3 (moto, in-process): only what changed, in a safe order, with the right headers, retried."""
from __future__ import annotations

import json

import pytest
from moto import mock_aws

from builder.build import SourceBuild
from publish.cache_policy import IMMUTABLE_CACHE_CONTROL
from publish.state import INDEX_KEY, SERVED_PREFIX, state_key
from tests.support.moto_s3 import BUCKET, FaultInjector, PutRecorder, fake_credentials, s3_client
from tests.support.publishing import Clock, build, copy_acme, edit, publisher_for

MARKETING_SETTINGS = "v1/projects/wk_marketing_8e41/settings"
STOREFRONT_SETTINGS = "v1/projects/wk_storefront_2f9c/settings"
STOREFRONT_BUNDLE = "analytics.js/v1/wk_storefront_2f9c/analytics.min.js"


@pytest.fixture
def s3(monkeypatch):
    fake_credentials(monkeypatch)
    with mock_aws():
        client = s3_client()
        client.create_bucket(Bucket=BUCKET)
        yield client


def drop_destination(path, destination: str) -> None:
    """Remove one destination instance from a source file."""
    text = path.read_text()
    start = text.index(f"  - destination: {destination}")
    end = text.find("  - destination:", start + 1)
    path.write_text(text[:start] + (text[end:] if end > 0 else ""))


def _body(s3, key: str) -> bytes:
    return s3.get_object(Bucket=BUCKET, Key=f"site/{key}")["Body"].read()


def test_publishing_samples_acme_twice_uploads_nothing_the_second_time(s3, tmp_path):
    config, outcomes = build(copy_acme(tmp_path))
    puts = PutRecorder(s3)
    first = publisher_for(config, s3, BUCKET).publish(outcomes)
    assert first.ok and first.puts > 0
    served = {o.key for b in outcomes if isinstance(b, SourceBuild) for o in b.objects}
    assert set(puts.objects()) == {f"site/{k}" for k in served}
    puts.clear()
    second = publisher_for(config, s3, BUCKET).publish(outcomes)
    assert puts.keys == [] and second.puts == 0
    assert {r.status for r in second.results} == {"unchanged"}


def test_changing_one_source_uploads_only_that_sources_changed_objects(s3, tmp_path):
    root = copy_acme(tmp_path)
    config, outcomes = build(root)
    publisher_for(config, s3, BUCKET).publish(outcomes)
    edit(root / "sources" / "marketing.yaml", 'containerId: "GTM-ACME01"', 'containerId: "GTM-ACME02"')
    config, outcomes = build(root)
    puts = PutRecorder(s3)
    report = publisher_for(config, s3, BUCKET).publish(outcomes)
    assert report.ok
    assert sorted(puts.objects()) == ["site/analytics.js/v1/wk_marketing_8e41/analytics.min.js",
                                      f"site/{MARKETING_SETTINGS}"]
    private = [k for k in puts.keys if k not in puts.objects()]
    assert all(k.startswith("site/.bundlesmith/") for k in private)
    assert private[-2] == f"site/{state_key('marketing')}" and private[-1].startswith(f"site/{SERVED_PREFIX}marketing@")
    assert len(_body(s3, state_key("marketing"))) < 8_000  # a change writes the source's state: a few KB
    assert [r.source_id for r in report.results if r.status == "published"] == ["marketing"]
    assert b"GTM-ACME02" in _body(s3, MARKETING_SETTINGS)


def test_immutable_objects_go_up_first_entry_objects_last_and_each_sources_state_after(s3, tmp_path):
    config, outcomes = build(copy_acme(tmp_path))
    puts = PutRecorder(s3)
    publisher_for(config, s3, BUCKET).publish(outcomes)
    order = puts.keys
    last_immutable = max(i for i, k in enumerate(order) if "/next-integrations/" in k)
    first_entry = min(i for i, k in enumerate(order) if k.endswith(("/settings", "/analytics.min.js"))
                      and ".bundlesmith" not in k)
    assert last_immutable < first_entry
    for source in (b for b in outcomes if isinstance(b, SourceBuild)):
        state, marker = order.index(f"site/{state_key(source.source_id)}"), order.index(
            f"site/{SERVED_PREFIX}{source.source_id}@{source.build_id}@-/marker")
        assert max(order.index(f"site/{o.key}") for o in source.objects if not o.immutable) < state < marker


def test_every_object_has_the_right_content_type_and_cache_control_and_settings_answer_cors(s3, tmp_path):
    config, outcomes = build(copy_acme(tmp_path))
    publisher_for(config, s3, BUCKET, configure_bucket=True).publish(outcomes)
    objects = [o for b in outcomes if isinstance(b, SourceBuild) for o in b.objects]
    assert {o.key.split("/")[0] for o in objects} == {"v1", "analytics.js", "next-integrations"}
    for obj in objects:
        head = s3.head_object(Bucket=BUCKET, Key=f"site/{obj.key}")
        expected_type = "application/json" if obj.key.endswith("/settings") else "text/javascript; charset=utf-8"
        expected_cache = IMMUTABLE_CACHE_CONTROL if obj.key.startswith("next-integrations/") else \
            "public, max-age=300, s-maxage=1500"
        assert (head["ContentType"], head["CacheControl"]) == (expected_type, expected_cache), obj.key
    rules = s3.get_bucket_cors(Bucket=BUCKET)["CORSRules"]
    assert any("GET" in r["AllowedMethods"] and r["AllowedOrigins"] == ["*"] for r in rules)


@pytest.mark.parametrize("faults", [[500], [503], ["timeout"], [503, 500, "timeout", 503]])
def test_transient_s3_errors_on_a_chosen_key_are_retried_with_backoff(s3, tmp_path, faults):
    config, outcomes = build(copy_acme(tmp_path))
    injector = FaultInjector(s3)
    injector.fail(f"site/{STOREFRONT_SETTINGS}", faults)
    sleeps: list[float] = []
    report = publisher_for(config, s3, BUCKET, sleeps=sleeps).publish(outcomes)
    assert report.ok
    assert [k for k, _ in injector.injected] == [f"site/{STOREFRONT_SETTINGS}"] * len(faults)
    assert sleeps == [0.2 * 2 ** i for i in range(len(faults))]
    built = next(o for b in outcomes if isinstance(b, SourceBuild) for o in b.objects if o.key == STOREFRONT_SETTINGS)
    assert _body(s3, STOREFRONT_SETTINGS) == built.body


@pytest.mark.parametrize("failing_key", [STOREFRONT_SETTINGS, STOREFRONT_BUNDLE])
def test_a_persistent_failure_leaves_the_sources_previous_settings_and_bundle_exactly_as_they_were(
        s3, tmp_path, failing_key):
    root = copy_acme(tmp_path)
    config, outcomes = build(root)
    publisher_for(config, s3, BUCKET).publish(outcomes)
    before = {k: _body(s3, k) for k in (STOREFRONT_SETTINGS, STOREFRONT_BUNDLE)}
    old_build = next(b.build_id for b in outcomes if isinstance(b, SourceBuild) and b.source_id == "storefront")
    edit(root / "sources" / "storefront.yaml", 'token: "mp_tok_storefront_91ac"', 'token: "mp_tok_storefront_new1"')
    edit(root / "sources" / "marketing.yaml", 'containerId: "GTM-ACME01"', 'containerId: "GTM-ACME03"')
    config, outcomes = build(root)
    FaultInjector(s3).fail(f"site/{failing_key}", ["always"])
    report = publisher_for(config, s3, BUCKET).publish(outcomes)
    assert not report.ok
    [failed] = report.failed
    assert failed.source_id == "storefront" and failed.kept_build_id == old_build
    assert f"Failed to upload site/{failing_key} to {BUCKET}: SlowDown" in failed.error
    assert {k: _body(s3, k) for k in before} == before
    assert b"GTM-ACME03" in _body(s3, MARKETING_SETTINGS)  # the other source was published
    assert json.loads(_body(s3, state_key("storefront")))["build_id"] == old_build
    from publish.report import format_report
    assert f"FAILED storefront: Failed to upload site/{failing_key}" in format_report(report)
    assert f"still serving build {old_build}" in format_report(report)


def test_no_private_setting_state_or_credential_is_in_a_served_object(s3, tmp_path, monkeypatch):
    root = copy_acme(tmp_path)
    config, outcomes = build(root)
    publisher_for(config, s3, BUCKET, configure_bucket=True).publish(outcomes)
    import yaml
    secrets = {"testing"}  # the fake AWS credentials
    for path in (root / "sources").glob("*.yaml"):
        for instance in yaml.safe_load(path.read_text()).get("destinations", []):
            secrets |= {v for k, v in instance.get("settings", {}).items()
                        if isinstance(v, str) and any(w in k.lower() for w in ("secret", "token", "key", "url"))
                        and ("secret" in v or "token" in v)}
    assert "mp-secret-storefront-5b1e" in secrets
    listing = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    served = [k for k in listing if not k.startswith("site/.bundlesmith/")]
    states = [k for k in listing if k.startswith("site/.bundlesmith/sources/")]
    markers = [k for k in listing if k.startswith(f"site/{SERVED_PREFIX}")]
    assert len(states) == len(markers) == 4 and f"site/{INDEX_KEY}" in listing
    for key in served:
        body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
        assert not [s for s in secrets if s in body], key
        assert '"sha256":' not in body and "bundlesmith/sources" not in body
    for key in states + markers + [f"site/{INDEX_KEY}"]:
        state = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
        assert not [s for s in secrets - {"testing"} if s in state]
        assert s3.head_object(Bucket=BUCKET, Key=key)["CacheControl"] == "private, no-store"


def test_drift_in_the_bucket_is_caught_and_repaired(s3, tmp_path):
    config, outcomes = build(copy_acme(tmp_path))
    publisher_for(config, s3, BUCKET).publish(outcomes)
    s3.put_object(Bucket=BUCKET, Key=f"site/{MARKETING_SETTINGS}", Body=b"edited by hand")
    s3.delete_object(Bucket=BUCKET, Key=f"site/{STOREFRONT_BUNDLE}")
    assert publisher_for(config, s3, BUCKET).plan(outcomes).counts()["update"] == 0  # found only when asked
    plan = publisher_for(config, s3, BUCKET).plan(outcomes, verify=True)
    assert {k for s in plan.sources for k in s.update} == {MARKETING_SETTINGS, STOREFRONT_BUNDLE}
    publisher_for(config, s3, BUCKET).publish(outcomes, verify=True)
    built = {o.key: o.body for b in outcomes if isinstance(b, SourceBuild) for o in b.objects}
    assert _body(s3, MARKETING_SETTINGS) == built[MARKETING_SETTINGS]
    assert _body(s3, STOREFRONT_BUNDLE) == built[STOREFRONT_BUNDLE]


def test_propagation_is_recorded_per_object(s3, tmp_path):
    config, outcomes = build(copy_acme(tmp_path))
    clock = Clock(1000.0)
    publisher = publisher_for(config, s3, BUCKET, clock=clock)
    publisher.publish(outcomes)
    status = publisher.status()
    settings = status["marketing"]["objects"][MARKETING_SETTINGS]
    assert (settings["published_at"], settings["visible_everywhere_by"]) == (1000.0, 1000.0 + 1500 + 300)
    plugin = next(m for k, m in status["storefront"]["objects"].items() if k.startswith("next-integrations/"))
    assert plugin["visible_everywhere_by"] == plugin["published_at"]
    assert status["marketing"]["visible_everywhere_by"] == 2800.0


def test_an_unreferenced_plugin_is_deleted_only_after_the_grace_period(s3, tmp_path):
    root = copy_acme(tmp_path)
    edit(root / "workspace.yaml", "limits:", "retention: {builds_per_source: 1, grace_period: 3600}\nlimits:")
    config, outcomes = build(root)
    clock = Clock(0.0)
    publisher_for(config, s3, BUCKET, clock=clock).publish(outcomes)
    hotjar = next(o.key for b in outcomes if isinstance(b, SourceBuild) for o in b.objects if "/hotjar/" in o.key)
    drop_destination(root / "sources" / "storefront.yaml", "Hotjar")
    config, outcomes = build(root)
    assert hotjar not in {o.key for b in outcomes if isinstance(b, SourceBuild) for o in b.objects}
    for now in (10.0, 20.0, 20.0 + 3599):  # dropped from retention at 10, orphaned at 20, still in grace
        clock.now = now
        report = publisher_for(config, s3, BUCKET, clock=clock).publish(outcomes)
        assert hotjar not in report.collected and _body(s3, hotjar)
    clock.now = 20.0 + 3600
    report = publisher_for(config, s3, BUCKET, clock=clock).publish(outcomes)
    assert hotjar in report.collected
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix=f"site/{hotjar}")
    assert len(json.loads(_body(s3, state_key("storefront")))["builds"]) == 1
    assert hotjar not in json.loads(_body(s3, INDEX_KEY))["orphans"]
