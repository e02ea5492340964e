"""What the admin API shows of settings and how it writes them: masks, YAML 1.1-safe strings, exact read-back."""
from __future__ import annotations

import pytest
import yaml

from builder.catalog import load_catalog
from bundlesmith.serve.api_values import (MASK, MaskedWithoutValue, first_difference, mask_instance, redact_problems,
                                same_value, unmask_settings)
from bundlesmith.serve.connections import edit_destinations

TEXT = """id: shop
name: Shop
type: web
write_key: wk_shop
destinations:
  - destination: Mixpanel
    name: Mixpanel
    mode: device
    settings: {token: "mp_tok", apiSecret: 'mp-secret-1'}
"""

# Strings PyYAML (YAML 1.1) reads as something else when written plain, and a few that are fine either way.
TRICKY = ["yes", "No", "on", "OFF", "y", "n", "0o17", "017", "0x1F", "0b101", "1_000", "12:30", "1:2:3", "+1", ".5",
          "1e3", "~", "null", "", "=", "<<", "2001-01-01", "2001-01-01 10:00:00", ".nan", ".inf", "-.inf", "true",
          "plain", "a: b", "- x", "#c", " lead", "trail ", "line\nbreak", "•", "'quoted'"]


def test_every_string_reads_back_as_written_as_a_key_and_as_a_value():
    settings = {text: text for text in TRICKY}
    edited = edit_destinations(TEXT, add={"destination": "Amplitude", "name": "yes", "mode": "cloud",
                                          "settings": {"apiKey": "off", "mapQueryParams": settings}})
    instance = yaml.safe_load(edited)["destinations"][1]
    assert instance["name"] == "yes" and instance["settings"]["apiKey"] == "off"
    assert instance["settings"]["mapQueryParams"] == settings
    assert all(type(key) is str for key in instance["settings"]["mapQueryParams"])


@pytest.mark.parametrize("number", [1e20, 1e-7, -2.5e-300, 0.1, 3.0, 1.5e16, 10 ** 30, -7])
def test_numbers_read_back_as_the_same_type_and_value(number):
    edited = edit_destinations(TEXT, update=("Mixpanel", {"settings": {"token": "t", "n": number}}))
    read = yaml.safe_load(edited)["destinations"][0]["settings"]["n"]
    assert same_value(number, read)


def test_private_settings_are_masked_with_no_length_hint():
    catalog = load_catalog()
    masked = mask_instance({"destination": "Mixpanel", "settings": {"token": "t", "apiSecret": "s" * 40}}, catalog)
    assert masked["settings"] == {"token": "t", "apiSecret": MASK}
    assert mask_instance({"destination": "Nope", "settings": {"a": "1", "b": None}}, catalog)["settings"] == \
        {"a": MASK, "b": None}  # a destination the catalog does not know: every value is hidden
    pasted = {"destination": "Mixpanel", "settings": {"token": "s3cr3t", "superProperties": ["a", "s3cr3t"]}}
    assert mask_instance(pasted, catalog, lambda text: text == "s3cr3t")["settings"] == \
        {"token": MASK, "superProperties": MASK}  # a public setting holding a secret of the workspace


def test_the_mask_keeps_the_stored_value_of_a_private_key_only():
    private = frozenset({"apiSecret"})
    assert unmask_settings({"token": MASK, "apiSecret": MASK}, {"apiSecret": "s1"}, private) == \
        {"token": MASK, "apiSecret": "s1"}
    with pytest.raises(MaskedWithoutValue):
        unmask_settings({"apiSecret": MASK}, {}, private)
    assert unmask_settings({"token": MASK}, {"token": "t0"}, private) == {"token": "t0"}  # a masked public value
    edited = edit_destinations(TEXT, update=("Mixpanel", {"settings": {"token": "t2", "apiSecret": MASK}}),
                               private_keys=lambda destination: private)
    assert "apiSecret: 'mp-secret-1'" in edited and MASK not in edited  # kept, in its original quoting


def test_a_value_that_does_not_read_back_is_named():
    assert first_difference({"name": "yes", "enabled": True}, {"name": True, "enabled": True}) == "name"
    assert first_difference({"settings": {"a": 1}}, {"settings": {"a": True}}) == "settings.a"
    assert first_difference({"settings": {"a": "1"}}, {"settings": {"a": 1}}) == "settings.a"
    assert first_difference({"settings": {"yes": 1}}, {"settings": {True: 1}}) == "settings"
    assert first_difference({"settings": {"s": MASK, "a": 1.0}}, {"settings": {"s": "x", "a": 1.0}}) is None


def test_problems_about_setting_values_say_type_and_length_only():
    data = {"destinations": [{"settings": {"apiSecret": "sk_live_123", "n": 5}}]}
    problems = [{"code": "C-setting-type", "path": "destinations[0].settings.apiSecret", "got": "str 'sk_live_123'"},
                {"code": "C-setting-unknown", "path": "destinations[0].settings.nn", "got": "'nn'"},
                {"code": "R1-duplicate-name", "path": "destinations[0].name", "got": "'x'"}]
    redacted = redact_problems(problems, data)
    assert [p["got"] for p in redacted] == ["a string of 11 characters", "'nn'", "'x'"]
