"""Browser smoke test: a real server and Debian's chromium (driven by pip playwright; no
browser download). Opens every page, finds no exception, follows a navigation link and
checks the filters travel in the URL. Set CRM_SCREENSHOTS=dir to keep screenshots."""
import os
from pathlib import Path

import pytest

from conftest import CHROMIUM_ARGS, require_chromium, serve

CHROMIUM = require_chromium()

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
from crm.site import PAGES as NAVIGATION  # noqa: E402

# Label -> URL path: classic pages are served at their file name without the number prefix.
PAGES = {label: "" if path == "dashboard.py" else Path(path).stem.split("_", 1)[1] for path, label, _ in NAVIGATION}


@pytest.fixture(scope="module")
def server(demo_warehouse):
    with serve(demo_warehouse) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, url):
    page = browser.new_page(viewport={"width": 1440, "height": 1800})
    page.goto(url)
    page.get_by_text("data as of").first.wait_for(timeout=90_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # let charts draw
    return page


def screenshot(page, name):
    if folder := os.environ.get("CRM_SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("name", PAGES)
def test_page_opens_without_exception(server, browser, name):
    page = open_page(browser, f"{server}/{PAGES[name]}")
    screenshot(page, name)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0, page.locator(
        "[data-testid='stAlertContentError']").all_inner_texts()
    assert page.locator("h1").count() == 1
    page.close()


def first_tile_of(browser, url: str) -> str:
    """The first KPI tile's value when `url` is opened afresh: the expected value of a view."""
    page = open_page(browser, url)
    value = page.locator("[data-testid='stMetricValue']").first.inner_text()
    page.close()
    return value


def test_a_sidebar_filter_changes_the_url_and_the_tiles_and_survives_a_reload(server, browser):
    everyone, households = first_tile_of(browser, server), first_tile_of(browser, f"{server}/?segment=Household")
    assert everyone != households
    page = open_page(browser, server)
    tile = page.locator("[data-testid='stMetricValue']").first
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").nth(1).click()
    page.get_by_role("option", name="Household").click()
    page.keyboard.press("Escape")
    page.wait_for_url("**segment=Household**", timeout=30_000)
    expect(tile).to_have_text(households, timeout=30_000)
    page.reload()
    page.get_by_text("data as of").first.wait_for(timeout=60_000)
    assert "segment=Household" in page.url
    expect(tile).to_have_text(households, timeout=30_000)
    page.close()


def click_bar(page, chart_title: str, category: str) -> None:
    """Click the horizontal bar of `category` in the chart under `chart_title` (just right of its axis label)."""
    card = page.locator("[data-testid='stVerticalBlock']", has_text=chart_title).last  # innermost
    label = card.locator("[data-testid='stVegaLiteChart'] svg text", has_text=category).first
    box = label.bounding_box()
    page.mouse.click(box["x"] + box["width"] + 40, box["y"] + box["height"] / 2)


def test_clicking_a_bar_filters_by_it_and_back_restores(server, browser):
    everyone, households = first_tile_of(browser, server), first_tile_of(browser, f"{server}/?segment=Household")
    page = open_page(browser, server)
    tile = page.locator("[data-testid='stMetricValue']").first
    click_bar(page, "Revenue by segment", "Household")
    page.wait_for_url("**segment=Household**", timeout=30_000)
    expect(tile).to_have_text(households, timeout=30_000)
    expect(page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").nth(1)).to_contain_text("Household")
    page.go_back()  # Back restores the previous view: URL, filter and tiles
    page.wait_for_function("() => !location.search.includes('segment=')", timeout=30_000)
    expect(tile).to_have_text(everyone, timeout=30_000)
    page.go_forward()
    page.wait_for_url("**segment=Household**", timeout=30_000)
    expect(tile).to_have_text(households, timeout=30_000)
    page.close()


def test_navigation_keeps_the_filters_in_the_url(server, browser):
    page = open_page(browser, f"{server}/?segment=Household&period=ytd")
    page.locator("[data-testid='stSidebar'] a", has_text="Definitions").click()
    page.get_by_role("heading", name="Definitions").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    assert "/Definitions" in page.url
    assert "segment=Household" in page.url and "period=ytd" in page.url
    page.close()
