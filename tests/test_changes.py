"""Change messages, versions and the publish / duplicate / stale decision, as pure data."""
from __future__ import annotations

import json

import pytest

from builder.errors import ChangeFormatError
from bundlesmith.workers.changes import Change, Version, decide, decode_change, encode_change, split_change

V = Version(42, "ab" * 32)


def test_a_change_round_trips_with_sorted_unique_sources():
    body = encode_change(Change(V, "s3://b/p/.bundlesmith/snapshots/000000000042.json.gz", ("b", "a", "b")))
    assert json.loads(body)["sources"] == ["a", "b"]
    assert decode_change(body) == Change(V, "s3://b/p/.bundlesmith/snapshots/000000000042.json.gz", ("a", "b"))
    assert encode_change(decode_change(body)) == body


@pytest.mark.parametrize("body, message", [
    ("{", "the message body is not JSON"),
    ('{"type": "other"}', "expected a message of type 'bundlesmith.change', got 'other'"),
    ('[1]', "expected a message of type 'bundlesmith.change', got 'list'"),
    ('{"type": "bundlesmith.change", "format": 2}', "expected message format 1, got 2"),
    ('{"type": "bundlesmith.change", "format": 1, "version": {"number": 0, "hash": "x"}}',
     "expected a version {number >= 1, hash}, got {'number': 0, 'hash': 'x'}"),
    ('{"type": "bundlesmith.change", "format": 1, "version": {"number": 1, "hash": "x"}, "snapshot": 3}',
     "expected the snapshot's location as a string, got 3"),
    ('{"type": "bundlesmith.change", "format": 1, "version": {"number": 1, "hash": "x"}, "snapshot": "s",'
     ' "sources": []}', "expected a non-empty list of source ids, got []"),
])
def test_a_malformed_message_says_what_is_wrong(body, message):
    with pytest.raises(ChangeFormatError) as error:
        decode_change(body)
    assert str(error.value).startswith(message)


@pytest.mark.parametrize("incoming, published, decision", [
    (Version(5, "e"), None, "publish"),
    (Version(5, "e"), Version(4, "d"), "publish"),
    (Version(5, "e"), Version(5, "e"), "duplicate"),
    (Version(4, "d"), Version(5, "e"), "stale"),
])
def test_only_a_newer_version_publishes(incoming, published, decision):
    assert decide(incoming, published) == decision


def test_versions_order_by_number_and_read_back_from_the_manifest():
    assert Version(2, "a") > Version(1, "z")
    assert Version.from_dict(Version(7, "h").as_dict()) == Version(7, "h")
    assert Version.from_dict(None) is None and Version.from_dict({"number": True}) is None


def test_a_big_change_is_split_into_messages_of_bounded_size():
    changes = list(split_change(V, "loc", [f"s{i:03d}" for i in range(250)], size=100))
    assert [len(c.sources) for c in changes] == [100, 100, 50]
    assert sorted(s for c in changes for s in c.sources) == [f"s{i:03d}" for i in range(250)]
