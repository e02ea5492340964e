"""Regenerate the console's screenshots in docs/ from the real service on a copy of samples/acme.

    .venv/bin/python -m tests.support.console_screenshots      # docs/console-sources.png, docs/console-source.png

The storefront gets a FullStory instance through the console (so it shows a fresh countdown) and the marketing
site a second device-mode Google Analytics written into its file (so the sources page shows a build error with its
file and line while the last good build stays served).
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from tests.conftest import REPO, SAMPLES
from tests.support.browser import launch
from tests.support.service import TOKEN, live_service

DOCS = REPO / "docs"
BROKEN = """  - destination: Google Analytics
    name: GA4 Second
    mode: device
    settings: {measurementID: "G-ACME00002"}
"""


def main() -> None:
    """Write the two screenshots."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "acme"
        shutil.copytree(SAMPLES / "acme", root)
        with live_service(root) as live, sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport={"width": 1366, "height": 800})
            page.goto(live.url + "/sources/storefront/destinations/new?destination=FullStory")
            page.get_by_label("Admin token").fill(TOKEN)
            page.get_by_label("Admin token").press("Enter")
            page.get_by_label("orgId").fill("o-ACME-1")
            page.get_by_role("button", name="Connect").click()
            expect(page.locator('#destinations tr[data-instance="FullStory"]')).to_be_visible()
            marketing = root / "sources/marketing.yaml"
            marketing.write_text(marketing.read_text().replace("integrations:", BROKEN + "integrations:"))
            live.wait(lambda board: board.get("marketing").state == "build-failed"
                      and board.get("storefront").published_build_id == board.get("storefront").build_id)
            page.goto(live.url + "/")
            expect(page.locator('tr[data-source="marketing"] [data-field="state"]')).to_have_text("build failed")
            page.screenshot(path=str(DOCS / "console-sources.png"), full_page=True)
            page.set_viewport_size({"width": 1366, "height": 1000})
            page.goto(live.url + "/sources/storefront")
            page.screenshot(path=str(DOCS / "console-source.png"))
            browser.close()


if __name__ == "__main__":
    main()
