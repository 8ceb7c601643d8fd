"""Acquisition & loss: customers won and lost, who they are, why they leave, who comes back."""
import streamlit as st

from crm import charts, ui
from crm.charts import MOVEMENT_COLORS
from crm.frame import frame

page = frame("Acquisition & loss", ":material/swap_vert:")

GRAINS = {"week": "Week", "month": "Month", "quarter": "Quarter", "year": "Year"}
NO_CUSTOMERS = "No customers match the selected period and filters."


def nothing_in(frame, *columns) -> bool:
    """True when a result has no rows or only zeros in the given columns: show an empty state."""
    return frame.empty or not frame[list(columns)].fillna(0).to_numpy().any()


ui.metric_tiles(page, ["new_customers", "reactivated", "lost_customers", "churn_rate"], per_row=4)


def won_and_lost():
    """Customers won, won back and lost over time and by segment, channel and region; why they left."""
    with st.container(border=True):
        st.subheader("New, reactivated and lost customers")
        grain = st.segmented_control("Per", list(GRAINS), format_func=GRAINS.get, default="month", required=True,
                                     key="acquisition_grain")
        movements = page.run("movements_by_period", grain=grain)
        if nothing_in(movements, "new_count", "reactivated_count", "lost_count"):
            ui.empty("No customer was won, won back or lost in the selected period and filters.")
        else:
            ui.chart(charts.movements_per_period(movements, grain))
            st.caption("Bars: new and reactivated customers above the line, lost below; the black line is the net "
                       "change. Always: active at the end = active at the start + net change.")

    with st.container(border=True):
        st.subheader("Monthly churn rate against its target")
        churn = page.run("churn_vs_target")
        if nothing_in(churn, "active_start_count"):
            ui.empty("No customers were active at the start of any month of the selection: churn is not defined.")
        else:
            ui.chart(charts.churn_against_target(churn))
            st.caption("Churn of a month = customers active when it began who were lost in it / those active when it "
                       "began. The target and red flag are the year's monthly churn goals in the targets table.")

    with st.container(border=True):
        st.subheader("New and lost customers by segment, channel and region")
        by_dimension = page.run("movements_by_dimension")
        for column, field in zip(st.columns(3), ("segment", "channel", "region")):
            with column:
                part = by_dimension[by_dimension["dimension"] == field].rename(columns={"value": field})
                if nothing_in(part, "new_count", "lost_count"):
                    ui.empty(NO_CUSTOMERS)
                    continue
                ui.chart(charts.grouped_bars(part, field, {"new_count": "New", "lost_count": "Lost"}, MOVEMENT_COLORS,
                                             title="Customers"), key=f"acquisition_by_{field}", drill=field)
        st.caption("Channel = the channel the customer was acquired through.")

    left, right = st.columns(2)
    with left.container(border=True):
        st.subheader("Customers won and lost per year")
        by_year = page.run("movements_by_year")
        if ui.has_rows(by_year, NO_CUSTOMERS):
            ui.table(by_year, file_name="movements_by_year", key="movements_by_year")
            st.caption("Per segment. Years are clipped to the selected period: choose *All time* in the sidebar to "
                       "see every year.")
    with right.container(border=True):
        st.subheader("Why customers leave")
        reasons = page.run("loss_reasons")
        if ui.has_rows(reasons, "No customer was lost in the selected period and filters."):
            ui.chart(charts.pareto_bars(reasons, "reason", "lost_count", "cumulative_share_pct",
                                        title="Lost customers"))
            st.caption("Reasons ranked by lost customers; the line is their cumulative share (dashed: 80 %). "
                       "*Inactive* = the spell ended by the inactivity window.")


def win_backs_and_leads():
    """Lost customers who came back, and leads converted into customers."""
    with st.container(border=True):
        st.subheader("Win-backs: lost customers who came back")
        by_channel = page.run("win_backs_by_channel")
        if ui.has_rows(by_channel, "No lost customer came back in the selected period and filters."):
            left, middle, right = st.columns(3)
            with left:
                ui.chart(charts.breakdown(by_channel, "channel", "win_backs_count", title="Win-backs"),
                         key="acquisition_win_backs", drill="channel")
            with middle:
                ui.chart(charts.time_away_bars(page.run("win_backs_by_time_away")))
            with right:
                ui.table(by_channel, file_name="win_backs_by_channel", key="win_backs_by_channel")
            st.caption("Channel = the channel of the order that brought the customer back; time away = from the end "
                       "of the previous spell to the return.")

    with st.container(border=True):
        st.subheader("Lead conversion by channel (attract)")
        leads = page.run("lead_conversion")
        if ui.has_rows(leads, "No lead was contacted in the selected period and filters."):
            left, right = st.columns(2)
            with left:
                ui.chart(charts.grouped_bars(leads, "channel",
                                             {"leads_count": "Contacted", "converted_count": "Converted"},
                                             {"Contacted": "#9aa5b1", "Converted": "#2e7d32"}, title="Leads"),
                         key="acquisition_leads", drill="channel")
            with right:
                ui.table(leads, file_name="lead_conversion", key="lead_conversion")
            st.caption("Leads contacted in the period and converted into customers by its end; leads contacted near "
                       "the end have had little time to convert. Channel = the channel the lead was contacted through.")


def valuable_lost():
    """The most valuable customers lost in the period."""
    with st.container(border=True):
        st.subheader("Most valuable customers lost")
        lost = page.run("valuable_lost_customers")
        if ui.has_rows(lost, "No customer was lost in the selected period and filters."):
            ui.table(lost, file_name="valuable_lost_customers", key="valuable_lost_customers")
            st.caption("The 25 customers lost in the period with the highest lifetime revenue (all their orders up to "
                       "the end of the period). Tenure = days from acquisition to the loss.")


page.sections({
    "Won and lost": won_and_lost,
    "Win-backs and leads": win_backs_and_leads,
    "Most valuable customers lost": valuable_lost,
})
