"""The settings JSON is what Segment's browser client expects, holds only public settings, and is deterministic."""
from __future__ import annotations

import json

from builder.assets import Assets
from builder.build import Builder, settings_key
from builder.settings import instance_config_id
from builder.workspace import load_workspace
from tests.conftest import SAMPLES


def _settings(catalog, source_id):
    workspace = load_workspace(SAMPLES / "acme", catalog)
    builder = Builder(catalog, Assets.load())
    (build,) = list(builder.build_all(workspace, only={source_id}))
    obj = next(o for o in build.objects if o.key == settings_key(build.write_key))
    return json.loads(obj.body), build


def test_storefront_settings_are_segment_compatible(catalog):
    settings, build = _settings(catalog, "storefront")
    io = settings["integrations"]["Segment.io"]
    assert io["apiKey"] == "wk_storefront_2f9c"
    assert io["apiHost"] == "api.acme.example/v1"
    assert io["protocol"] == "https"
    assert io["addBundledMetadata"] is True
    # cloud-mode instances are names only; the disabled Salesforce instance is absent
    assert io["unbundledIntegrations"] == ["Mixpanel", "Slack"]
    assert io["maybeBundledConfigIds"]["Mixpanel"] == [instance_config_id("acme", "storefront", "Mixpanel")]

    device = ["Amplitude", "Facebook Pixel", "Google Analytics", "Hotjar", "Mixpanel"]
    assert sorted(k for k in settings["integrations"] if k != "Segment.io") == device
    mixpanel = settings["integrations"]["Mixpanel"]
    assert mixpanel["token"] == "mp_tok_storefront_91ac"   # the device instance's settings, not the EU one's
    assert mixpanel["bundlingStatus"] == "bundled"
    assert mixpanel["versionSettings"]["componentTypes"] == []
    assert mixpanel["consentSettings"] == {"categories": ["analytics"]}
    assert "apiSecret" not in mixpanel

    plugins = {p["name"]: p for p in settings["remotePlugins"]}
    assert sorted(plugins) == device
    assert plugins["Mixpanel"]["url"].startswith("https://cdn.acme.example/next-integrations/actions/mixpanel/")
    assert plugins["Mixpanel"]["settings"]["token"] == "mp_tok_storefront_91ac"
    assert {o.key for o in build.objects if o.immutable} == {p["url"][len("https://cdn.acme.example/"):]
                                                             for p in plugins.values()}

    assert settings["metrics"]["sampleRate"] == 0
    assert settings["legacyVideoPluginsEnabled"] is False
    assert settings["consentSettings"] == {"allCategories": ["advertising", "analytics"],
                                           "hasUnmappedDestinations": True}
    for key in ("plan", "middlewareSettings", "enabledMiddleware"):
        assert key in settings


def test_server_sources_get_settings_only_with_no_device_entries(catalog):
    settings, build = _settings(catalog, "backend")
    assert [o.key for o in build.objects] == [settings_key("wk_backend_c7d3")]
    assert list(settings["integrations"]) == ["Segment.io"]
    assert settings["remotePlugins"] == []


def test_mobile_sources_list_device_destinations_without_browser_plugins(catalog):
    settings, build = _settings(catalog, "mobile-app")
    assert sorted(settings["integrations"]) == ["Amplitude", "Braze", "Segment.io"]
    assert settings["remotePlugins"] == []
    assert len(build.objects) == 1
