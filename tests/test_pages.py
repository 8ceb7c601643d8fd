"""Every page renders under AppTest on the small demo warehouse, on a first and a second run,
with the shared frame (navigation, filters) drawn each time."""
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, open_page

PAGES = ["dashboard.py", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))]


def url_values(at: AppTest, key: str) -> list[str]:
    value = at.query_params[key]
    return [value] if isinstance(value, str) else list(value)


def assert_framed(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert [s.label for s in at.sidebar.selectbox] == ["Period", "View as (demo mode)"]
    assert [m.label for m in at.sidebar.multiselect] == ["Regions", "Segments", "Channels"]
    assert any("data as of" in c.value for c in at.caption)


def test_every_page_calls_the_frame_first():
    for page in PAGES:
        source = (ROOT / page).read_text()
        body = source.split("page = frame(", 1)
        assert len(body) == 2, f"{page} does not call frame()"
        assert "st." not in body[0].split("import streamlit as st")[-1], f"{page} draws before frame()"


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_twice(app_env, page):
    at = open_page(page)
    assert_framed(at)
    at.run()  # a second run (any widget interaction) must draw the frame again
    assert_framed(at)


def test_overview_tiles_and_filters_from_the_url(app_env):
    at = open_page("dashboard.py")
    labels = [m.label for m in at.metric]
    assert labels[:9] == ["Active customers", "New customers", "Reactivated", "Lost customers", "Churn rate",
                          "Revenue", "ARPA", "NPS", "Channel cost"]
    everyone = at.metric[0].value
    filtered = open_page("dashboard.py", {"segment": "Multinational"})
    assert_framed(filtered)
    assert filtered.sidebar.multiselect[1].value == ["Multinational"]
    assert filtered.metric[0].value != everyone  # the tiles follow the filter


def test_changing_a_filter_updates_the_url(app_env):
    at = open_page("dashboard.py")
    at.sidebar.multiselect[0].select("Iberia").run()
    assert_framed(at)
    assert url_values(at, "region") == ["Iberia"]
    at.sidebar.multiselect[0].select("DACH").run()
    assert url_values(at, "region") == ["Iberia", "DACH"]
    at.sidebar.selectbox[0].select("ytd").run()
    assert url_values(at, "period") == ["ytd"]
    at.sidebar.button[0].click().run()  # reset
    assert "region" not in at.query_params and "period" not in at.query_params


def test_an_empty_selection_shows_an_empty_state_not_an_error(app_env):
    at = open_page("dashboard.py", {"period": "custom", "start": "2000-01-01", "end": "2000-12-31"})
    assert_framed(at)
    assert any("no data in the selected period" in i.value for i in at.info)
    assert at.metric[1].value == "0"  # no new customers, shown as a number, not an error


def test_first_start_builds_the_demo_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CRM_DEMO_CUSTOMERS", "300")
    at = open_page("dashboard.py")
    assert_framed(at)
    assert (tmp_path / "current.txt").exists()
    assert not at.get("progress")  # the build notice is gone once the page is drawn
