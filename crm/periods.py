"""The view a user picks, as plain values: the period (and what it is compared with), the
selected regions, segments and channels, and the arithmetic of periods. No Streamlit here: the
command line, the scorecard and the tests use it too; crm.filters keeps it in the session and
the URL.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Mapping

from crm.markup import code

PERIODS = {
    "last_12_months": "Last 12 months",
    "ytd": "Year to date",
    "last_quarter": "Last quarter",
    "all": "All time",
    "custom": "Custom",
}
DEFAULT_PERIOD = "last_12_months"
COMPARISONS = {"previous": "Previous period", "year": "A year earlier"}
DEFAULT_COMPARE = "previous"
# Filter field -> URL key (singular, as people write links: ?segment=Household).
LIST_FILTERS = {"regions": "region", "segments": "segment", "channels": "channel"}


@dataclass(frozen=True)
class Filters:
    period: str = DEFAULT_PERIOD
    start: dt.date | None = None  # only for period == "custom"
    end: dt.date | None = None
    regions: tuple[str, ...] = ()  # empty = all
    segments: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    compare: str = DEFAULT_COMPARE  # what the changes on tiles are measured against

    def to_url(self) -> dict[str, list[str]]:
        """Query parameters for this view; defaults are left out so links stay short."""
        params: dict[str, list[str]] = {}
        if self.period != DEFAULT_PERIOD:
            params["period"] = [self.period]
        if self.period == "custom" and self.start and self.end:
            params["start"], params["end"] = [self.start.isoformat()], [self.end.isoformat()]
        for name, key in LIST_FILTERS.items():
            if values := getattr(self, name):
                params[key] = list(values)
        if self.compare != DEFAULT_COMPARE:
            params["compare"] = [self.compare]
        return params

    @classmethod
    def from_url(cls, params: Mapping[str, list[str]]) -> "Filters":
        """Filters from query parameters; unknown or malformed values fall back to defaults."""
        return read_url(params)[0]

    def dates(self, as_of: dt.date, data_start: dt.date) -> tuple[dt.date, dt.date]:
        """First and last day (inclusive) of the selected period, relative to the as-of date."""
        if self.period == "custom" and self.start and self.end:
            return self.start, self.end
        if self.period == "ytd":
            return dt.date(as_of.year, 1, 1), as_of
        if self.period == "last_quarter":
            return last_complete_quarter(as_of)
        if self.period == "all":
            return data_start, as_of
        return _add_years(as_of, -1) + dt.timedelta(days=1), as_of

    @property
    def is_default(self) -> bool:
        return self == Filters()


def read_url(params: Mapping[str, list[str]]) -> tuple[Filters, list[str]]:
    """Filters from query parameters, and what was wrong with them: each problem names the
    parameter, the value given (quoted as text, never as markup) and what is used instead."""
    problems = []
    period = (params.get("period") or [DEFAULT_PERIOD])[-1]
    if period not in PERIODS:
        problems.append(f"period={code(period)} is not a known period; showing the "
                        f"{PERIODS[DEFAULT_PERIOD].lower()}")
        period = DEFAULT_PERIOD
    start, end = (_date(params.get(key), key, problems) for key in ("start", "end"))
    if period == "custom" and not (start and end and start <= end):
        reason = f"start={start} is after end={end}" if start and end else \
            "a custom period needs a valid start= and end= (YYYY-MM-DD)"
        problems.append(f"{reason}; showing the {PERIODS[DEFAULT_PERIOD].lower()}")
        period = DEFAULT_PERIOD
    compare = (params.get("compare") or [DEFAULT_COMPARE])[-1]
    if compare not in COMPARISONS:
        problems.append(f"compare={code(compare)} is not one of {', '.join(COMPARISONS)}; "
                        f"comparing with the {COMPARISONS[DEFAULT_COMPARE].lower()}")
        compare = DEFAULT_COMPARE
    lists = {name: tuple(dict.fromkeys(v for v in params.get(key, []) if v)) for name, key in LIST_FILTERS.items()}
    custom = period == "custom"
    return Filters(period=period, start=start if custom else None, end=end if custom else None, **lists,
                   compare=compare), problems


def within_data(selection: Filters, first: dt.date, last: dt.date) -> tuple[Filters, list[str]]:
    """A custom period that reaches outside the data [first, last] cut to it, and what was changed.
    A period wholly outside keeps its dates (pages say there is no data then), unless they are
    absurd (before 1900, after 2200), which gives the default period."""
    if selection.period != "custom" or (first <= selection.start and selection.end <= last):
        return selection, []
    given = f"period {selection.start} – {selection.end}"
    if selection.end < first or selection.start > last:
        if 1900 <= selection.start.year and selection.end.year <= 2200:
            return selection, []
        return replace(selection, period=DEFAULT_PERIOD, start=None, end=None), [
            f"{given} lies far outside the data; showing the {PERIODS[DEFAULT_PERIOD].lower()}"]
    start, end = max(selection.start, first), min(selection.end, last)
    return replace(selection, start=start, end=end), [
        f"{given} reaches outside the data, which runs from {first} to {last}; showing {start} – {end}"]


def unknown_values(selection: Filters, options: dict[str, list[str]]) -> tuple[Filters, list[str]]:
    """The selection without list values that are not in the data (a mistyped or stale link), and
    a problem per value left out."""
    problems, kept = [], {}
    for name, key in LIST_FILTERS.items():
        kept[name] = tuple(v for v in getattr(selection, name) if v in options.get(name, ()))
        problems += [f"{key}={code(v)} is not in the data; it was left out"
                     for v in getattr(selection, name) if v not in kept[name]]
    return replace(selection, **kept), problems



def previous_period(start: dt.date, end: dt.date, compare: str = DEFAULT_COMPARE) -> tuple[dt.date, dt.date]:
    """The period to compare with: of equal length ending the day before start, or ("year") the
    same dates a year earlier."""
    if compare == "year":
        return _add_years(start, -1), _add_years(end, -1)
    length = end - start
    return start - length - dt.timedelta(days=1), start - dt.timedelta(days=1)


def last_complete_quarter(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The latest calendar quarter that ends on or before the as-of date."""
    quarter_start = dt.date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
    next_quarter = _add_months(quarter_start, 3)
    if as_of == next_quarter - dt.timedelta(days=1):  # as-of is the quarter's last day
        return quarter_start, as_of
    previous_start = _add_months(quarter_start, -3)
    return previous_start, quarter_start - dt.timedelta(days=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _date(values: list[str] | None, key: str, problems: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(values[-1]) if values else None
    except ValueError:
        problems.append(f"{key}={code(values[-1])} is not a date (YYYY-MM-DD)")
        return None
