"""Lifecycle: how customers' relationship with us develops, how long they stay, what they are worth."""
import streamlit as st

from crm import charts, ui
from crm.frame import frame

page = frame("Lifecycle", ":material/autorenew:")

NO_CUSTOMERS = "No customers match the selected period and filters."

def cohorts():
    """How many of each month's new customers are still active, month after month."""
    with st.container(border=True):
        st.subheader("Cohort retention")
        cohorts = page.run("cohort_retention")
        if ui.has_rows(cohorts, "No customer was acquired in the selected period and filters."):
            ui.chart(charts.cohort_heatmap(cohorts))
            st.caption("Each row: the customers acquired in a month (its size on the right); each cell: the share of "
                       "them active at the end of the month that many months later (customers who came back count "
                       "again). The latest 36 cohorts acquired in the period.")


def stages():
    """Who is in which relationship stage at the end of the period, and the conversion between them."""
    with st.container(border=True):
        st.subheader("Relationship stages: contact → relate → intimate → trust")
        stages = page.run("lifecycle_stages")
        everyone = stages[stages["segment"].isna()]
        if stages.empty or everyone["customers_count"].sum() == 0:
            ui.empty(NO_CUSTOMERS)
        else:
            left, right = st.columns(2)
            with left:
                ui.chart(charts.funnel(everyone))
                st.caption("Bar width: people who reached the stage (at it or further); label: the conversion from "
                           "the previous stage.")
            with right:
                ui.chart(charts.stage_mix(stages.dropna(subset=["segment"])), key="lifecycle_stage_mix",
                         drill="segment")
            st.markdown("**Who is in which stage** on the last day of the period. The rules live in one query file, "
                        "`queries/lifecycle/lifecycle_stages.sql`, where the business can change them:\n"
                        + "\n".join(f"- **{row.stage}**: {row.rule}" for row in everyone.itertuples()))
            ui.table(everyone[["stage", "customers_count", "reached_count", "share_pct", "conversion_pct"]],
                     file_name="lifecycle_stages", key="lifecycle_stages")
            st.caption("People: leads contacted in the period and not converted by its end, and customers active on "
                       "its last day. Tenure counts from the first acquisition; orders, complaints and survey answers "
                       "up to the end of the period. Conversion = reached this stage / reached the previous one.")


def tenure_and_value():
    """How long active customers have stayed, and what a customer is worth."""
    with st.container(border=True):
        st.subheader("Tenure and lifetime value")
        tenure, value = page.run("tenure_distribution"), page.run("lifetime_value_by_segment")
        if tenure.empty and value.empty:
            ui.empty(NO_CUSTOMERS)
        else:
            left, right = st.columns(2)
            with left:
                st.markdown("**Tenure of active customers**")
                if ui.has_rows(tenure, "No customer was active on the last day of the period."):
                    ui.chart(charts.stacked_bars(tenure, "tenure", "segment", "customers_count",
                                                 title="Active customers",
                                                 order=tenure.sort_values("band_no")["tenure"].unique().tolist(),
                                                 drill="segment"), key="lifecycle_tenure", drill="segment")
            with right:
                st.markdown("**Lifetime value per customer**")
                ui.chart(charts.dot_plot(value, "segment", {"predicted_value_amount": "Predicted",
                                                            "historical_value_amount": "Historical"},
                                         {"Predicted": "#1f3b73", "Historical": "#9aa5b1"}, title="Value per customer"),
                         key="lifecycle_value", drill="segment")
            ui.table(value, file_name="lifetime_value_by_segment", key="lifetime_value_by_segment")
            st.caption("Tenure = time since the first acquisition. Historical value = revenue recorded up to the end "
                       "of the period / customers acquired by then. Predicted = monthly ARPA × margin / monthly "
                       "churn, averaged over the last six months of the period; empty (not defined) when no "
                       "customer of the segment was lost in them.")


def concentration():
    """How concentrated revenue is: the top 20 % of customers' share."""
    ui.metric_tiles(page, ["top20_share", "buying_customers", "top20_revenue", "buyers_revenue"], per_row=4,
                    sparklines=False)
    with st.container(border=True):
        st.subheader("Pareto: how concentrated is revenue?")
        curve, by_segment = page.run("pareto_curve"), page.run("pareto_by_segment")
        if ui.has_rows(curve, "No customer ordered in the selected period and filters."):
            left, right = st.columns(2)
            with left:
                st.markdown("**Cumulative revenue over customers ranked by revenue**")
                ui.chart(charts.pareto_curve(curve))
            with right:
                st.markdown("**Share of revenue from the top 20 %, by segment**")
                ui.chart(charts.breakdown_pct(by_segment, "segment", "top20_share_pct", title="Top 20 % share"),
                         key="lifecycle_pareto_segments", drill="segment")
            ui.table(by_segment, file_name="pareto_by_segment", key="pareto_by_segment")
            st.caption("Customers who ordered in the period, ranked by their revenue in it; the top 20 % = the "
                       "ceil(0.2 × n) with the most revenue. Dashed: every customer bringing the same; red: the "
                       "top 20 %.")


def purchases():
    """How often and how much each segment buys (RFM)."""
    with st.container(border=True):
        st.subheader("Purchase frequency and order value by segment (RFM)")
        grid = page.run("rfm_grid")
        if ui.has_rows(grid, "No customer ordered in the selected period and filters."):
            ui.chart(charts.rfm_heatmap(grid), key="lifecycle_rfm", drill="segment")
            ui.table(page.run("purchases_by_segment"), file_name="purchases_by_segment", key="purchases_by_segment")
            st.caption("Customers who ordered in the period, by their number of orders and average order value in it. "
                       "Recency = days from a customer's last order to the end of the period.")


def payment_methods():
    """How each segment pays, and churn by payment method."""
    left, right = st.columns(2)
    with left.container(border=True):
        st.subheader("Payment methods by segment")
        payments = page.run("payment_methods_by_segment")
        if ui.has_rows(payments, "No order in the selected period and filters."):
            ui.chart(charts.stacked_bars(payments, "segment", "payment_method", "orders_count", title="Share of orders",
                                         normalize=True, drill="segment"), key="lifecycle_payments", drill="segment")
    with right.container(border=True):
        st.subheader("Churn rate by payment method")
        churn = page.run("churn_by_payment_method")
        if ui.has_rows(churn, "No customer was active at the start of the selected period."):
            ui.chart(charts.value_bars(churn, "payment_method", "churn_rate_pct", title="Churn rate",
                                       axis_format=".0%", value_format=".1%", color="#c62828"))
            st.caption("Customers active at the start of the period by the method they paid most orders with; churn = "
                       "those lost in the period / those active at its start.")


page.sections({
    "Cohort retention": cohorts,
    "Relationship stages": stages,
    "Tenure and lifetime value": tenure_and_value,
    "Revenue concentration": concentration,
    "Purchase frequency (RFM)": purchases,
    "Payment methods": payment_methods,
})
