"""The shared page frame: every page's first call.

It sets the page config, makes sure a warehouse exists, draws the navigation (links carry
the filters along) and the global filters, keeps the URL in step, and returns a Page with
the resolved period and the query parameter values.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets
import sys
from dataclasses import dataclass
from typing import Callable

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from crm import access, data, filters, parameters, settings
from crm.markup import plain
from crm.periods import COMPARISONS, DEFAULT_COMPARE, LIST_FILTERS, PERIODS, Filters, previous_period, \
    unknown_values, within_data
from crm.site import PAGES, page_id

log = logging.getLogger(__name__)
SECTION_PARAM = "tab"
VIEW_AS_WIDGET = "_view_as_widget"  # URL parameter naming the open tab of a page with sections
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
        return parameters.values(self.start, self.end, self.filters)

    @property
    def previous_values(self) -> dict:
        start, end = previous_period(self.start, self.end, self.filters.compare)
        return parameters.values(start, end, self.filters)

    def run(self, query_id: str, previous: bool = False, **overrides) -> pd.DataFrame:
        """Run a query file for this page's filters; overrides set other parameters, e.g. grain="week"."""
        return data.run(query_id, {**(self.previous_values if previous else self.values), **overrides})

    @staticmethod
    def sections(sections: dict[str, Callable[[], None]]) -> None:
        """Tabs, each drawn by its function. Only the open tab runs (its queries too), so a page
        with heavy analyses opens fast; the open tab is in the URL (?tab=...), so links keep it."""
        tabs = st.tabs(list(sections), key=SECTION_PARAM, bind="query-params")
        for tab, draw in zip(tabs, sections.values()):
            if tab.open:
                with tab:
                    draw()


def frame(title: str, icon: str = ":material/monitoring:") -> Page:
    """Every page's first call: config, who may see what, navigation, filters, the header."""
    st.set_page_config(page_title=f"{title} · CRM dashboard", page_icon=icon, layout="wide")
    this_page = page_id(sys._getframe(1).f_code.co_filename)  # the page file that called frame()
    _report_errors_with_a_reference()
    scope = _signed_in_scope()
    data.ensure_warehouse()
    info = data.info()
    as_of, data_start = info["as_of"], info["data_start_on"]
    state = _checked_state(as_of, data_start)
    start, end = state.dates(as_of, data_start)
    with st.sidebar:
        _navigation(state, scope)
        _filter_widgets(state, scope, as_of, data_start)
        _identity(scope)
    filters.sync_url()
    if not scope.may_open(this_page):
        st.error(f"Your role ({scope.role_label}) may not open this page.", icon=":material/lock:")
        st.stop()
    access.log_view(scope, this_page, state.to_url())
    st.title(title)
    source = "demo data" if info["source"] == "demo" else f"source: {info['source']}"
    scope_note = "" if scope.regions is None else \
        f" · **{plain(', '.join(scope.clamp_regions(state.regions)))} only** (the regions your role sees)"
    st.caption(f"**{start:%d %b %Y} – {end:%d %b %Y}** ({PERIODS[state.period].lower()}) · "
               f"data as of **{as_of:%d %b %Y}** · {source}{scope_note}")
    _link_problems()
    _chips(state, scope)
    return Page(filters=state, start=start, end=end, as_of=as_of, info=info)


def _checked_state(as_of: dt.date, data_start: dt.date) -> Filters:
    """This session's filters, with a link's custom period clamped to the data and its unknown
    segment, channel and region values left out (each noted for _link_problems)."""
    state = filters.current()
    checked, problems = within_data(state, data_start, as_of)
    checked, unknown = unknown_values(checked, data.filter_options())
    if checked != state:
        from_the_url = st.session_state.get(filters.PROBLEMS_KEY, [])  # update() forgets them
        filters.update(**{name: getattr(checked, name) for name in ("period", "start", "end", *LIST_FILTERS)})
        st.session_state[filters.PROBLEMS_KEY] = [*from_the_url, *problems, *unknown]
    return checked


def _link_problems() -> None:
    """What was wrong with the link this view was opened from, until the filters change."""
    for problem in st.session_state.get(filters.PROBLEMS_KEY, []):
        st.warning(f"The link's {problem}.", icon=":material/link_off:")


def _report_errors_with_a_reference() -> None:
    """An error in a page shows a short message with a reference, never a traceback or a server
    path; the details go to the server log under that reference."""
    context = get_script_run_ctx()
    if context is not None:
        context.on_script_error = _error_with_reference


def _error_with_reference(error: Exception) -> bool:
    if settings.get("show_error_details"):
        return False  # development and tests: Streamlit shows the exception itself
    reference = secrets.token_hex(4)
    log.error("page error, reference %s", reference, exc_info=error)
    st.error(f"Something went wrong on this page. It was logged with the reference **{reference}**; "
             "please quote it to your administrator. Other pages and filters still work.",
             icon=":material/error:")
    return True  # Streamlit shows nothing more


def _signed_in_scope() -> access.Scope:
    """The user's scope; stops the page with a sign-in button or a clear refusal otherwise."""
    scope = access.current()
    if scope is not None:
        return scope
    if not st.user.get("is_logged_in"):
        st.title("CRM dashboard")
        st.info("Sign in to see the dashboard.", icon=":material/login:")
        st.button("Sign in", on_click=st.login, type="primary")
    else:
        st.error(f"{plain(st.user.get('email'))} has no role in this dashboard; ask an admin to add you to the roles file.",
                 icon=":material/lock:")
        st.button("Sign out", on_click=st.logout)
    st.stop()


def _navigation(state: Filters, scope: access.Scope) -> None:
    st.markdown("### CRM dashboard")
    for path, label, icon in PAGES:
        if scope.may_open(page_id(path)):  # pages a role may not open are not even listed
            st.page_link(path, label=label, icon=icon, query_params=_links_params(state, scope))
    st.divider()


def _identity(scope: access.Scope) -> None:
    st.divider()
    if access.auth_configured():
        st.caption(f"Signed in as **{scope.user}** · {scope.description}")
        st.button("Sign out", on_click=st.logout, icon=":material/logout:")
        return
    users = access.demo_users()
    st.session_state[VIEW_AS_WIDGET] = scope.user  # a throw-away key: classic pages reset a widget's own
    st.selectbox("View as (demo mode)", users, key=VIEW_AS_WIDGET, on_change=_on_view_as,
                 format_func=lambda u: f"{u} · {access.scope_for(access.roles(), u).description}",
                 help="Demo mode: there is no sign-in ([auth] is not configured in .streamlit/secrets.toml). "
                      "Pick a user from the roles file to see what their role may see.")


def _on_view_as() -> None:
    user = st.session_state[VIEW_AS_WIDGET]
    st.session_state[access.VIEW_AS_KEY] = user
    st.query_params[access.VIEW_AS_PARAM] = user


def _links_params(state: Filters, scope: access.Scope) -> dict:
    """What a link to another page carries: the filters, and in demo mode the user viewed as."""
    return {**state.to_url(), **({} if access.auth_configured() else {access.VIEW_AS_PARAM: [scope.user]})}


def _chips(state: Filters, scope: access.Scope) -> None:
    """The active drill path as removable chips, and a note when the URL asks for regions the user may not see."""
    chips = [(name, value) for name in LIST_FILTERS for value in getattr(state, name)]
    if chips:
        with st.container(horizontal=True):
            for name, value in chips:
                st.button(f"{FILTER_LABELS[name][:-1]}: {plain(value)}", key=f"chip_{name}_{value}",
                          icon=":material/close:",
                          on_click=_remove_value, args=(name, value), help="Remove this filter")
    hidden = [r for r in state.regions if scope.regions is not None and r not in scope.regions]
    if hidden:
        st.warning(f"{plain(', '.join(hidden))} is outside the regions you may see; showing "
                   f"{plain(', '.join(scope.clamp_regions(state.regions)))}.", icon=":material/lock:")


def _filter_widgets(state: Filters, scope: access.Scope, as_of: dt.date, data_start: dt.date) -> None:
    st.markdown("**Filters**")
    st.selectbox("Period", list(PERIODS), format_func=PERIODS.get, key=filters.widget_key("period"),
                 on_change=_on_period_change,
                 help="Periods end on the as-of date (the latest date in the data), not today.")
    if state.period == "custom":
        # A shared link may ask for dates outside the data: widen the picker rather than fail.
        st.date_input("From – to", key=filters.widget_key("period_dates"), min_value=min(data_start, state.start),
                      max_value=max(as_of, state.end), on_change=_on_dates_change)
    options = data.filter_options()
    options["regions"] = scope.clamp_regions(options["regions"]) if scope.regions is not None else options["regions"]
    for name, label in FILTER_LABELS.items():
        key = filters.widget_key(name)
        st.session_state[key] = [v for v in st.session_state[key] if v in options.get(name, [])]
        st.multiselect(label, options.get(name, []), key=key, placeholder="All",
                       on_change=_on_list_change, args=(name,))
    st.segmented_control("Compare with", list(COMPARISONS), format_func=COMPARISONS.get,
                         key=filters.widget_key("compare"), on_change=_on_compare_change, required=True,
                         help="What the changes on the KPI tiles are measured against.")
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


def _on_compare_change() -> None:
    filters.update(compare=st.session_state[filters.WIDGET_PREFIX + "compare"] or DEFAULT_COMPARE)


def _remove_value(name: str, value: str) -> None:
    filters.update(**{name: tuple(v for v in getattr(filters.current(), name) if v != value)})
