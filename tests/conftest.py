"""Shared fixtures: the catalog, throwaway workspaces, and one headless Chromium per test session."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.assets import Assets
from builder.catalog import Catalog, load_catalog

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
BUNDLESMITH = [sys.executable, "-c", "from bundlesmith.cli import main; main()"]  # the CLI, as a subprocess


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def assets() -> Assets:
    return Assets.load()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    from tests.support.browser import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()
