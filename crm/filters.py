"""The global filters and the one place that owns their cross-page state.

Filters live under a permanent session key, are seeded from the URL on a session's first
run, written back to the URL when they change, and passed on by every navigation link, so
a shared link shows the very same view. Widgets use throw-away keys and copy their value
into the permanent state in on_change (classic multipage mode resets widget keys).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields, replace
from typing import Mapping

import streamlit as st

from crm import settings

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
URL_KEYS = {"period", "start", "end", "compare", *LIST_FILTERS.values()}
STATE_KEY = "crm_filters"
SHOWN_KEY = "crm_filters_in_url"  # the filter part of the URL as we last wrote or read it
PROBLEMS_KEY = "crm_filters_url_problems"  # what was wrong with the link this view was opened from
WIDGET_PREFIX = "_filter_widget_"


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

    def query_values(self, as_of: dt.date, data_start: dt.date) -> dict:
        """The shared query parameters ($start_date, $end_date, $regions, ...)."""
        start, end = self.dates(as_of, data_start)
        return query_values(start, end, self)

    @property
    def is_default(self) -> bool:
        return self == Filters()


def read_url(params: Mapping[str, list[str]]) -> tuple[Filters, list[str]]:
    """Filters from query parameters, and what was wrong with them: each problem names the
    parameter, the value given (quoted as text, never as markup) and what is used instead."""
    problems = []
    period = (params.get("period") or [DEFAULT_PERIOD])[-1]
    if period not in PERIODS:
        problems.append(f"period={quoted(period)} is not a known period; showing the "
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
        problems.append(f"compare={quoted(compare)} is not one of {', '.join(COMPARISONS)}; "
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
    given = f"the period {selection.start} – {selection.end}"
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
        problems += [f"{key}={quoted(v)} is not in the data; it was left out"
                     for v in getattr(selection, name) if v not in kept[name]]
    return replace(selection, **kept), problems


def quoted(text: str, limit: int = 40) -> str:
    """A value from a link, for a message: quoted, cut short, and never read as markup."""
    text = " ".join(str(text).split())
    return f"“{plain(text[:limit])}{'…' if len(text) > limit else ''}”"


def code(text: str, limit: int = 60) -> str:
    """Text as a Markdown code span: shown exactly as it is, never as markup (a link, an image)."""
    text = " ".join(str(text).replace("`", "'").split())
    return f"`{text[:limit]}{'…' if len(text) > limit else ''}`"


_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain(text: str) -> str:
    """Text that Markdown shows as it is: every ASCII punctuation mark escaped, so no link, image,
    emphasis, icon or colour directive can be smuggled in (by a URL value, say)."""
    return _PUNCTUATION.sub(r"\\\1", str(text))


def query_values(start: dt.date, end: dt.date, selection: "Filters", grain: str = "month") -> dict:
    """The shared query parameters; a query binds only the ones it uses."""
    return {"start_date": start, "end_date": end, "regions": list(selection.regions),
            "segments": list(selection.segments), "channels": list(selection.channels),
            "grain": grain, "margin_pct": settings.get("margin")}


def default_values(info: dict) -> dict:
    """Query parameters of the default view (last 12 months, everything) for a warehouse."""
    return Filters().query_values(info["as_of"], info["data_start_on"])


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
        problems.append(f"{key}={quoted(values[-1])} is not a date (YYYY-MM-DD)")
        return None


# --- session state --------------------------------------------------------------------------

def current() -> Filters:
    """This session's filters. The URL wins on a session's first run and whenever it changed
    under us (the browser's Back and Forward, an edited link); otherwise the state wins."""
    shown = {k: st.query_params.get_all(k) for k in st.query_params if k in URL_KEYS}
    if STATE_KEY not in st.session_state or shown != st.session_state.get(SHOWN_KEY):
        st.session_state[STATE_KEY], st.session_state[PROBLEMS_KEY] = read_url(shown)
        st.session_state[SHOWN_KEY] = shown
        _reset_widgets()
    return st.session_state[STATE_KEY]


def update(**changes) -> None:
    """Change filters (from a widget callback or a chart click); the URL follows."""
    st.session_state[STATE_KEY] = replace(current(), **changes)
    st.session_state.pop(PROBLEMS_KEY, None)  # the view no longer is the link's
    _reset_widgets()
    sync_url()


def _reset_widgets() -> None:
    for name in [k for k in st.session_state if str(k).startswith(WIDGET_PREFIX)]:
        del st.session_state[name]  # widgets re-seed from the permanent state


def reset() -> None:
    update(**{f.name: f.default for f in fields(Filters)})


def sync_url() -> None:
    """Write the filters into the URL. Parameters that are not filters (a page's own, such as ?q=) are kept."""
    filters_url = current().to_url()
    # Only the filter keys are touched: a parameter bound to a widget (a page's open tab) may be
    # neither set nor cleared through st.query_params.
    for key in [k for k in st.query_params if k in URL_KEYS and k not in filters_url]:
        del st.query_params[key]
    # Written on every run: a page_link to the page already open hands its parameters to the
    # script but leaves the address bar as it was; the browser adds a history entry only when
    # the address bar really changes.
    st.query_params.update(filters_url)
    st.session_state[SHOWN_KEY] = filters_url


DRILL_PARAM = "drill"  # name of the Altair point selection that drill-down charts carry


def selected_values(event, field: str) -> list[str]:
    """Values of `field` picked in a chart selection event; [] when the selection was cleared.

    An event looks like {"selection": {"drill": [{"segment": "Household"}]}}, empty as {}.
    """
    points = ((event or {}).get("selection") or {}).get(DRILL_PARAM) or []
    return list(dict.fromkeys(p[field] for p in points if isinstance(p, dict) and p.get(field) is not None))


def apply_selection(chart_key: str, field: str) -> None:
    """on_select callback of a drill-down chart: the clicked segment/channel/region becomes the filter."""
    if values := selected_values(st.session_state.get(chart_key), field):
        update(**{FILTER_OF_FIELD[field]: tuple(values)})


FILTER_OF_FIELD = {key: name for name, key in LIST_FILTERS.items()}  # segment -> segments


def widget_key(name: str) -> str:
    """A throw-away widget key, seeded from the permanent state when missing."""
    key = WIDGET_PREFIX + name
    if key not in st.session_state:
        state = current()
        if name == "period_dates":
            st.session_state[key] = (state.start, state.end) if state.start else ()
        else:
            value = getattr(state, name)
            st.session_state[key] = list(value) if isinstance(value, tuple) else value
    return key
