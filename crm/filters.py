"""The global filters and the one place that owns their cross-page state.

Filters live under a permanent session key, are seeded from the URL on a session's first
run, written back to the URL when they change, and passed on by every navigation link, so
a shared link shows the very same view. Widgets use throw-away keys and copy their value
into the permanent state in on_change (classic multipage mode resets widget keys).
"""
from __future__ import annotations

from dataclasses import fields, replace

import streamlit as st


from crm.periods import LIST_FILTERS, Filters, read_url

URL_KEYS = {"period", "start", "end", "compare", *LIST_FILTERS.values()}
STATE_KEY = "crm_filters"
SHOWN_KEY = "crm_filters_in_url"  # the filter part of the URL as we last wrote or read it
PROBLEMS_KEY = "crm_filters_url_problems"  # what was wrong with the link this view was opened from
WIDGET_PREFIX = "_filter_widget_"


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
