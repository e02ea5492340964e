"""A long-lived publisher trusts the state it wrote (no re-read, no listing) only while nobody else wrote it."""
from __future__ import annotations

from builder.build import SourceBuild
from publish.directory import DirectoryStore
from publish.local import directory_publisher
from publish.manifest import MANIFEST_KEY, ManifestEncoder, decode_manifest, encode_manifest
from tests.support.publishing import Clock, build, copy_acme, edit
from tests.test_local_publish import CountingStore
from tests.test_publisher import drop_destination

STOREFRONT_SETTINGS = "v1/projects/wk_storefront_2f9c/settings"


class ListingStore(CountingStore):
    """A CountingStore that counts listings."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.listings = 0

    def list(self):
        self.listings += 1
        return super().list()


def _published(tmp_path):
    """Publish samples/acme once through a long-lived directory publisher; return what the test needs."""
    root, clock = copy_acme(tmp_path), Clock()
    config, outcomes = build(root)
    store = ListingStore(tmp_path / "out")
    publisher = directory_publisher(store.root, config.cache, config.retention, clock=clock)
    publisher.store = store
    assert publisher.publish(outcomes, keep_only={o.source_id for o in outcomes}).ok
    return root, clock, config, store, publisher


def _assert_known_is_true(publisher, store: DirectoryStore) -> None:
    """What the publisher trusts is exactly what a fresh read and listing would give, byte for byte."""
    known = publisher._known
    assert known is not None
    assert known.listing == DirectoryStore(store.root).list()
    stored = store.get(MANIFEST_KEY)
    assert stored == encode_manifest(known.manifest) == encode_manifest(decode_manifest(stored))


def test_the_state_written_is_trusted_and_equals_a_fresh_read_after_every_kind_of_change(tmp_path):
    root, clock, config, store, publisher = _published(tmp_path)
    assert store.listings == 1
    _assert_known_is_true(publisher, store)
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
        report = publisher.publish(outcomes, keep_only={o.source_id for o in outcomes})
        assert report.ok, report.results
        _assert_known_is_true(publisher, store)
    assert store.listings == 1  # every publish after the first trusted what it wrote


def test_a_write_by_anyone_else_or_a_failed_source_makes_the_next_publish_read_and_list_again(tmp_path):
    root, clock, config, store, publisher = _published(tmp_path)
    other = directory_publisher(store.root, config.cache, config.retention, clock=clock)
    edit(root / "sources/storefront.yaml", "mp_tok_storefront_91ac", "mp_tok_other")
    config, outcomes = build(root)
    assert other.publish(outcomes).ok  # another process wrote the manifest
    (store.root / STOREFRONT_SETTINGS).write_bytes(b"{}")  # and someone edited a served file by hand
    before = store.listings
    report = publisher.publish(outcomes)
    assert store.listings == before + 1
    assert STOREFRONT_SETTINGS in report.results[[r.source_id for r in report.results].index("storefront")].uploaded
    # a source that fails to publish: nothing is trusted afterwards
    edit(root / "sources/storefront.yaml", "mp_tok_other", "mp_tok_third")
    config, outcomes = build(root)
    store.failing = {STOREFRONT_SETTINGS}
    assert not publisher.publish(outcomes).ok
    assert publisher._known is None
    store.failing = set()
    before = store.listings
    assert publisher.publish(outcomes).ok and store.listings == before + 1


def test_the_encoder_gives_the_bytes_of_a_whole_encoding():
    manifest = {"version": 1, "objects": {"b": {"x": 1}, "a": {"y": [1, 2]}}, "sources": {"s": {"k": "v"}},
                "builds": {}, "orphans": {"o": 1.5}}
    encoder = ManifestEncoder()
    assert encoder.encode(manifest) == encode_manifest(manifest)
    manifest["objects"]["c"] = {"z": "\u2028<"}
    del manifest["objects"]["b"]
    manifest["sources"]["s"]["k"] = "w"
    manifest["orphans"]["p"] = 2
    touched = {"objects": {"b", "c"}, "sources": {"s"}}
    assert encoder.encode(manifest, touched) == encode_manifest(manifest)
    other = decode_manifest(encode_manifest(manifest))
    other["sources"]["t"] = {}
    assert encoder.encode(other, {"objects": set()}) == encode_manifest(other)  # not the manifest it holds: whole


def test_built_objects_are_all_served_after_trusted_publishes(tmp_path):
    root, clock, config, store, publisher = _published(tmp_path)
    edit(root / "sources/storefront.yaml", "mp_tok_storefront_91ac", "mp_tok_x")
    config, outcomes = build(root)
    assert publisher.publish(outcomes).ok
    for outcome in outcomes:
        if isinstance(outcome, SourceBuild):
            for obj in outcome.objects:
                assert (store.root / obj.key).read_bytes() == obj.body


def test_looking_for_a_few_referenced_keys_finds_what_a_whole_walk_finds(tmp_path):
    from publish.plan import referenced_keys
    root, clock, config, store, publisher = _published(tmp_path)
    manifest = publisher._known.manifest
    every = set(manifest["objects"]) | {"next-integrations/actions/gone/0.js"}
    whole = referenced_keys([], manifest)
    for among in (set(), {k for k in every if k.startswith("next-")}, every):
        assert referenced_keys([], manifest, among=among) == whole & among


def _storefront(outcomes) -> SourceBuild:
    return next(o for o in outcomes if isinstance(o, SourceBuild) and o.source_id == "storefront")


def test_a_deferred_publish_serves_and_shows_the_change_before_its_manifest_is_written(tmp_path):
    root, clock, config, store, publisher = _published(tmp_path)
    old_build = decode_manifest(store.get(MANIFEST_KEY))["sources"]["storefront"]["build_id"]
    edit(root / "sources/storefront.yaml", "mp_tok_storefront_91ac", "mp_tok_deferred")
    config, outcomes = build(root)
    new = _storefront(outcomes)
    assert publisher.publish(outcomes, keep_only={o.source_id for o in outcomes}, defer_state=True).ok
    for obj in new.objects:  # served now, with their headers
        assert (store.root / obj.key).read_bytes() == obj.body
    assert f"/{STOREFRONT_SETTINGS}\n" in (store.root / "_headers").read_text()
    assert decode_manifest(store.get(MANIFEST_KEY))["sources"]["storefront"]["build_id"] == old_build  # not yet
    shown = publisher.status()["storefront"]
    assert shown["build_id"] == new.build_id and shown["events"][-1]["build_id"] == new.build_id
    assert new.build_id in shown["builds"]
    publisher.flush_state()
    assert decode_manifest(store.get(MANIFEST_KEY))["sources"]["storefront"]["build_id"] == new.build_id
    assert publisher.status()["storefront"] == shown
    _assert_known_is_true(publisher, store)
    assert store.listings == 1  # still trusted: nothing was listed again


def test_a_crash_before_the_deferred_state_is_written_converges_on_the_next_start(tmp_path):
    root, clock, config, store, publisher = _published(tmp_path)
    edit(root / "sources/storefront.yaml", "mp_tok_storefront_91ac", "mp_tok_crashed")
    config, outcomes = build(root)
    ids = {o.source_id for o in outcomes}
    assert publisher.publish(outcomes, keep_only=ids, defer_state=True).ok
    del publisher  # the process dies before `flush_state`
    restarted = directory_publisher(store.root, config.cache, config.retention, clock=clock)
    assert restarted.status()["storefront"]["build_id"] != _storefront(outcomes).build_id  # what the state says
    assert restarted.publish(outcomes, keep_only=ids).ok
    assert restarted.status()["storefront"]["build_id"] == _storefront(outcomes).build_id
    counts = restarted.plan(outcomes, keep_only=ids).counts()
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
    after = publisher.status()["storefront"]["build_id"]
    assert after == _storefront(outcomes).build_id != before
