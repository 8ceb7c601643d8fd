"""Formats by column suffix, and the sparkline months."""
import datetime as dt

import pytest

from crm.formatting import format_change, format_value, label
from crm.kpis import months_of


@pytest.mark.parametrize("column, value, short, expected", [
    ("new_count", 12345, False, "12,345"),
    ("active_end_count", 1234567, True, "1.23M"),
    ("churn_rate_pct", 0.042, False, "4.2 %"),
    ("revenue_amount", 1234.5, False, "€1,234.50"),
    ("revenue_amount", 15_600_000, True, "€15.6M"),
    ("first_response_hours", 6.25, False, "6.2 hours"),
    ("nps_score", 41.25, False, "41.2"),
    ("churn_rate_pct", None, False, "–"),
    ("churn_rate_pct", float("nan"), False, "–"),
    ("region", "São Paulo", False, "São Paulo"),
])
def test_format_value(column, value, short, expected):
    assert format_value(column, value, short=short) == expected


def test_format_change():
    assert format_change("churn_rate_pct", 0.05, 0.04) == "+1.0 pts"
    assert format_change("revenue_amount", 110, 100) == "+10.0 %"
    assert format_change("nps_score", 30, 35.5) == "-5.5"
    assert format_change("new_count", 5, 0) is None  # no percentage change from zero
    assert format_change("new_count", 5, None) is None


def test_label():
    assert label("churn_rate_pct") == "Churn rate"
    assert label("customer_id") == "Customer id"


def test_months_of_clips_to_the_period():
    D = dt.date
    assert months_of(D(2024, 1, 15), D(2024, 3, 10)) == [
        (D(2024, 1, 15), D(2024, 1, 31)), (D(2024, 2, 1), D(2024, 2, 29)), (D(2024, 3, 1), D(2024, 3, 10))]
    assert len(months_of(D(2020, 1, 1), D(2024, 12, 31))) == 12
