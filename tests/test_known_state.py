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
