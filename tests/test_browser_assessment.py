"""The questionnaire in a real browser (Debian's chromium driven by pip playwright): answer, save,
reload, and the answers are there, on the form and in "My answers"."""
import os

import pytest

from conftest import CHROMIUM_ARGS, require_chromium, serve

CHROMIUM = require_chromium()
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


@pytest.fixture(scope="module")
def server(demo_warehouse, tmp_path_factory):
    state = tmp_path_factory.mktemp("browser_state") / "appstate.sqlite"
    with serve(demo_warehouse, appstate_url=f"sqlite:///{state}") as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1800})
        yield page
        browser.close()


def question(page, text: str):
    """A question's segmented control (a radio group named by the question)."""
    return page.get_by_role("radiogroup", name=text, exact=True)


def chosen(page, text: str):
    return question(page, text).locator("[role='radio'][aria-checked='true']")


def test_answer_save_reload_and_see_the_answers(server, page):
    page.goto(f"{server}/Assessment")
    page.get_by_text("data as of").first.wait_for(timeout=90_000)
    pareto = "To what extent do you know, in numbers, how the Pareto law applies to your customers?"
    committed = "To what extent is your team committed to the change CRM asks for?"
    question(page, pareto).get_by_role("radio", name="8", exact=True).click()
    question(page, committed).get_by_role("radio", name="4 largely").click()
    page.get_by_role("button", name="Save my answers").first.click()
    page.get_by_text("Saved 2 answers").wait_for(timeout=30_000)
    page.reload()
    page.get_by_text("data as of").first.wait_for(timeout=90_000)
    expect(chosen(page, pareto)).to_have_text("8", timeout=30_000)
    expect(chosen(page, committed)).to_have_text("4 largely")
    page.get_by_role("tab", name="My answers").click()
    page.wait_for_url("**tab=My+answers**", timeout=30_000)
    expect(page.get_by_text("Only you see this list")).to_be_visible(timeout=30_000)
    table = page.locator("[data-testid='stDataFrame']").first
    expect(table).to_be_visible()
    if folder := os.environ.get("CRM_SCREENSHOTS"):
        page.screenshot(path=f"{folder}/assessment_my_answers.png", full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
