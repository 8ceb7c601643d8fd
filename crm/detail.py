"""Segment and channel detail pages: one slice of the customer base next to the whole.

The slice is the page's single segment (or channel) filter, so a click on any breakdown chart
or a link such as ?segment=Household opens it. Every number comes from the same query files as
the Overview (`kpis`, `movements_monthly`, ...), run for the slice and for the whole (the same
filters without the slice's), so a slice always adds up to the whole the way the Overview does.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from crm import charts, customers, data, filters, kpis, metrics, ui
from crm.formatting import format_value
from crm.frame import Page
from crm.markup import plain

OTHER_FIELD = {"segment": "channel", "channel": "segment"}
PLURAL = {"segment": "segments", "channel": "channels"}
# A slice's counts and amounts add up to the whole: compare them by share. Rates and values
# per customer do not: compare them by index (whole = 100). NPS runs from -100 to 100, so a
# ratio means nothing; it gets neither.
SHARE = ("active_end_count", "new_count", "reactivated_count", "lost_count", "revenue_amount",
         "channel_cost_amount")
INDEX = ("churn_rate_pct", "arpa_amount")
NOT_SPLIT = {"segment": ("channel_cost_amount",)}  # costs are not split by segment (kpis.sql)


def show(page: Page, field: str) -> None:
    """The whole detail page for field = "segment" or "channel"."""
    value = _pick(page, field)
    if value is None:
        return
    name = PLURAL[field]
    whole = {**page.values, name: []}
    whole_label = f"All {name}"
    with st.spinner("Computing KPIs…"):
        now = page.run("kpis").iloc[0]
        before = page.run("kpis", previous=True).iloc[0]
        whole_now = data.run("kpis", whole).iloc[0]
        trend = kpis.per_month(data, "kpis", page.values, last=12)
        whole_trend = kpis.per_month(data, "kpis", whole, last=12)

    st.subheader(f"{value} next to {whole_label.lower()}")
    ui.kpi_tiles(page, kpis.HEADLINE, now, before, trend)
    ui.table(comparison(metrics.some(kpis.HEADLINE), now, whole_now, field, value, whole_label), file_name=f"{field}_{value}_kpis",
             key=f"{field}_comparison")
    st.caption(f"{whole_label} = the same period and other filters without the {field} filter. Share = {value} / "
               f"{whole_label.lower()}; index = {value}'s rate or value per customer / that of {whole_label.lower()} x 100."
               + (" Channel costs are not split by segment." if field == "segment" else
                  " New, lost and active customers count by the channel they were acquired through; revenue, "
                  "NPS and costs by the channel of the order, answer or cost."))

    _trends(trend, whole_trend, field, value, whole_label)
    _won_and_lost(page, field, value)
    _top_customers(page, field, value)
    _complaints_and_mix(page, field, value)


def _pick(page: Page, field: str) -> str | None:
    """The slice: the single value of the field's filter. A selector changes it (the URL follows);
    with none or several selected, the page asks for one."""
    name = PLURAL[field]
    selected = getattr(page.filters, name)
    options = data.filter_options().get(name, [])
    current = selected[0] if len(selected) == 1 else None  # the frame left out values the data does not hold
    key = f"detail_pick_{field}_{current}"  # a new key per slice: the selector follows the URL and Back
    st.pills(field.capitalize(), options, default=current, key=key, on_change=_on_pick, args=(field, key))
    if current is None:
        ask = f"Several {name} are selected ({plain(', '.join(selected))}): pick" if selected else "Pick"
        ui.empty(f"{ask} one {field} to see its detail, or click a {field} in any breakdown chart.")
    return current


def _on_pick(field: str, key: str) -> None:
    if picked := st.session_state.get(key):
        filters.update(**{PLURAL[field]: (picked,)})


def comparison(kpi_list, now: pd.Series, whole: pd.Series, field: str, value: str, whole_label: str) -> pd.DataFrame:
    """One row per KPI: the slice's value, the whole's, the share (counts, amounts) or index (rates)."""
    rows = []
    for kpi in kpi_list:
        mine, everyone = now[kpi.column], whole[kpi.column]
        defined = pd.notna(mine) and pd.notna(everyone) and everyone != 0
        share = kpi.column in SHARE and kpi.column not in NOT_SPLIT.get(field, ())
        rows.append({"measure": kpi.label, value: format_value(kpi.column, mine),
                     whole_label: format_value(kpi.column, everyone),
                     "share": format_value("share_pct", mine / everyone if defined and share else None),
                     "index": f"{100 * mine / everyone:.0f}" if defined and kpi.column in INDEX else "–"})
    return pd.DataFrame(rows)


TREND_KPIS = {  # KPI column -> what the trend chart shows
    "revenue_amount": "share", "active_end_count": "share", "new_count": "share", "lost_count": "share",
    "churn_rate_pct": "both", "arpa_amount": "both", "nps_score": "both",
}


def trend_frame(trend: pd.DataFrame, whole_trend: pd.DataFrame, column: str, value: str,
                whole_label: str) -> pd.DataFrame:
    """Month by month: the slice's share of the whole (counts, amounts), or the slice's and the
    whole's values side by side (rates, values per customer). Columns month, series, value."""
    months = trend["month"]
    if TREND_KPIS[column] == "share":
        share = trend[column] / whole_trend[column].where(whole_trend[column] != 0)
        return pd.DataFrame({"month": months, "series": value, "value": share.astype(float)})
    return pd.concat([pd.DataFrame({"month": months, "series": value, "value": trend[column].astype(float)}),
                      pd.DataFrame({"month": whole_trend["month"], "series": whole_label,
                                    "value": whole_trend[column].astype(float)})], ignore_index=True)


def _trends(trend, whole_trend, field: str, value: str, whole_label: str) -> None:
    labels = {k.column: k.label for k in metrics.some(kpis.HEADLINE)}
    with st.container(border=True):
        st.subheader("Trends against the whole")
        column = st.selectbox("Measure", list(TREND_KPIS), format_func=labels.get, key=f"detail_trend_{field}")
        frame = trend_frame(trend, whole_trend, column, value, whole_label)
        if TREND_KPIS[column] == "share":
            title, fmt, axis = f"Share of {whole_label.lower()}", ".1%", ".0%"
            caption = f"{value}'s share of the {labels[column].lower()} of {whole_label.lower()}, month by month."
        else:
            title, fmt, axis = labels[column], _tooltip_format(column), "~s" if column != "churn_rate_pct" else ".1%"
            caption = f"{labels[column]} of {value} and of {whole_label.lower()}, month by month."
        ui.chart(charts.versus_whole(frame, field=field, value=value, title=title, value_format=fmt,
                                     axis_format=axis))
        st.caption(caption + " The tiles' sparklines show the same months in absolute numbers.")


def _tooltip_format(column: str) -> str:
    return {"churn_rate_pct": ".2%", "arpa_amount": ",.2f", "nps_score": ",.1f"}.get(column, ",.0f")


def _won_and_lost(page: Page, field: str, value: str) -> None:
    with st.container(border=True):
        st.subheader(f"Customers won and lost: {value}")
        movements = page.run("movements_monthly")
        if ui.has_rows(movements, "No customer movements in the selected period."):
            ui.chart(charts.movements_per_month(movements))
        st.page_link(ui.CUSTOMERS_PAGE, label=f"The customers of {value}", icon=":material/groups:",
                     query_params=page.filters.to_url())


def _top_customers(page: Page, field: str, value: str) -> None:
    with st.container(border=True):
        st.subheader(f"Top customers by revenue: {value}")
        top = page.run("slice_top_customers", top_n=10)
        if top.empty:
            ui.empty("No orders in the selected period.")
            return
        ui.table(top, file_name=f"top_customers_{field}_{value}", key=f"{field}_top_customers")
        customers.profile_picker(page, top["customer_id"].tolist(), key=f"{field}_top_profile")


def _complaints_and_mix(page: Page, field: str, value: str) -> None:
    other = OTHER_FIELD[field]
    mix = kpis.per_value(data, "kpis", page.values, PLURAL[other], data.filter_options().get(PLURAL[other], []))
    left, middle, right = st.columns(3)
    with left.container(border=True):
        st.subheader("Complaints by category")
        complaints = page.run("complaints_by_category")
        if ui.has_rows(complaints, "No complaints received in the selected period."):
            ui.chart(charts.breakdown(complaints, "category", "received_count", title="Complaints received",
                                      drill=False))
    with middle.container(border=True):
        st.subheader(f"Revenue by {other}")
        ui.chart(charts.breakdown(mix, other, "revenue_amount", title="Revenue", value_format=",.2f"),
                 key=f"{field}_mix_revenue", drill=other)
    with right.container(border=True):
        st.subheader(f"New customers by {other}")
        ui.chart(charts.breakdown(mix, other, "new_count", title="New customers"),
                 key=f"{field}_mix_new", drill=other)
