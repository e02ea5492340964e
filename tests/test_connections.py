"""Editing a source file's destinations: the rest of the file stays as written; writes are atomic and checked."""
from __future__ import annotations

import pytest

from bundlesmith.serve.connections import ApiError, edit_destinations, etag_of, write_if_match

TEXT = """# The storefront: our main web property.
id: shop
name: Shop
type: web
write_key: wk_shop   # never change: it is in every page
destinations:
  - destination: Mixpanel
    name: Mixpanel
    mode: device
    settings: {token: "mp_tok"}   # the public project token
"""


def test_adding_an_instance_keeps_every_other_line_and_its_comments():
    text = edit_destinations(TEXT, add={"destination": "Hotjar", "name": "Hotjar", "mode": "device",
                                        "settings": {"hjid": 1234}})
    assert text.startswith(TEXT)  # every existing line, comment and flow style as it was
    assert "- destination: Hotjar\n    name: Hotjar\n    mode: device\n" in text


def test_updating_and_deleting_touch_only_that_instance():
    updated = edit_destinations(TEXT, update=("Mixpanel", {"enabled": False}))
    assert "# the public project token" in updated and "enabled: false" in updated
    assert "destinations:" in edit_destinations(TEXT, delete="Mixpanel")
    with pytest.raises(ApiError) as caught:
        edit_destinations(TEXT, delete="Nope")
    assert (caught.value.status, caught.value.code) == (404, "destination-not-found")


def test_a_write_is_refused_when_the_file_changed_since_it_was_read(tmp_path):
    path = tmp_path / "shop.yaml"
    path.write_bytes(TEXT.encode())
    etag = write_if_match(str(path), b"id: shop\n", etag_of(TEXT.encode()), TEXT.encode())
    assert path.read_bytes() == b"id: shop\n" and etag == etag_of(b"id: shop\n")
    with pytest.raises(ApiError) as caught:
        write_if_match(str(path), b"id: other\n", etag_of(TEXT.encode()), TEXT.encode())
    assert caught.value.status == 409 and path.read_bytes() == b"id: shop\n"
    assert [p.name for p in tmp_path.iterdir()] == ["shop.yaml"]  # no temporary file left behind
