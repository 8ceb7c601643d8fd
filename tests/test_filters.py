"""Filter state <-> URL, and the periods relative to the as-of date (pure functions)."""
import datetime as dt

import pytest

from crm import parameters
from crm.periods import Filters, last_complete_quarter, previous_period

D = dt.date


def test_default_filters_make_an_empty_url():
    assert Filters().to_url() == {}
    assert Filters.from_url({}) == Filters()


def test_url_round_trip_keeps_every_filter_and_non_ascii_values():
    filters = Filters(period="custom", start=D(2024, 1, 1), end=D(2024, 3, 31),
                      regions=("Iberia", "Américas"), segments=("Household",), channels=("E-mail",))
    url = filters.to_url()
    assert url == {"period": ["custom"], "start": ["2024-01-01"], "end": ["2024-03-31"],
                   "region": ["Iberia", "Américas"], "segment": ["Household"], "channel": ["E-mail"]}
    assert Filters.from_url(url) == filters


@pytest.mark.parametrize("url", [
    {"period": ["next_century"]},
    {"period": ["custom"], "start": ["2024-13-01"], "end": ["2024-03-01"]},
    {"period": ["custom"], "start": ["2024-05-01"], "end": ["2024-03-01"]},  # start after end
])
def test_malformed_urls_fall_back_to_the_default_period(url):
    assert Filters.from_url(url).period == "last_12_months"


def test_repeated_values_are_kept_once():
    assert Filters.from_url({"region": ["Iberia", "Iberia", ""]}).regions == ("Iberia",)


AS_OF, START = D(2026, 10, 31), D(2021, 11, 1)


@pytest.mark.parametrize("period, expected", [
    ("last_12_months", (D(2025, 11, 1), D(2026, 10, 31))),
    ("ytd", (D(2026, 1, 1), D(2026, 10, 31))),
    ("last_quarter", (D(2026, 7, 1), D(2026, 9, 30))),
    ("all", (START, AS_OF)),
])
def test_periods_end_on_the_as_of_date(period, expected):
    assert Filters(period=period).dates(AS_OF, START) == expected


def test_last_quarter_includes_a_quarter_ending_on_the_as_of_date():
    assert last_complete_quarter(D(2026, 9, 30)) == (D(2026, 7, 1), D(2026, 9, 30))
    assert last_complete_quarter(D(2026, 1, 15)) == (D(2025, 10, 1), D(2025, 12, 31))


def test_last_12_months_from_a_leap_day():
    assert Filters().dates(D(2024, 2, 29), START) == (D(2023, 3, 1), D(2024, 2, 29))


def test_previous_period_has_equal_length_and_ends_the_day_before():
    assert previous_period(D(2025, 11, 1), D(2026, 10, 31)) == (D(2024, 11, 1), D(2025, 10, 31))  # 365 days each
    assert previous_period(D(2026, 7, 1), D(2026, 9, 30)) == (D(2026, 3, 31), D(2026, 6, 30))


def test_compare_with_the_same_period_a_year_earlier():
    assert previous_period(D(2026, 1, 1), D(2026, 10, 31), "year") == (D(2025, 1, 1), D(2025, 10, 31))
    assert previous_period(D(2024, 2, 29), D(2024, 3, 31), "year") == (D(2023, 2, 28), D(2023, 3, 31))
    assert Filters.from_url({"compare": ["year"]}).to_url() == {"compare": ["year"]}
    assert Filters.from_url({"compare": ["decade"]}).compare == "previous"


def test_query_values_are_the_shared_parameters():
    values = parameters.for_view(Filters(segments=("Household",)), AS_OF, START)
    assert values == {"start_date": D(2025, 11, 1), "end_date": AS_OF, "regions": [],
                      "segments": ["Household"], "channels": [], "grain": "month", "margin_pct": 0.3}


def test_selected_values_from_a_chart_selection_event():
    from crm.filters import selected_values
    event = {"selection": {"drill": [{"segment": "Household"}, {"segment": "Multinational"}]}}
    assert selected_values(event, "segment") == ["Household", "Multinational"]
    assert selected_values({"selection": {"drill": []}}, "segment") == []
    assert selected_values({}, "segment") == []
    assert selected_values(None, "segment") == []
    assert selected_values({"selection": {"other": [{"segment": "X"}]}}, "segment") == []
