"""The markers a long-lived publisher trusts: every snapshot reads as the dict it stands for, and never changes."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from publish import marker_view
from publish.marker_view import MarkerView
from publish.state import Marker

IDS = st.sampled_from([f"s{i}" for i in range(12)])
WRITES = st.lists(st.tuples(IDS, st.integers(0, 3)), max_size=60)  # (source, how many markers: 0 = removed)


def _markers(source_id: str, count: int) -> list[Marker]:
    return [Marker(source_id, f"b{n}", None, f"served/{source_id}@b{n}@-/m") for n in range(count)]


def _assert_reads_as(view: MarkerView, model: dict[str, list[Marker]]) -> None:
    assert dict(view) == model and set(view) == set(model) and len(view) == len(model)
    for sid in [f"s{i}" for i in range(12)]:
        assert (sid in view) == (sid in model) and view.get(sid, []) == model.get(sid, [])


@settings(max_examples=200, deadline=None)
@given(listed=st.dictionaries(IDS, st.integers(1, 2)), writes=WRITES, fold=st.integers(1, 8))
def test_a_snapshot_reads_as_the_listing_with_every_write_applied_and_earlier_ones_never_change(listed, writes, fold):
    marker_view.FOLD, saved = fold, marker_view.FOLD
    try:
        model = {sid: _markers(sid, n) for sid, n in listed.items()}
        view = MarkerView(dict(model))
        history = [(view, dict(model))]
        for sid, count in writes:
            view = view.with_markers(sid, _markers(sid, count))
            if count:
                model[sid] = _markers(sid, count)
            else:
                model.pop(sid, None)
            history.append((view, dict(model)))
        for snapshot, then in history:
            _assert_reads_as(snapshot, then)
    finally:
        marker_view.FOLD = saved
