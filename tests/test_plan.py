"""The publish plan as pure data: no AWS, just builds, a manifest and a listing."""
from __future__ import annotations

from builder.build import BuiltObject, SourceBuild, SourceFailure
from builder.models import CacheConfig
from publish.manifest import empty_manifest
from publish.plan import compute_plan, md5_hex, object_meta

CACHE = CacheConfig()
PLUGIN = BuiltObject("next-integrations/actions/mixpanel/abc.js", b"plugin", "text/javascript", immutable=True)


def _build(source_id: str, settings: bytes, plugin: BuiltObject | None = PLUGIN) -> SourceBuild:
    objects = (BuiltObject(f"v1/projects/wk_{source_id}/settings", settings, "application/json"),)
    objects += (plugin,) if plugin else ()
    return SourceBuild(source_id, f"wk_{source_id}", f"{source_id}.yaml", objects, build_id=md5_hex(settings)[:16])


def _published(*builds: SourceBuild) -> tuple[dict, dict]:
    manifest = empty_manifest()
    for b in builds:
        manifest["objects"].update({o.key: object_meta(o, CACHE) for o in b.objects})
        manifest["sources"][b.source_id] = {"build_id": b.build_id, "objects": sorted(o.key for o in b.objects)}
        manifest["builds"][b.source_id] = [b.build_id]
        manifest["refs"][b.source_id] = {o.key: b.build_id for o in b.objects}
    return manifest, {k: m["md5"] for k, m in manifest["objects"].items()}


def _plan(outcomes, manifest, listing, now=0.0, keep_only=None, cache=CACHE):
    return compute_plan(outcomes, manifest, listing, cache, now=now, grace_period=3600, keep_only=keep_only)


def test_everything_is_added_to_an_empty_target_immutable_first():
    plan = _plan([_build("a", b"1")], empty_manifest(), {})
    [source] = plan.sources
    assert source.add == ("next-integrations/actions/mixpanel/abc.js", "v1/projects/wk_a/settings")
    assert [o.immutable for o in source.uploads()] == [True, False] and source.new_build


def test_unchanged_update_and_header_changes():
    a, b = _build("a", b"1"), _build("b", b"2")
    manifest, listing = _published(a, b)
    plan = _plan([a, _build("b", b"3")], manifest, listing)
    assert plan.sources[0].unchanged == tuple(sorted(o.key for o in a.objects)) and not plan.sources[0].changed
    assert plan.sources[1].update == ("v1/projects/wk_b/settings",)
    longer = _plan([a], manifest, listing, cache=CacheConfig(browser_max_age=60, edge_max_age=600))
    assert longer.sources[0].update == ("v1/projects/wk_a/settings",)  # same bytes, new Cache-Control


def test_drift_between_manifest_and_listing_is_an_update():
    a = _build("a", b"1")
    manifest, listing = _published(a)
    listing["v1/projects/wk_a/settings"] = "0" * 32
    del listing[PLUGIN.key]
    assert _plan([a], manifest, listing).sources[0].update == (PLUGIN.key, "v1/projects/wk_a/settings")


def test_a_failed_source_changes_nothing_and_keeps_what_it_references():
    a = _build("a", b"1")
    manifest, listing = _published(a)
    manifest["builds"], manifest["refs"] = {}, {}
    failure = SourceFailure("a.yaml", "a", ())
    plan = _plan([failure], manifest, listing)
    assert plan.sources[0].failure is failure and not plan.sources[0].changed and plan.orphaned == ()


def test_a_removed_source_deletes_its_entry_objects_and_orphans_its_immutables():
    a = _build("a", b"1")
    manifest, listing = _published(a)
    plan = _plan([], manifest, listing, keep_only=set())
    assert plan.sources[0].removed and plan.sources[0].delete == ("v1/projects/wk_a/settings",)
    assert plan.orphaned == (PLUGIN.key,)


def test_an_immutable_object_is_deleted_only_after_the_grace_period():
    old = _build("a", b"1")
    manifest, listing = _published(old)
    manifest["builds"], manifest["refs"] = {}, {}  # no retained build references it
    new = _build("a", b"2", plugin=None)
    first = _plan([new], manifest, listing, now=100.0)
    assert first.orphaned == (PLUGIN.key,) and first.expired == () and first.sources[0].delete == ()
    manifest["orphans"] = {PLUGIN.key: 100.0}
    assert _plan([new], manifest, listing, now=100.0 + 3599).expired == ()
    assert _plan([new], manifest, listing, now=100.0 + 3600).expired == (PLUGIN.key,)
    assert _plan([_build("a", b"3")], manifest, listing, now=100.0 + 3600).adopted == (PLUGIN.key,)


def test_a_retained_build_keeps_its_immutable_objects():
    old = _build("a", b"1")
    manifest, listing = _published(old)
    plan = _plan([_build("a", b"2", plugin=None)], manifest, listing, now=10**9)
    assert plan.orphaned == () and plan.expired == ()


def test_objects_left_by_a_crash_are_orphans_but_the_state_is_never_touched():
    manifest, listing = _published()
    listing.update({"next-integrations/actions/x/1.js": "e", ".bundlesmith/manifest.json": "m"})
    assert _plan([], manifest, listing).orphaned == ("next-integrations/actions/x/1.js",)
