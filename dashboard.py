"""Overview: how the customer base is doing, at a glance."""
import streamlit as st

from crm import charts, data, kpis, settings
from crm.formatting import format_change, format_value
from crm.frame import frame

page = frame("Overview")

with st.spinner("Computing KPIs…"):
    now = page.run("kpis").iloc[0]
    before = page.run("kpis", previous=True).iloc[0]
    trend = kpis.series(data.run, page.values)

for row in (kpis.HEADLINE[:5], kpis.HEADLINE[5:]):
    for column, kpi in zip(st.columns(5), row):
        column.metric(
            kpi.label, format_value(kpi.column, now[kpi.column], short=True),
            delta=format_change(kpi.column, now[kpi.column], before[kpi.column]),
            delta_color="inverse" if kpi.lower_is_better else "normal",
            help=f"{kpi.definition}\n\nPrevious period: {format_value(kpi.column, before[kpi.column])}",
            chart_data=trend[kpi.column].astype(float).dropna().tolist(), border=True,  # no fake zeros
        )

previous_start, previous_end = page.previous_values["start_date"], page.previous_values["end_date"]
st.caption(f"Changes compare with the previous period of equal length, {previous_start:%d %b %Y} – "
           f"{previous_end:%d %b %Y}; sparklines show the last 12 months of the period, month by month.")

movements = page.run("movements_monthly")
if movements.empty:
    st.info(f"There is no data in the selected period. The data runs from {page.info['data_start_on']:%d %b %Y} "
            f"to {page.as_of:%d %b %Y}: choose another period in the sidebar.", icon=":material/event_busy:")
    st.stop()

left, right = st.columns([3, 2])
with left.container(border=True):
    st.subheader("New vs lost customers per month")
    st.altair_chart(charts.movements_per_month(movements))
with right.container(border=True):
    st.subheader("Customer bridge")
    st.altair_chart(charts.bridge(int(now.active_start_count), int(now.new_count),
                                  int(now.reactivated_count), int(now.lost_count)))
    st.caption(f"Active at start {format_value('active_start_count', now.active_start_count)} + new "
               f"{format_value('new_count', now.new_count)} + reactivated "
               f"{format_value('reactivated_count', now.reactivated_count)} − lost "
               f"{format_value('lost_count', now.lost_count)} = active at end "
               f"{format_value('active_end_count', now.active_end_count)}")

with st.container(border=True):
    st.subheader("Revenue per month")
    st.altair_chart(charts.monthly_line(page.run("revenue_monthly"), "revenue_amount",
                                        title=f"Revenue ({settings.get('currency')})", value_format=",.2f"))
