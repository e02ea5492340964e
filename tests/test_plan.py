"""The publish plan and the orphan decisions as pure data: no AWS, just builds, source states and a listing."""
from __future__ import annotations

from builder.build import BuiltObject, SourceBuild, SourceFailure
from builder.models import CacheConfig
from publish import orphans
from publish.plan import md5_hex, object_record, plan_source, removal_plan
from publish.state import Index, SourceState
from publish.versions import record_publish

CACHE = CacheConfig()
PLUGIN = BuiltObject("next-integrations/actions/mixpanel/abc.js", b"plugin", "text/javascript", immutable=True)


def _build(source_id: str, settings: bytes, plugin: BuiltObject | None = PLUGIN) -> SourceBuild:
    objects = (BuiltObject(f"v1/projects/wk_{source_id}/settings", settings, "application/json"),)
    objects += (plugin,) if plugin else ()
    return SourceBuild(source_id, f"wk_{source_id}", f"{source_id}.yaml", objects, build_id=md5_hex(settings)[:16])


def _published(build: SourceBuild, state: SourceState | None = None, keep: int = 5) -> SourceState:
    """Return the state after publishing `build` (as the publisher records it)."""
    plan = plan_source(build, state, CACHE)
    records = {o.key: object_record(o, CACHE) for o in build.objects}
    return record_publish(state, build, plan, records, set(plan.add) | set(plan.update), now=0.0, cache=CACHE,
                          keep=keep)[0]


def _listing(*states: SourceState) -> dict[str, str]:
    return {k: r.md5 for s in states for k, r in s.objects.items()}


def test_everything_is_added_to_an_empty_target_immutable_first():
    source = plan_source(_build("a", b"1"), None, CACHE)
    assert source.add == ("next-integrations/actions/mixpanel/abc.js", "v1/projects/wk_a/settings")
    assert [o.immutable for o in source.uploads()] == [True, False] and source.new_build


def test_unchanged_update_and_header_changes():
    a, b = _build("a", b"1"), _build("b", b"2")
    state_a, state_b = _published(a), _published(b)
    same = plan_source(a, state_a, CACHE)
    assert same.unchanged == tuple(sorted(o.key for o in a.objects)) and not same.changed and not same.new_build
    assert plan_source(_build("b", b"3"), state_b, CACHE).update == ("v1/projects/wk_b/settings",)
    longer = plan_source(a, state_a, CacheConfig(browser_max_age=60, edge_max_age=600))
    assert longer.update == ("v1/projects/wk_a/settings",)  # same bytes, new Cache-Control


def test_drift_between_the_state_and_the_listing_is_an_update_when_verifying():
    a = _build("a", b"1")
    state = _published(a)
    listing = _listing(state)
    listing["v1/projects/wk_a/settings"] = "0" * 32
    del listing[PLUGIN.key]
    assert plan_source(a, state, CACHE).update == ()  # the records are trusted unless asked
    assert plan_source(a, state, CACHE, listing=listing).update == (PLUGIN.key, "v1/projects/wk_a/settings")


def test_an_unrecorded_shared_plugin_file_already_there_is_not_uploaded_again():
    asked = []
    source = plan_source(_build("b", b"2"), None, CACHE, present=lambda key: asked.append(key) or True)
    assert source.unchanged == (PLUGIN.key,) and source.add == ("v1/projects/wk_b/settings",) and asked == [PLUGIN.key]
    other_bytes = {PLUGIN.key: "0" * 32}
    assert plan_source(_build("b", b"2"), None, CACHE, listing=other_bytes).update == (PLUGIN.key,)


def test_a_failed_source_changes_nothing():
    failure = SourceFailure("a.yaml", "a", ())
    plan = plan_source(failure, _published(_build("a", b"1")), CACHE)
    assert plan.failure is failure and not plan.changed


def test_a_removed_source_deletes_its_entry_objects_and_orphans_its_immutables():
    state = _published(_build("a", b"1"))
    plan = removal_plan(state)
    assert plan.removed and plan.delete == ("v1/projects/wk_a/settings",)
    assert orphans.dropped(state, None) == {PLUGIN.key}


def test_an_immutable_object_is_deleted_only_after_the_grace_period():
    old = _published(_build("a", b"1"), keep=1)
    new = _published(_build("a", b"2", plugin=None), old, keep=1)  # the old build leaves retention
    index = Index()
    assert orphans.note(index, orphans.dropped(old, new)) and index.orphans == {PLUGIN.key: None}
    assert orphans.due(index, 10**9, 3600) == []  # undated: the grace period starts at the next publish
    assert orphans.date_pending(index, 100.0) and index.orphans == {PLUGIN.key: 100.0}
    assert orphans.due(index, 100.0 + 3599, 3600) == []
    assert orphans.due(index, 100.0 + 3600, 3600) == [PLUGIN.key]
    assert orphans.unreferenced([PLUGIN.key], [new]) == {PLUGIN.key}
    again = _published(_build("a", b"3"), new, keep=1)
    assert orphans.unreferenced([PLUGIN.key], [again]) == set()
    assert orphans.adopt(index, again.referenced()) and index.orphans == {}


def test_a_retained_build_keeps_its_immutable_objects():
    old = _published(_build("a", b"1"))
    new = _published(_build("a", b"2", plugin=None), old)
    assert orphans.dropped(old, new) == set() and PLUGIN.key in new.referenced()


def test_objects_left_by_a_crash_are_orphans_but_the_state_is_never_touched():
    listing = {"next-integrations/actions/x/1.js": "e", ".bundlesmith/sources/a.json": "m"}
    assert orphans.untracked(listing, []) == {"next-integrations/actions/x/1.js"}
