"""Many sessions at once in a real browser, and a warehouse swap under load: every page loads
without an error element, and every session sees the new data after the swap."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from conftest import CHROMIUM_ARGS, require_chromium, serve

CHROMIUM = require_chromium()
async_api = pytest.importorskip("playwright.async_api")

from crm.site import PAGES  # noqa: E402

PATHS = ["" if path == "dashboard.py" else Path(path).stem.split("_", 1)[1] for path, _, _ in PAGES]
SESSIONS = 12
ERRORS = "[data-testid='stException'], [data-testid='stAlertContentError']"


async def load(browser, url: str) -> list[str]:
    """One new session opening url: the text of its error elements once the page has settled."""
    context = await browser.new_context(viewport={"width": 1280, "height": 1400})
    page = await context.new_page()
    try:
        await page.goto(url, timeout=180_000)
        await page.get_by_text("data as of").first.wait_for(timeout=180_000)
        await page.wait_for_load_state("networkidle", timeout=180_000)
        await page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=180_000)
        return [f"{url}: {text}" for text in await page.locator(ERRORS).all_inner_texts()]
    finally:
        await context.close()


async def load_all(urls: list[str]) -> list[str]:
    async with async_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        found = await asyncio.gather(*(load(browser, url) for url in urls))
        await browser.close()
    return [error for errors in found for error in errors]


async def tiles(url: str) -> list[str]:
    """The Overview's KPI values as a new session sees them."""
    async with async_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page()
        await page.goto(url)
        await page.wait_for_function("document.querySelectorAll('[data-testid=\"stMetricValue\"]').length >= 9 && "
                                     "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=180_000)
        values = await page.locator("[data-testid='stMetricValue']").all_inner_texts()
        await browser.close()
    return values


def test_many_sessions_and_a_swap_under_load(tmp_path):
    from crm import demo
    demo.build(tmp_path, customers=1_000, seed=3)
    with serve(tmp_path) as url:
        urls = [f"{url}/{path}" for path in (PATHS * 2)[:SESSIONS]]
        assert asyncio.run(load_all(urls)) == []
        before = asyncio.run(tiles(url))

        async def swap_while_loading():
            build = asyncio.to_thread(demo.build, tmp_path, customers=1_200, seed=4)
            _, errors = await asyncio.gather(build, load_all(urls))
            return errors
        assert asyncio.run(swap_while_loading()) == []
        assert asyncio.run(load_all(urls)) == []
        after = asyncio.run(tiles(url))
        assert len(after) == len(before) == 9 and after != before  # the new warehouse's numbers
