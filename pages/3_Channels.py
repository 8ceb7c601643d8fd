"""Channels: what each contact channel costs, brings and serves."""
import streamlit as st

from crm import charts, settings, ui
from crm.formatting import format_value
from crm.frame import frame

page = frame("Channels", ":material/hub:")

NOT_DEFINED = "not defined: no new customers"
TILES = ["channels_cost", "cost_per_interaction", "channels_new_customers", "cac"]
MATRIX_MEASURES = {"interactions_count": "Interactions", "customers_count": "Customers", "revenue_amount": "Revenue"}
CONTACT_GROUPS = ["Single channel", "Multi-channel", "No contact"]
MATRIX_FORMATS = {"interactions_count": ",.0f", "customers_count": ",.0f", "revenue_amount": ",.2f"}
margin = format_value("margin_pct", settings.get("margin"))
currency = settings.get("currency")

economics = page.run("channel_economics")
if economics.empty:
    ui.empty(f"There is no channel data in the selected period. The data runs from "
             f"{page.info['data_start_on']:%d %b %Y} to {page.as_of:%d %b %Y}: choose another period in the sidebar.")
    st.stop()

totals = page.run("channel_totals").iloc[0]
ui.kpi_tiles(page, TILES, totals, page.run("channel_totals", previous=True).iloc[0])
if page.filters.segments:
    st.info("Costs are not split by segment: costs, cost per interaction, CAC, payback and lifetime value cover "
            "every segment. Channels and segments, channel conflict and profitability follow the segment filter.",
            icon=":material/info:")


def costs():
    """Cost per channel and month, what each channel brings for it, cost per interaction."""
    monthly = page.run("channel_monthly")
    left, right = st.columns([3, 2])
    with left.container(border=True):
        st.subheader("Cost per channel per month")
        ui.chart(charts.cost_per_month(monthly), key="channels_cost_month", drill="channel")
    with right.container(border=True):
        st.subheader("Share of cost vs what it brings")
        ui.chart(charts.cost_share_comparison(economics), key="channels_shares", drill="channel")
        st.caption("Bars: each channel's share of the cost; marks: its share of interactions, new customers and "
                   "revenue.")

    left, right = st.columns([3, 2])
    with left.container(border=True):
        st.subheader("Cost per interaction per month")
        ui.chart(charts.channel_trend(monthly, "cost_per_interaction_amount",
                                      title=f"Cost per interaction ({currency})"),
                 key="channels_cpi_month", drill="channel")
    with right.container(border=True):
        st.subheader("Cost per interaction")
        ui.chart(charts.breakdown(economics, "channel", "cost_per_interaction_amount",
                                  title="Service cost / interaction", value_format=",.2f"),
                 key="channels_cpi", drill="channel")
    st.subheader("Channel economics")
    ui.table(economics, file_name="channel_economics", key="channels_economics")
    st.caption(f"Costs in the period, a month's cost spread evenly over its days. An empty CAC is {NOT_DEFINED}. "
               "Costs are not split by segment, so this table covers every segment.")


def acquisition():
    """CAC, payback and lifetime value per channel of acquisition."""
    ltv = page.run("channel_ltv")
    left, middle, right = st.columns(3)
    for column, value, title, fmt, key in [
        (left, "cac_amount", "CAC", ",.2f", "channels_cac"),
        (middle, "payback_months", "Payback (months)", ",.1f", "channels_payback"),
        (right, "lifetime_value_to_cac", "Lifetime value / CAC", ",.2f", "channels_ltv_cac"),
    ]:
        with column.container(border=True):
            st.subheader(title)
            ui.chart(charts.breakdown_with_gaps(ltv, "channel", value, title=title, value_format=fmt), key=key,
                     drill="channel")
    if undefined := list(ltv.loc[ltv["cac_amount"].isna(), "channel"]):
        st.caption(f"CAC {NOT_DEFINED} in the period for {', '.join(undefined)}; payback and lifetime value "
                   f"to CAC are not defined either.")
    st.caption(f"Payback months = CAC / (monthly ARPA × margin); lifetime value = monthly ARPA × margin / monthly "
               f"churn, both over the 6 months ending on {page.end:%d %b %Y}, for the customers acquired through "
               f"each channel. Margin {margin} (the `margin` setting, `CRM_MARGIN`).")
    with st.container(border=True):
        st.subheader("CAC per month")
        ui.chart(charts.channel_trend(page.run("channel_monthly"), "cac_amount", title=f"CAC ({currency})"),
                 key="channels_cac_month", drill="channel")
        st.caption(f"Months without new customers through a channel leave a gap ({NOT_DEFINED}).")
    ui.table(ltv, file_name="channel_lifetime_value", key="channels_ltv_table")


def segments():
    """Which segments each channel serves, and each segment's preferred channel."""
    left, right = st.columns([3, 2])
    with left.container(border=True):
        st.subheader("Channel × segment")
        measure = st.segmented_control("Show", list(MATRIX_MEASURES), format_func=MATRIX_MEASURES.get,
                                       key="channels_matrix_measure",
                                       default="interactions_count") or "interactions_count"
        matrix = page.run("channel_segment_matrix")
        ui.chart(charts.labelled_heatmap(matrix, "segment", "channel", measure, title=MATRIX_MEASURES[measure],
                                         value_format=MATRIX_FORMATS[measure], drill="channel"),
                 key="channels_matrix", drill="channel")
    with right.container(border=True):
        st.subheader("Preferred channel of each segment")
        ui.chart(charts.preferred_channel(page.run("segment_preferred_channel")), key="channels_preferred",
                 drill="segment")
        st.caption("The channel each segment's customers used most (most interactions in the period).")


def conflict():
    """Customers served through several channels, moves between channels, and their churn."""
    per_channel = page.run("channel_conflict")
    if not (all_channels := per_channel[per_channel["channel"].isna()]).empty:
        total = all_channels.iloc[0]
        st.markdown(f"**{format_value('multichannel_count', total.multichannel_count)}** of the "
                    f"**{format_value('customers_count', total.customers_count)}** customers served in the period "
                    f"({format_value('multichannel_pct', total.multichannel_pct)}) used two or more channels.")
    left, right = st.columns(2)
    with left.container(border=True):
        st.subheader("Multi-channel customers per channel")
        ui.chart(charts.breakdown_pct(per_channel[per_channel["channel"].notna()], "channel", "multichannel_pct",
                                      title="Share served through 2+ channels"),
                 key="channels_conflict", drill="channel")
    with right.container(border=True):
        st.subheader("Next interaction's channel")
        ui.chart(charts.labelled_heatmap(page.run("channel_transitions"), "next_channel", "channel", "share_pct",
                                         title="Share of next interactions", value_format=".0%", drill="channel"),
                 key="channels_transitions", drill="channel")
        st.caption("Rows: the channel of an interaction; columns: the channel of the customer's next one.")
    churn = page.run("multichannel_churn")
    with st.container(border=True):
        st.subheader("Churn of single- and multi-channel customers")
        ui.chart(charts.side_by_side_bars(churn[churn["segment"].notna()], "segment", "contact_group",
                                          "churn_rate_pct", title="Churn rate", groups=CONTACT_GROUPS,
                                          details={"active_start_count": "Active at start", "lost_count": "Lost"}),
                 key="channels_churn", drill="segment")
        overall = churn[churn["segment"].isna()]
        st.caption("All segments: " + "; ".join(
            f"{row.contact_group.lower()} {format_value('churn_rate_pct', row.churn_rate_pct)} "
            f"of {format_value('active_start_count', row.active_start_count)}" for row in overall.itertuples())
            + ". Customers active at the start, grouped by the channels they used in the equally long stretch "
              "before it.")


def profitability():
    """Cost to serve and profit per segment and channel, the most profitable customers."""
    profit = page.run("customer_profitability")
    by_segment, by_channel = profit[profit["segment"].notna()], profit[profit["channel"].notna()]
    left, right = st.columns(2)
    with left.container(border=True):
        st.subheader("Profit per segment")
        ui.chart(charts.breakdown(by_segment, "segment", "profit_amount", title=f"Profit ({currency})",
                                  value_format=",.2f"), key="channels_profit_segment", drill="segment")
    with right.container(border=True):
        st.subheader("Profit per channel of acquisition")
        ui.chart(charts.breakdown(by_channel, "channel", "profit_amount", title=f"Profit ({currency})",
                                  value_format=",.2f"), key="channels_profit_channel", drill="channel")
    st.caption(f"Profit = revenue × margin ({margin}, the `margin` setting) − cost to serve (each channel's service "
               f"cost shared by its interactions) − acquisition cost (the channel's CAC, for customers acquired in "
               f"the period).")
    ui.table(by_segment.drop(columns="channel"), file_name="profit_by_segment", key="channels_profit_segment_table")
    ui.table(by_channel.drop(columns="segment"), file_name="profit_by_channel", key="channels_profit_channel_table")
    st.subheader("Customers adding most value")
    ui.table(page.run("top_profit_customers"), file_name="top_profit_customers", key="channels_top_customers")


page.sections({
    "Costs": costs,
    "Acquisition and lifetime value": acquisition,
    "Channels and segments": segments,
    "Channel conflict": conflict,
    "Profitability": profitability,
})
