"""Number formats chosen by a column's suffix, the same everywhere in the app.

_count -> 12,345   _pct (a fraction) -> 4.2 %   _amount -> €1.23M   _days -> 12.5 days
_score -> 41.3     _on / _at -> dates            anything else is shown as it is.
"""
from __future__ import annotations

import math

import pandas as pd

from crm import settings

SUFFIX_HELP = {
    "_count": "a number of things (customers, orders, ...)",
    "_pct": "a fraction, shown as a percentage (0.042 = 4.2 %)",
    "_amount": "money in the reporting currency",
    "_days": "a duration in days",
    "_hours": "a duration in hours",
    "_score": "a score (NPS -100..100, CSAT 1..5)",
    "_on": "a date",
    "_at": "a date and time",
    "_id": "an identifier",
}


def suffix(column: str) -> str | None:
    return next((s for s in SUFFIX_HELP if column.endswith(s)), None)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def compact(value: float) -> str:
    """1234 -> 1.2k, 1234567 -> 1.23M: short enough for a tile."""
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            digits = 2 if abs(value) < 10 * size else 1
            return f"{value / size:.{digits}f}{unit}"
    return f"{value:,.0f}"


def format_value(column: str, value, *, short: bool = False) -> str:
    """Format one value by its column's suffix; missing values show as a dash."""
    if _missing(value):
        return "–"
    kind = suffix(column)
    if kind == "_count":
        return compact(value) if short and abs(value) >= 1e5 else f"{value:,.0f}"
    if kind == "_pct":
        return f"{value * 100:.1f} %"
    if kind == "_amount":
        currency = settings.get("currency")
        return f"{currency}{compact(value)}" if short else f"{currency}{value:,.2f}"
    if kind in ("_days", "_hours"):
        return f"{value:,.1f} {kind[1:]}"
    if kind == "_score":
        return f"{value:,.1f}"
    return str(value)


def format_change(column: str, current, previous) -> str | None:
    """The change from previous to current, in the column's own unit ("+1.2 pts" for _pct)."""
    if _missing(current) or _missing(previous):
        return None
    kind = suffix(column)
    if kind == "_pct":
        return f"{(current - previous) * 100:+.1f} pts"
    if kind == "_score":
        return f"{current - previous:+.1f}"
    if previous == 0:
        return None
    return f"{(current - previous) / abs(previous) * 100:+.1f} %"


def column_config(frame) -> dict:
    """st.dataframe column settings: a readable heading and the suffix's format for each column;
    date columns without a suffix (month, week, ...) show as dates too."""
    import streamlit as st  # here only: the scorecard and the command line format without Streamlit
    currency = settings.get("currency")
    formats = {
        "_count": lambda name: st.column_config.NumberColumn(name, format="localized"),
        "_pct": lambda name: st.column_config.NumberColumn(name, format="percent"),
        "_amount": lambda name: st.column_config.NumberColumn(name, format=f"{currency}%,.2f"),
        "_days": lambda name: st.column_config.NumberColumn(name, format="%.1f days"),
        "_hours": lambda name: st.column_config.NumberColumn(name, format="%.1f h"),
        "_score": lambda name: st.column_config.NumberColumn(name, format="%.1f"),
        "_on": lambda name: st.column_config.DateColumn(name, format="YYYY-MM-DD"),
        "_at": lambda name: st.column_config.DatetimeColumn(name, format="YYYY-MM-DD HH:mm"),
    }
    plain = lambda name: st.column_config.Column(name)  # noqa: E731

    def kind(column: str) -> str | None:
        if suffix(column) is None and pd.api.types.is_datetime64_any_dtype(frame[column]):
            return "_on"
        return suffix(column)

    return {c: formats.get(kind(c), plain)(label(c)) for c in frame.columns}


def label(column: str) -> str:
    """A column name as a heading: new_count -> New, churn_rate_pct -> Churn rate."""
    kind = suffix(column)
    base = column[: -len(kind)] if kind and kind not in ("_on", "_at", "_id") else column
    return base.replace("_", " ").strip().capitalize()
