"""Overview: how the customer base is doing, at a glance."""
import streamlit as st

from crm import charts, data, kpis, settings, ui
from crm.formatting import format_value
from crm.frame import frame

page = frame("Overview")

with st.spinner("Computing KPIs…"):
    now = page.run("kpis").iloc[0]
    before = page.run("kpis", previous=True).iloc[0]
    trend = kpis.per_month(data, "kpis", page.values, last=12)

ui.kpi_tiles(page, kpis.HEADLINE, now, before, trend)

previous_start, previous_end = page.previous_values["start_date"], page.previous_values["end_date"]
st.caption(f"Changes compare with the {'same period a year earlier' if page.filters.compare == 'year' else 'previous period of equal length'}, "
           f"{previous_start:%d %b %Y} – {previous_end:%d %b %Y}; sparklines show the last 12 months of the period.")

movements = page.run("movements_monthly")
if movements.empty:
    ui.empty(f"There is no data in the selected period. The data runs from {page.info['data_start_on']:%d %b %Y} "
             f"to {page.as_of:%d %b %Y}: choose another period in the sidebar.")
    st.stop()

left, right = st.columns([3, 2])
with left.container(border=True):
    st.subheader("New vs lost customers per month")
    ui.chart(charts.movements_per_month(movements))
with right.container(border=True):
    st.subheader("Customer bridge")
    ui.chart(charts.bridge(int(now.active_start_count), int(now.new_count),
                           int(now.reactivated_count), int(now.lost_count)))
    st.caption(f"Active at start {format_value('active_start_count', now.active_start_count)} + new "
               f"{format_value('new_count', now.new_count)} + reactivated "
               f"{format_value('reactivated_count', now.reactivated_count)} − lost "
               f"{format_value('lost_count', now.lost_count)} = active at end "
               f"{format_value('active_end_count', now.active_end_count)}")

by_segment = kpis.per_value(data, "kpis", page.values, "segments", data.filter_options()["segments"])
by_channel = kpis.per_value(data, "kpis", page.values, "channels", data.filter_options()["channels"])
left, right = st.columns(2)
with left.container(border=True):
    st.subheader("Revenue by segment")
    ui.chart(charts.breakdown(by_segment, "segment", "revenue_amount", title="Revenue", value_format=",.2f"),
             key="overview_segments", drill="segment")
with right.container(border=True):
    st.subheader("New customers by channel")
    ui.chart(charts.breakdown(by_channel, "channel", "new_count", title="New customers"),
             key="overview_channels", drill="channel")

with st.container(border=True):
    st.subheader("Revenue per month")
    ui.chart(charts.monthly_line(page.run("revenue_monthly"), "revenue_amount",
                                 title=f"Revenue ({settings.get('currency')})", value_format=",.2f"))
