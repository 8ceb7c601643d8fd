"""Hostile and malformed links: no URL value is ever read as Markdown, invalid values get a
message naming the parameter, extreme periods are clamped to the data, and an error in a page
shows a reference instead of a traceback."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from conftest import open_page

LINK = "[Your session expired](https://evil.example/login)"
IMAGE = "![x](https://evil.example/pixel.png)"
PAYLOADS = [LINK, IMAGE, "<img src=https://evil.example/x.png>", ":red[**Urgent**] www.evil.example",
            "$\\href{https://evil.example}{x}$", "`code` **bold** _it_ # heading"]


def rendered_markdown(at: AppTest) -> list[str]:
    """The text of every element Streamlit renders as Markdown (labels of buttons and links too)."""
    texts = [e.value for kind in ("markdown", "caption", "warning", "error", "info", "success", "title",
                                  "header", "subheader") for e in getattr(at, kind)]
    return texts + [b.label for b in at.button] + [b.label for b in at.sidebar.button]


def assert_no_markup_from_the_link(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    for text in rendered_markdown(at):
        text = re.sub(r"`[^`]*`", "", text)  # a code span shows its text as it is
        assert not re.search(r"(?<!\\)\]\(", text), text  # "](" unescaped: a link or an image
        assert not re.search(r"(?<!\\)<img", text), text
        # Markdown makes bare addresses clickable, escaped or not, unless something breaks them up.
        assert not re.search(r"https?://|www\.", text.replace("\\", "")), text


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("key, page", [("segment", "dashboard.py"), ("channel", "pages/6_Channel.py"),
                                       ("region", "dashboard.py"), ("q", "pages/7_Query_library.py"),
                                       ("customer", "pages/6_Customers.py"), ("period", "dashboard.py"),
                                       ("start", "dashboard.py"), ("compare", "pages/1_Acquisition_and_loss.py")])
def test_url_values_are_never_rendered_as_markdown(app_env, key, page, payload):
    params = {key: payload, **({"period": "custom", "end": "2026-01-31"} if key == "start" else {})}
    at = open_page(page, params)
    assert_no_markup_from_the_link(at)
    if key not in ("q", "customer"):  # the filters' own parameters: the link's value is named
        assert any(f"{key}=`" in w.value for w in at.warning), [w.value for w in at.warning]


def test_a_restricted_user_asking_for_a_crafted_region_sees_no_markup(app_env):
    at = open_page("dashboard.py", {"region": [LINK, "Nordics"]}, view_as="iberia.manager@example.com")
    assert_no_markup_from_the_link(at)


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def test_an_invalid_date_is_named_with_what_is_used_instead(app_env):
    at = open_page("dashboard.py", {"period": "custom", "start": "2026-13-45", "end": "2026-03-31"})
    assert not at.exception
    messages = " ".join(warnings(at))
    assert "start=`2026-13-45` is not a date (YYYY-MM-DD)" in messages
    assert "showing the last 12 months" in messages
    assert "last 12 months" in at.caption[0].value


def test_an_extreme_period_is_clamped_to_the_data(app_env):
    at = open_page("dashboard.py", {"period": "custom", "start": "0001-01-01", "end": "9999-12-31"})
    assert not at.exception
    first, last = at.query_params["start"], at.query_params["end"]
    assert first != "0001-01-01" and last != "9999-12-31"  # the URL now holds the data's own dates
    assert any("reaches outside the data" in w and f"showing {first} – {last}" in w for w in warnings(at))


def test_unknown_filter_values_are_left_out_with_a_message(app_env):
    at = open_page("dashboard.py", {"segment": ["Household", "Martians"]})
    assert not at.exception
    assert any("segment=`Martians` is not in the data; it was left out" in w for w in warnings(at))
    assert at.query_params["segment"] == "Household"


def test_an_error_in_a_page_shows_a_reference_not_a_traceback(app_env, monkeypatch, caplog):
    from crm import kpis
    monkeypatch.setenv("CRM_SHOW_ERROR_DETAILS", "0")
    monkeypatch.setattr(kpis, "per_month", lambda *a, **k: 1 / 0)
    at = open_page("dashboard.py")
    assert not at.exception
    message = next(e.value for e in at.error if "Something went wrong" in e.value)
    reference = re.search(r"reference \*\*(\w+)\*\*", message).group(1)
    assert "Traceback" not in message and "/" not in message.replace("/material", "")
    assert any(reference in r.getMessage() and r.exc_info for r in caplog.records)  # the details, in the log
