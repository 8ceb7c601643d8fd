"""Service quality: complaints against the service levels, satisfaction, and staff training."""
import streamlit as st

from crm import charts, data, kpis, ui
from crm.frame import frame
from crm.periods import COMPARISONS

page = frame("Service quality", ":material/support_agent:")

COMPLAINTS, SATISFACTION, TRAINING = "complaints_summary", "satisfaction_summary", "training_summary"
COMPLAINT_TILES = ["complaints_received", "answered", "resolved", "rewarded", "open_at_period_end"]
TIME_TILES = ["first_response_median", "first_response_90th_pct", "answered_within_level", "resolution_median",
              "resolution_90th_pct", "resolved_within_level"]
SATISFACTION_TILES = ["survey_nps", "nps_answers", "csat", "csat_answers"]
TRAINING_TILES = ["staff_trained_in_crm", "customer_facing_staff", "training_per_employee", "training_hours"]
options = data.filter_options()

st.header("Complaints")
with st.spinner("Counting complaints…"):
    complaints = page.run(COMPLAINTS).iloc[0]
    complaints_before = page.run(COMPLAINTS, previous=True).iloc[0]
    monthly = kpis.per_month(data, COMPLAINTS, page.values)
ui.kpi_tiles(page, COMPLAINT_TILES, complaints, complaints_before, monthly.tail(12), per_row=5)
ui.kpi_tiles(page, TIME_TILES, complaints, complaints_before, monthly.tail(12), per_row=3)
response_level, resolution_level = complaints.response_within_hours, complaints.resolution_within_days
st.caption(f"Service levels: first response within **{response_level:.0f} hours**, resolution within "
           f"**{resolution_level:.0f} days** of receipt (set in `queries/service/complaints_summary.sql`). Counts "
           "are of the complaints received in the period, in their state on the as-of date; changes compare with "
           f"the {COMPARISONS[page.filters.compare].lower()}.")

if complaints.received_count == 0:
    ui.empty("No complaints were received in the selected period and filters.")
else:
    by_channel = kpis.per_value(data, COMPLAINTS, page.values, "channels", options["channels"])
    left, right = st.columns(2)
    with left.container(border=True):
        st.subheader("By category")
        ui.chart(charts.complaint_states(page.run("complaints_by_category"), "category"))
    with right.container(border=True):
        st.subheader("By channel")
        ui.chart(charts.complaint_states(by_channel[by_channel.received_count > 0], "channel", drill=True),
                 key="service_complaint_channels", drill="channel")
    left, right = st.columns(2)
    with left.container(border=True):
        st.subheader("First response time")
        ui.chart(charts.against_level(
            monthly, {"first_response_median_hours": "Median", "first_response_p90_hours": "90th percentile"},
            response_level, title="Hours", level_label=f"service level {response_level:.0f} h"))
    with right.container(border=True):
        st.subheader("Resolution time")
        ui.chart(charts.against_level(
            monthly, {"resolution_median_days": "Median", "resolution_p90_days": "90th percentile"},
            resolution_level, title="Days", level_label=f"service level {resolution_level:.0f} days"))
    with st.container(border=True):
        st.subheader("Backlog")
        ui.chart(charts.backlog(monthly))
        st.caption("Bars: complaints received in the month. Line: complaints open (not resolved) at the month's end, "
                   "whenever they were received.")

st.header("Satisfaction")
satisfaction = page.run(SATISFACTION).iloc[0]
satisfaction_before = page.run(SATISFACTION, previous=True).iloc[0]
surveys = kpis.per_month(data, SATISFACTION, page.values)
ui.kpi_tiles(page, SATISFACTION_TILES, satisfaction, satisfaction_before, surveys.tail(12), per_row=4)
if satisfaction.nps_responses_count + satisfaction.csat_responses_count == 0:
    ui.empty("No survey answers in the selected period and filters.")
else:
    left, right = st.columns(2)
    with left.container(border=True):
        st.subheader("NPS per month")
        ui.chart(charts.monthly_score(surveys, "nps_score", "nps_responses_count", title="NPS"))
    with right.container(border=True):
        st.subheader("CSAT per month")
        ui.chart(charts.monthly_score(surveys, "csat_score", "csat_responses_count", title="CSAT (1–5)"))
    by_segment = kpis.per_value(data, SATISFACTION, page.values, "segments", options["segments"])
    by_channel = kpis.per_value(data, SATISFACTION, page.values, "channels", options["channels"])
    by_channel = by_channel[by_channel.nps_responses_count + by_channel.csat_responses_count > 0]
    for field, frame_ in (("segment", by_segment), ("channel", by_channel)):
        left, right = st.columns(2)
        with left.container(border=True):
            st.subheader(f"NPS by {field}")
            ui.chart(charts.breakdown_with_count(frame_, field, "nps_score", "nps_responses_count", title="NPS"),
                     key=f"service_nps_{field}", drill=field)
        with right.container(border=True):
            st.subheader(f"CSAT by {field}")
            ui.chart(charts.breakdown_with_count(frame_, field, "csat_score", "csat_responses_count", title="CSAT",
                                                 value_format=".2f"),
                     key=f"service_csat_{field}", drill=field)
    st.caption("Hover a bar for the number of answers behind it. A survey's channel is its own, else the channel "
               "the customer was acquired through.")

st.header("Staff training")
training = page.run(TRAINING).iloc[0]
training_before = page.run(TRAINING, previous=True).iloc[0]
training_trend = kpis.per_month(data, TRAINING, page.values, last=12)
ui.kpi_tiles(page, TRAINING_TILES, training, training_before, training_trend, per_row=4)
regions = data.breakdown_regions(page.values["regions"])  # a restricted manager: their regions only
by_region = kpis.per_value(data, TRAINING, {**page.values, "regions": regions}, "regions", regions)
with st.container(border=True):
    st.subheader("Customer-facing staff trained in CRM, by region")
    ui.chart(charts.breakdown_with_count(by_region[by_region.customer_facing_count > 0], "region", "trained_share_pct",
                                         "customer_facing_count", title="Trained share", value_format=".1%",
                                         axis_format="%"),
             key="service_training_regions", drill="region")
st.caption("Staff and training follow the region filter only: staff have no segment or channel, so the segment "
           "and channel filters do not apply to this section.")
