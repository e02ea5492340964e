"""Per-source state: what a publisher wrote is what a fresh process reads, and nothing but the changed source's."""
from __future__ import annotations

from builder.build import SourceBuild
from publish.local import directory_publisher
from publish.state import SERVED_PREFIX, decode_state, encode_state, state_key
from tests.support.publishing import Clock, build, copy_acme, edit
from tests.test_local_publish import CountingStore
from tests.test_publisher import drop_destination

STOREFRONT_SETTINGS = "v1/projects/wk_storefront_2f9c/settings"


class ListingStore(CountingStore):
    """A CountingStore that counts full listings and state reads."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.listings, self.reads, self.marker_listings = 0, [], 0

    def list(self, under=""):
        self.listings += under == ""
        return super().list(under)

    def folders(self, under):
        self.marker_listings += under == SERVED_PREFIX
        return super().folders(under)

    def get_versioned(self, key):
        self.reads.append(key)
        return super().get_versioned(key)


def _published(tmp_path):
    """Publish samples/acme once through a long-lived directory publisher; return what the test needs."""
    root, clock = copy_acme(tmp_path), Clock()
    config, outcomes = build(root)
    store = ListingStore(tmp_path / "out")
    publisher = directory_publisher(store.root, config.cache, config.retention, clock=clock)
    store.headers = publisher.store.headers  # as `directory_publisher` wires them
    publisher.store = publisher.state.store = store
    assert publisher.publish(outcomes, keep_only={o.source_id for o in outcomes}).ok
    return root, clock, config, store, publisher


def _assert_state_is_true(publisher, config, clock, outcomes) -> None:
    """What the publisher shows is what a new process reads, and a verify finds nothing to do."""
    fresh = directory_publisher(publisher.store.root, config.cache, config.retention, clock=clock)
    assert publisher.status() == fresh.status()
    counts = fresh.plan(outcomes, keep_only={o.source_id for o in outcomes}, verify=True).counts()
    assert (counts["add"], counts["update"], counts["delete"]) == (0, 0, 0)


def test_the_state_written_equals_a_fresh_read_after_every_kind_of_change(tmp_path):
    root, clock, config, store, publisher = _published(tmp_path)
    steps = [
        lambda: edit(root / "sources/storefront.yaml", "mp_tok_storefront_91ac", "mp_tok_changed"),
        lambda: drop_destination(root / "sources/storefront.yaml", "Hotjar"),
        lambda: (root / "sources/backend.yaml").unlink(),
        lambda: edit(root / "sources/marketing.yaml", "name: GA4 Marketing", "name: GA4 Marketing EU"),
    ]
    for step in steps:
        step()
        clock.now += 100_000  # past the grace period: orphans expire, build copies roll over
        config, outcomes = build(root)
        listings, store.reads = store.listings, []
        report = publisher.publish(outcomes, keep_only={o.source_id for o in outcomes})
        assert report.ok, report.results
        assert store.listings == listings  # no full listing without --verify
        changed = {r.source_id for r in report.results if r.status != "unchanged"}
        assert {k for k in store.reads if k.startswith(".bundlesmith/sources/")} <= {state_key(s) for s in changed}
        _assert_state_is_true(publisher, config, clock, outcomes)


def test_an_unchanged_source_is_neither_read_nor_written(tmp_path):
    root, clock, config, store, publisher = _published(tmp_path)
    edit(root / "sources/storefront.yaml", "mp_tok_storefront_91ac", "mp_tok_one")
    config, outcomes = build(root)
    store.puts, store.reads = [], []
    assert publisher.publish(outcomes).ok
    private = [k for k in store.puts if k.startswith(".bundlesmith/") and not k.startswith(".bundlesmith/builds/")]
    assert private[0] == state_key("storefront") and private[1].startswith(f"{SERVED_PREFIX}storefront@")
    assert len(private) == 2 and store.reads == [state_key("storefront")]


def test_a_long_lived_publisher_trusts_the_markers_it_wrote_until_another_process_writes(tmp_path):
    root, clock, config, store, publisher = _published(tmp_path)  # `served/` did not exist when it was listed
    listed = None
    for old, token in (("mp_tok_storefront_91ac", "mp_tok_a"), ("mp_tok_a", "mp_tok_b"), ("mp_tok_b", "mp_tok_c")):
        edit(root / "sources/storefront.yaml", old, token)
        config, outcomes = build(root)
        assert publisher.publish(outcomes, keep_only={o.source_id for o in outcomes}).ok
        listed = store.marker_listings if listed is None else listed
    assert store.marker_listings == listed  # what it wrote is what `served/` holds: no listing
    other = directory_publisher(store.root, config.cache, config.retention, clock=clock)
    (root / "sources/backend.yaml").unlink()
    config, outcomes = build(root)
    assert other.publish(outcomes, keep_only={o.source_id for o in outcomes}).ok  # another process removes one
    report = publisher.publish(outcomes, keep_only={o.source_id for o in outcomes})
    assert store.marker_listings == listed + 1 and report.ok
    assert "backend" not in publisher.status() and not [r for r in report.results if r.status == "removed"]
    _assert_state_is_true(publisher, config, clock, outcomes)


def test_a_write_by_anyone_else_is_seen_and_drift_is_repaired_when_verifying(tmp_path):
    root, clock, config, store, publisher = _published(tmp_path)
    other = directory_publisher(store.root, config.cache, config.retention, clock=clock)
    edit(root / "sources/storefront.yaml", "mp_tok_storefront_91ac", "mp_tok_other")
    config, outcomes = build(root)
    assert other.publish(outcomes).ok  # another process wrote the source
    (store.root / STOREFRONT_SETTINGS).write_bytes(b"{}")  # and someone edited a served file by hand
    report = publisher.publish(outcomes, verify=True)
    assert STOREFRONT_SETTINGS in report.results[[r.source_id for r in report.results].index("storefront")].uploaded
    # a source that fails to publish keeps its state; the next publish tries it again
    edit(root / "sources/storefront.yaml", "mp_tok_other", "mp_tok_third")
    config, outcomes = build(root)
    store.failing = {STOREFRONT_SETTINGS}
    before = publisher.status()["storefront"]
    assert not publisher.publish(outcomes).ok
    assert publisher.status()["storefront"] == before
    store.failing = set()
    assert publisher.publish(outcomes).ok
    _assert_state_is_true(publisher, config, clock, outcomes)


def test_the_state_codec_is_deterministic_and_tolerant(tmp_path):
    root, clock, config, store, publisher = _published(tmp_path)
    body = store.get(state_key("storefront"))
    state = decode_state(body)
    assert state is not None and encode_state(state) == body and body.endswith(b"}\n")
    assert decode_state(b"{not json") is None and decode_state(b"[]") is None and decode_state(None) is None


def test_built_objects_are_all_served_after_publishes(tmp_path):
    root, clock, config, store, publisher = _published(tmp_path)
    edit(root / "sources/storefront.yaml", "mp_tok_storefront_91ac", "mp_tok_x")
    config, outcomes = build(root)
    assert publisher.publish(outcomes).ok
    for outcome in outcomes:
        if isinstance(outcome, SourceBuild):
            for obj in outcome.objects:
                assert (store.root / obj.key).read_bytes() == obj.body


def _storefront(outcomes) -> SourceBuild:
    return next(o for o in outcomes if isinstance(o, SourceBuild) and o.source_id == "storefront")


def test_a_publish_serves_and_shows_the_change_at_once(tmp_path):
    root, clock, config, store, publisher = _published(tmp_path)
    edit(root / "sources/storefront.yaml", "mp_tok_storefront_91ac", "mp_tok_deferred")
    config, outcomes = build(root)
    new = _storefront(outcomes)
    assert publisher.publish(outcomes, keep_only={o.source_id for o in outcomes}).ok
    for obj in new.objects:  # served now, with their headers
        assert (store.root / obj.key).read_bytes() == obj.body
    assert f"/{STOREFRONT_SETTINGS}\n" in (store.root / "_headers").read_text()
    shown = publisher.status()["storefront"]
    assert shown["build_id"] == new.build_id and shown["events"][-1]["build_id"] == new.build_id
    assert new.build_id in shown["builds"]
    assert publisher.status()["storefront"] == shown  # nothing left to write: the state went with the source
    _assert_state_is_true(publisher, config, clock, outcomes)


def test_a_crash_before_a_sources_state_is_written_converges_on_the_next_start(tmp_path):
    root, clock, config, store, publisher = _published(tmp_path)
    edit(root / "sources/storefront.yaml", "mp_tok_storefront_91ac", "mp_tok_crashed")
    config, outcomes = build(root)
    ids = {o.source_id for o in outcomes}
    store.failing = {state_key("storefront")}  # everything up, the state not written (as if killed)
    assert not publisher.publish(outcomes, keep_only=ids).ok
    restarted = directory_publisher(store.root, config.cache, config.retention, clock=clock)
    assert restarted.status()["storefront"]["build_id"] != _storefront(outcomes).build_id  # what the state says
    assert restarted.publish(outcomes, keep_only=ids).ok
    assert restarted.status()["storefront"]["build_id"] == _storefront(outcomes).build_id
    counts = restarted.plan(outcomes, keep_only=ids, verify=True).counts()
    assert (counts["add"], counts["update"], counts["delete"]) == (0, 0, 0)
    for obj in _storefront(outcomes).objects:
        assert (store.root / obj.key).read_bytes() == obj.body


def test_status_follows_a_write_by_another_process(tmp_path):
    root, clock, config, store, publisher = _published(tmp_path)
    before = publisher.status()["storefront"]["build_id"]
    edit(root / "sources/storefront.yaml", "mp_tok_storefront_91ac", "mp_tok_elsewhere")
    config, outcomes = build(root)
    other = directory_publisher(store.root, config.cache, config.retention, clock=clock)
    assert other.publish(outcomes).ok
    after = publisher.status()["storefront"]
    assert after["build_id"] == _storefront(outcomes).build_id != before
    assert after["events"][-1] == {"action": "publish", "build_id": after["build_id"], "at": clock.now}
