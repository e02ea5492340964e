"""The catalog holds every destination of SPEC §4 with the stated modes, and an adapter for each device one."""
from __future__ import annotations

from builder import resources

MULTI = ["Adobe Analytics", "Amplitude", "Braze", "Customer.io", "Google Analytics", "Keen", "Lytics", "Mixpanel",
         "Vero"]
DEVICE_ONLY = ["Google Tag Manager", "Hotjar", "Facebook Pixel", "FullStory"]
# SPEC §4, "Cloud-mode only (unlimited sources, no device mode)", verbatim.
CLOUD_ONLY = [
    "ActiveCampaign", "Akita", "All Aboard", "Amazon EventBridge", "Amazon Kinesis", "Amazon Kinesis Firehose",
    "Amazon Lambda", "Amazon Personalize", "Attribution", "Attune", "Autopilot", "Azure Function", "Branch",
    "Callexa", "Calq", "Chango", "Clearbit Enrichment", "Clearbit Reveal", "ClientSuccess", "Cordial", "Delighted",
    "Emarsys", "Facebook Conversions API", "Facebook Offline Conversions", "Freshdesk", "Freshsales", "FullContact",
    "Gainsight", "Goedle.io", "Google Cloud Function", "HasOffers", "Help Scout", "Hull",
    "IBM Universal Behavior Exchange", "Impact Radius", "Indicative", "Infinario", "Iron.io", "Knowtify", "Kochava",
    "LeadBoxer", "Librato", "Mailchimp", "Mailjet", "Millennial Media", "Moosend", "Movable Ink", "Natero",
    "New Relic", "OneSignal", "Planhat", "Pointillist", "Promoter", "RadiumOne Connect", "Relay", "Repeater",
    "Responsys", "Sailthru", "Salesforce", "Salesforce Marketing Cloud", "Salesmachine", "Selligent", "SendwithUs",
    "Sherlock", "Slack", "Smyte", "SparkPage", "Stitch Data", "Tealium AudienceStream", "Tractionboard", "Tray.io",
    "Treasure", "User.com", "Webhooks", "Whalr", "Whale Watch", "Zaius", "Zapier", "Zendesk",
]


def test_every_reference_destination_is_in_the_catalog_with_its_modes(catalog):
    for name in MULTI:
        d = catalog.get(name)
        assert d is not None, name
        assert (d.modes, d.multi_instance) == (("cloud", "device"), True), name
    for name in CLOUD_ONLY:
        d = catalog.get(name)
        assert d is not None, name
        assert (d.modes, d.multi_instance, d.data_lake) == (("cloud",), True, False), name
    for name in DEVICE_ONLY:
        d = catalog.get(name)
        assert (d.modes, d.multi_instance) == (("device",), False), name
    intercom = catalog.get("Intercom")
    assert (intercom.modes, intercom.multi_instance) == (("cloud", "device"), False)
    assert [d.name for d in catalog.destinations if d.data_lake] == ["Azure Data Lakes", "Segment Data Lakes"]


def test_every_device_capable_destination_has_an_adapter_and_public_settings(catalog):
    for d in catalog.destinations:
        if d.device_capable:
            assert (resources.snippets_dir() / f"{d.slug}.js").is_file(), d.slug
            assert any(s.required and not s.private for s in d.settings.values()), d.name


def test_private_settings_are_strings_and_never_public(catalog):
    for d in catalog.destinations:
        for key, spec in d.settings.items():
            if spec.private:
                assert spec.type == "string", (d.name, key)
        configured = {key: f"value-{key}" for key in d.settings}
        assert not set(d.public_settings(configured)) & d.private_keys()


def test_public_settings_fill_defaults_and_drop_secrets(catalog):
    mixpanel = catalog.get("Mixpanel")
    public = mixpanel.public_settings({"token": "t", "apiSecret": "s3cret"})
    assert public["token"] == "t"
    assert "apiSecret" not in public
    assert public["persistence"] == mixpanel.settings["persistence"].default
