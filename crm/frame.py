"""The shared page frame: every page's first call.

It sets the page config, makes sure a warehouse exists, draws the navigation (links carry
the filters along) and the global filters, keeps the URL in step, and returns a Page with
the resolved period and the query parameter values.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from crm import data, filters
from crm.filters import LIST_FILTERS, PERIODS, Filters

# (script path relative to dashboard.py, label, icon). Classic pages/ mode, auto nav hidden.
PAGES = [
    ("dashboard.py", "Overview", ":material/dashboard:"),
    ("pages/7_Query_library.py", "Query library", ":material/library_books:"),
    ("pages/9_Definitions.py", "Definitions", ":material/menu_book:"),
]
FILTER_LABELS = {"regions": "Regions", "segments": "Segments", "channels": "Channels"}


@dataclass(frozen=True)
class Page:
    filters: Filters
    start: dt.date
    end: dt.date
    as_of: dt.date
    info: dict

    @property
    def values(self) -> dict:
        """Shared query parameters for the selected period and filters."""
        return filters.query_values(self.start, self.end, self.filters)

    @property
    def previous_values(self) -> dict:
        start, end = filters.previous_period(self.start, self.end)
        return filters.query_values(start, end, self.filters)

    def run(self, query_id: str, previous: bool = False, **overrides) -> pd.DataFrame:
        """Run a query file for this page's filters; overrides set other parameters, e.g. grain="week"."""
        return data.run(query_id, {**(self.previous_values if previous else self.values), **overrides})


def frame(title: str, icon: str = ":material/monitoring:") -> Page:
    st.set_page_config(page_title=f"{title} · CRM dashboard", page_icon=icon, layout="wide")
    info = data.info()
    as_of, data_start = info["as_of"], info["data_start_on"]
    state = filters.current()
    start, end = state.dates(as_of, data_start)
    with st.sidebar:
        _navigation(state)
        _filter_widgets(state, as_of, data_start)
    filters.sync_url()
    st.title(title)
    source = "demo data" if info["source"] == "demo" else f"source: {info['source']}"
    st.caption(f"**{start:%d %b %Y} – {end:%d %b %Y}** ({PERIODS[state.period].lower()}) · "
               f"data as of **{as_of:%d %b %Y}** · {source}{_filter_summary(state)}")
    return Page(filters=state, start=start, end=end, as_of=as_of, info=info)


def _navigation(state: Filters) -> None:
    st.markdown("### CRM dashboard")
    for path, label, icon in PAGES:
        st.page_link(path, label=label, icon=icon, query_params=state.to_url())
    st.divider()


def _filter_widgets(state: Filters, as_of: dt.date, data_start: dt.date) -> None:
    st.markdown("**Filters**")
    st.selectbox("Period", list(PERIODS), format_func=PERIODS.get, key=filters.widget_key("period"),
                 on_change=_on_period_change,
                 help="Periods end on the as-of date (the latest date in the data), not today.")
    if state.period == "custom":
        # A shared link may ask for dates outside the data: widen the picker rather than fail.
        st.date_input("From – to", key=filters.widget_key("period_dates"), min_value=min(data_start, state.start),
                      max_value=max(as_of, state.end), on_change=_on_dates_change)
    options = data.filter_options()
    for name, label in FILTER_LABELS.items():
        key = filters.widget_key(name)
        st.session_state[key] = [v for v in st.session_state[key] if v in options.get(name, [])]
        st.multiselect(label, options.get(name, []), key=key, placeholder="All",
                       on_change=_on_list_change, args=(name,))
    st.button("Reset filters", on_click=filters.reset, disabled=state.is_default, icon=":material/restart_alt:")


def _on_period_change() -> None:
    period = st.session_state[filters.WIDGET_PREFIX + "period"]
    if period == "custom":
        info = data.info()
        start, end = filters.current().dates(info["as_of"], info["data_start_on"])
        filters.update(period=period, start=start, end=end)
    else:
        filters.update(period=period, start=None, end=None)


def _on_dates_change() -> None:
    picked = st.session_state[filters.WIDGET_PREFIX + "period_dates"]
    if len(picked) == 2:  # the picker reports one date while the user is still choosing
        filters.update(start=picked[0], end=picked[1])


def _on_list_change(name: str) -> None:
    filters.update(**{name: tuple(st.session_state[filters.WIDGET_PREFIX + name])})


def _filter_summary(state: Filters) -> str:
    parts = [f"{FILTER_LABELS[name].lower()}: {', '.join(values)}"
             for name in LIST_FILTERS if (values := getattr(state, name))]
    return " · " + " · ".join(parts) if parts else ""
