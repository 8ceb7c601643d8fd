"""The Acquisition & loss and Lifecycle pages: their queries on hand-made datasets (every expected
number is worked out here by hand) and the pages under AppTest.

MOVES (region Iberia, segment Household, channel Web unless said; as-of 2024-12-31):
  customer  segment / region / channel             acquired    lost (reason)              orders (amount, channel)
  A         Household                              2024-01-10  -                          01-10 100, 03-15 200
  B         Small national, Telephone              2024-02-05  2024-05-20 (Price)         02-05 1000, 04-01 500 (Telephone)
  C         Household                              2023-06-01  2024-01-15 (Service q.)    2023-06-01 80, 2024-04-15 50 (Telephone: back)
  D         Household, Nordics, Partner            2024-03-01  -                          none
  E         Multinational, In person               2022-01-01  2024-03-10 (no reason)     2023-05-01 3000, 2024-01-20 5000
  F         Household, Nordics                     2023-01-01  2024-02-20 (Price)         2023-01-01 40, 2024-12-01 60 (back)
  Spells: A 01-10..open; B 02-05..05-20; C 2023-06-01..01-15 and 04-15..open; D 03-01..open;
          E 2022-01-01..03-10; F 2023-01-01..02-20 and 12-01..open.
  Win-backs: C after 91 days (01-15 -> 04-15) through Telephone; F after 285 days (02-20 -> 12-01) through Web.
  Leads: L1 Web 01-01 -> 01-10 | L2 Telephone 01-20 -> 02-05 | L3 Web 02-01, never | L4 Web 03-20 -> 04-10 |
         L5 Partner (Nordics) 2023-12-01 -> 03-01.
  Churn targets: 2024-01-01..12-31 goal 0.02 red 0.05; revised 2024-03-01..12-31 goal 0.01 red 0.03.
"""
import math

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, Runner, build_warehouse, customer, d, open_page, order


def paid(customer_id, ordered_on, amount, method, channel="Web"):
    return {**order(customer_id, ordered_on, amount, channel), "payment_method": method}


def as_of(day, customer_id):
    """An interaction that fixes the as-of date (the latest date in the data)."""
    return {"interaction_id": f"i-{customer_id}-{day}", "customer_id": customer_id, "channel": "Web",
            "interacted_on": d(day), "kind": "service"}


def no_reason(row):
    return {**row, "loss_reason": None}


MOVES = {
    "customers": [
        customer("A", "2024-01-10"),
        customer("B", "2024-02-05", "2024-05-20", segment="Small national", channel="Telephone", loss_reason="Price"),
        customer("C", "2023-06-01", "2024-01-15", loss_reason="Service quality"),
        customer("D", "2024-03-01", region="Nordics", channel="Partner"),
        no_reason(customer("E", "2022-01-01", "2024-03-10", segment="Multinational", channel="In person")),
        customer("F", "2023-01-01", "2024-02-20", region="Nordics", loss_reason="Price"),
    ],
    "orders": [order("A", "2024-01-10", 100), order("A", "2024-03-15", 200),
               order("B", "2024-02-05", 1000, "Telephone"), order("B", "2024-04-01", 500, "Telephone"),
               order("C", "2023-06-01", 80), order("C", "2024-04-15", 50, "Telephone"),
               order("E", "2023-05-01", 3000, "In person"), order("E", "2024-01-20", 5000, "In person"),
               order("F", "2023-01-01", 40), order("F", "2024-12-01", 60)],
    "leads": [{"lead_id": lead, "segment": "Household", "region": region, "country": "Spain", "channel": channel,
               "contacted_on": d(contacted), "converted_on": d(converted) if converted else None}
              for lead, region, channel, contacted, converted in [
                  ("L1", "Iberia", "Web", "2024-01-01", "2024-01-10"),
                  ("L2", "Iberia", "Telephone", "2024-01-20", "2024-02-05"),
                  ("L3", "Iberia", "Web", "2024-02-01", None),
                  ("L4", "Iberia", "Web", "2024-03-20", "2024-04-10"),
                  ("L5", "Nordics", "Partner", "2023-12-01", "2024-03-01")]],
    "targets": [{"kpi": kpi, "valid_from": d(start), "valid_to": d(end), "goal": goal, "red_flag": red}
                for kpi, start, end, goal, red in [("churn_rate", "2024-01-01", "2024-12-31", 0.02, 0.05),
                                                   ("churn_rate", "2024-03-01", "2024-12-31", 0.01, 0.03),
                                                   ("nps", "2024-01-01", "2024-12-31", 40, 20)]],
    "interactions": [as_of("2024-12-31", "A")],
}
YEAR = ("2024-01-01", "2024-12-31")


@pytest.fixture(scope="module")
def moves(tmp_path_factory):
    return Runner(build_warehouse(tmp_path_factory.mktemp("moves"), MOVES))


def rows(frame, *columns):
    return [tuple(None if isinstance(v, float) and math.isnan(v) else v for v in r)
            for r in frame[list(columns)].itertuples(index=False)]


def days(frame, column):
    return [str(v.date()) for v in frame[column]]


# --- Acquisition & loss ---------------------------------------------------------------------

def test_movements_per_month_chain(moves):
    frame = moves("movements_by_period", "2024-01-01", "2024-04-30", grain="month")
    assert days(frame, "period") == ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]
    # At 01-01: C, E, F. Jan: A new, C lost | Feb: B new, F lost | Mar: D new, E lost | Apr: C back.
    assert rows(frame, "active_start_count", "new_count", "reactivated_count", "lost_count", "net_change_count",
                "active_end_count") == [(3, 1, 0, 1, 0, 3), (3, 1, 0, 1, 0, 3), (3, 1, 0, 1, 0, 3), (3, 0, 1, 0, 1, 4)]


def test_movements_per_quarter_year_and_clipped_week(moves):
    quarters = moves("movements_by_period", "2024-01-01", "2024-04-30", grain="quarter")
    assert days(quarters, "period") == ["2024-01-01", "2024-04-01"]  # Q2 clipped to April
    assert rows(quarters, "new_count", "reactivated_count", "lost_count", "active_end_count") == [(3, 0, 3, 3),
                                                                                                (0, 1, 0, 4)]
    year = moves("movements_by_period", *YEAR, grain="year")
    # Start C, E, F; new A, B, D; back C, F; lost C, F, E, B; end A, C, D, F.
    assert rows(year, "active_start_count", "new_count", "reactivated_count", "lost_count", "active_end_count") == [
        (3, 3, 2, 4, 4)]
    # Wed 01-10 .. Sun 01-21: the week of Mon 01-08 is clipped to 01-10..01-14 (A new), C is lost 01-15.
    weeks = moves("movements_by_period", "2024-01-10", "2024-01-21", grain="week")
    assert days(weeks, "period") == ["2024-01-08", "2024-01-15"]
    assert rows(weeks, "active_start_count", "new_count", "lost_count", "active_end_count") == [(3, 1, 0, 4),
                                                                                              (4, 0, 1, 3)]
    nordics = moves("movements_by_period", *YEAR, grain="year", regions=["Nordics"])
    assert rows(nordics, "active_start_count", "new_count", "reactivated_count", "lost_count") == [(1, 1, 1, 1)]


def test_monthly_churn_against_the_latest_valid_target(moves):
    frame = moves("churn_vs_target", "2023-12-01", "2024-04-30")
    # Active at each month's start and lost of them: Dec C E F, none | Jan C E F, C | Feb A E F, F |
    # Mar A B E, E (D starts on 03-01: not active at the start) | Apr A B D, none.
    assert rows(frame, "active_start_count", "lost_from_start_count") == [(3, 0), (3, 1), (3, 1), (3, 1), (3, 0)]
    assert frame.churn_rate_pct.tolist() == pytest.approx([0, 1 / 3, 1 / 3, 1 / 3, 0])
    # No target for 2023; the revision valid from 03-01 replaces the yearly one; the nps row is ignored.
    assert rows(frame, "churn_target_pct", "churn_red_flag_pct") == [(None, None), (0.02, 0.05), (0.02, 0.05),
                                                                     (0.01, 0.03), (0.01, 0.03)]


def test_new_and_lost_by_segment_channel_and_region(moves):
    frame = moves("movements_by_dimension", *YEAR)
    assert rows(frame, "dimension", "value", "new_count", "reactivated_count", "lost_count", "net_change_count") == [
        ("channel", "In person", 0, 0, 1, -1), ("channel", "Partner", 1, 0, 0, 1), ("channel", "Telephone", 1, 0, 1, 0),
        ("channel", "Web", 1, 2, 2, 1),
        ("region", "Iberia", 2, 1, 3, 0), ("region", "Nordics", 1, 1, 1, 1),
        ("segment", "Household", 2, 2, 2, 2), ("segment", "Multinational", 0, 0, 1, -1),
        ("segment", "Small national", 1, 0, 1, 0)]
    households = moves("movements_by_dimension", *YEAR, segments=["Household"])
    assert set(households[households.dimension == "segment"].value) == {"Household"}
    assert rows(households[households.dimension == "region"], "value", "new_count") == [("Iberia", 1),
                                                                                        ("Nordics", 1)]


def test_movements_by_year_and_segment(moves):
    frame = moves("movements_by_year", "2023-01-01", "2024-12-31")
    assert rows(frame, "year", "segment", "new_count", "reactivated_count", "lost_count") == [
        (2024, "Household", 2, 2, 2), (2024, "Multinational", 0, 0, 1), (2024, "Small national", 1, 0, 1),
        (2023, "Household", 2, 0, 0)]  # F and C were acquired in 2023; E in 2022, outside the period


def test_loss_reasons_pareto(moves):
    frame = moves("loss_reasons", *YEAR)
    # Lost in 2024: F and B (Price), E (no reason recorded), C (Service quality).
    assert rows(frame, "rank_no", "reason", "lost_count") == [(1, "Price", 2), (2, "Not recorded", 1),
                                                              (3, "Service quality", 1)]
    assert frame.share_pct.tolist() == pytest.approx([0.5, 0.25, 0.25])
    assert frame.cumulative_share_pct.tolist() == pytest.approx([0.5, 0.75, 1.0])


def test_a_spell_ended_by_the_inactivity_window_has_reason_inactive(tmp_path):
    runner = Runner(build_warehouse(tmp_path, {
        "customers": [customer("G", "2024-01-01"), customer("H", "2024-01-01", "2024-01-20", loss_reason="Price")],
        "orders": [order("G", "2024-01-01"), order("H", "2024-01-01")],
        "interactions": [as_of("2024-03-31", "G")]}, inactive_after_days=30))
    # G lapses on 01-31 (30 days after its only order); H was lost on 01-20, before its window ended.
    assert rows(runner("loss_reasons", "2024-01-01", "2024-01-31"), "reason", "lost_count") == [("Inactive", 1),
                                                                                                  ("Price", 1)]


def test_win_backs_by_channel_and_time_away(moves):
    by_channel = moves("win_backs_by_channel", *YEAR)
    assert rows(by_channel, "channel", "win_backs_count", "median_days_away_days") == [("Telephone", 1, 91.0),
                                                                                      ("Web", 1, 285.0)]
    away = moves("win_backs_by_time_away", *YEAR)
    assert away.time_away.tolist() == ["Under 3 months", "3–6 months", "6–12 months", "1–2 years", "2 years or more"]
    assert away.win_backs_count.tolist() == [0, 1, 1, 0, 0]  # the 3–6 months band starts at 91 days
    assert away.share_pct.tolist() == pytest.approx([0, 0.5, 0.5, 0, 0])
    # The channel filter applies to the returning order's channel.
    assert rows(moves("win_backs_by_channel", *YEAR, channels=["Web"]), "channel", "win_backs_count") == [("Web", 1)]
    assert moves("win_backs_by_time_away", *YEAR, regions=["Iberia"]).win_backs_count.tolist() == [0, 1, 0, 0, 0]


def test_lead_conversion_counts_conversions_by_the_end_of_the_period(moves):
    q1 = moves("lead_conversion", "2024-01-01", "2024-03-31")
    # Contacted in Q1: L1, L3, L4 (Web) and L2 (Telephone); L4 converts only in April; L5 was contacted in 2023.
    assert rows(q1, "channel", "leads_count", "converted_count", "median_days_to_convert_days") == [
        ("Web", 3, 1, 9.0), ("Telephone", 1, 1, 16.0)]
    assert q1.conversion_pct.tolist() == pytest.approx([1 / 3, 1.0])
    year = moves("lead_conversion", *YEAR)
    assert rows(year, "channel", "converted_count", "median_days_to_convert_days") == [("Web", 2, 15.0),
                                                                                        ("Telephone", 1, 16.0)]
    assert moves("lead_conversion", "2024-01-01", "2024-03-31", regions=["Nordics"]).empty


def test_most_valuable_customers_lost(moves):
    year = moves("valuable_lost_customers", *YEAR)
    # Lifetime revenue up to 12-31: E 3000 + 5000, B 1000 + 500, C 80 + 50, F 40 + 60.
    assert rows(year, "customer_id", "lifetime_revenue_amount", "orders_count", "tenure_days", "loss_reason") == [
        ("E", 8000, 2, 799, "Not recorded"),    # 2022-01-01 -> 2024-03-10: 365 + 365 + 31 + 29 + 9
        ("B", 1500, 2, 105, "Price"),           # 02-05 -> 05-20: 24 + 31 + 30 + 20
        ("C", 130, 2, 228, "Service quality"),  # 2023-06-01 -> 2024-01-15: 214 + 14
        ("F", 100, 2, 415, "Price")]            # 2023-01-01 -> 2024-02-20: 365 + 31 + 19
    assert days(year, "lost_on") == ["2024-03-10", "2024-05-20", "2024-01-15", "2024-02-20"]
    q1 = moves("valuable_lost_customers", "2024-01-01", "2024-03-31")
    # Revenue up to 03-31 only: C's win-back order (04-15) and F's (12-01) come later.
    assert rows(q1, "customer_id", "lifetime_revenue_amount") == [("E", 8000), ("C", 80), ("F", 40)]


# --- Lifecycle: stages and tenure -----------------------------------------------------------
# STAGES (as-of 2024-12-31; period 2024; Household, Iberia, Web unless said):
#   S1 acquired 2024-06-01, no order                                  -> contact
#   S2 2024-03-01, one order                                           -> relate
#   S9 2024-02-01, three orders, tenure 334 days                       -> relate (under a year)
#   S3 2023-06-01, five orders, tenure 579 days                        -> intimate (under two years)
#   S4 Small national, Telephone, 2022-01-01, six orders               -> trust
#   S5 Small national, six orders, complaint still open                -> intimate
#   S6 six orders, NPS 10 then 5 (latest: a detractor)                 -> intimate
#   S7 six orders, NPS 3 then 9, complaint resolved in June            -> trust
#   S8 six orders, lost 2024-10-01                                     -> not counted (not active)
#   S10 Small national, six orders, complaint resolved after the period -> intimate (open on 12-31)
#   Leads: La 2024-05-01 never (contact) | Lb Small national, Telephone, 2024-07-01 never (contact) |
#          Lc 2023-05-01 never (before the period) | Ld 2024-02-01 converted 03-01 (became S2)

SIX = ["2022-02-01", "2022-03-01", "2022-04-01", "2022-05-01", "2022-06-01", "2022-07-01"]


def complaint(complaint_id, customer_id, received, resolved):
    return {"complaint_id": complaint_id, "customer_id": customer_id, "channel": "Web", "category": "Billing",
            "received_at": d(received), "first_response_at": d(received),
            "resolved_at": d(resolved) if resolved else None, "rewarded": False}


def survey(survey_id, customer_id, answered, score):
    return {"survey_id": survey_id, "customer_id": customer_id, "channel": "Web", "answered_on": d(answered),
            "nps_score": score, "csat_score": 4}


STAGES = {
    "customers": [
        customer("S1", "2024-06-01"), customer("S2", "2024-03-01"), customer("S9", "2024-02-01"),
        customer("S3", "2023-06-01"),
        customer("S4", "2022-01-01", segment="Small national", channel="Telephone"),
        customer("S5", "2022-01-01", segment="Small national"), customer("S6", "2022-01-01"),
        customer("S7", "2022-01-01"), customer("S8", "2022-01-01", "2024-10-01"),
        customer("S10", "2022-01-01", segment="Small national"),
    ],
    "orders": [order("S2", "2024-03-01")]
    + [order("S9", day) for day in ("2024-02-01", "2024-03-01", "2024-04-01")]
    + [order("S3", day) for day in ("2023-06-01", "2023-07-01", "2023-08-01", "2023-09-01", "2023-10-01")]
    + [order(c, day) for c in ("S4", "S5", "S6", "S7", "S8", "S10") for day in SIX],
    "complaints": [complaint("k5", "S5", "2024-11-01", None), complaint("k7", "S7", "2024-06-01", "2024-06-10"),
                   complaint("k10", "S10", "2024-12-20", "2025-01-05")],
    "surveys": [survey("v6a", "S6", "2024-01-10", 10), survey("v6b", "S6", "2024-09-10", 5),
                survey("v7a", "S7", "2024-01-10", 3), survey("v7b", "S7", "2024-09-10", 9)],
    "leads": [{"lead_id": lead, "segment": segment, "region": "Iberia", "country": "Spain", "channel": channel,
               "contacted_on": d(contacted), "converted_on": d(converted) if converted else None}
              for lead, segment, channel, contacted, converted in [
                  ("La", "Household", "Web", "2024-05-01", None),
                  ("Lb", "Small national", "Telephone", "2024-07-01", None),
                  ("Lc", "Household", "Web", "2023-05-01", None),
                  ("Ld", "Household", "Web", "2024-02-01", "2024-03-01")]],
    "interactions": [as_of("2024-12-31", "S1")],
}


@pytest.fixture(scope="module")
def stages(tmp_path_factory):
    return Runner(build_warehouse(tmp_path_factory.mktemp("stages"), STAGES))


def test_stages_funnel_with_conversion(stages):
    frame = stages("lifecycle_stages", *YEAR)
    everyone = frame[frame.segment.isna()]
    # contact S1 La Lb | relate S2 S9 | intimate S3 S5 S6 S10 | trust S4 S7
    assert rows(everyone, "stage", "customers_count", "reached_count") == [
        ("Contact", 3, 11), ("Relate", 2, 8), ("Intimate", 4, 6), ("Trust", 2, 2)]
    assert everyone.share_pct.tolist() == pytest.approx([3 / 11, 2 / 11, 4 / 11, 2 / 11])
    assert rows(everyone, "conversion_pct")[0] == (None,)
    assert everyone.conversion_pct.tolist()[1:] == pytest.approx([8 / 11, 6 / 8, 2 / 6])


def test_stages_per_segment(stages):
    frame = stages("lifecycle_stages", *YEAR)
    households = frame[frame.segment == "Household"]
    # contact S1 La | relate S2 S9 | intimate S3 S6 | trust S7
    assert households.customers_count.tolist() == [2, 2, 2, 1]
    assert households.reached_count.tolist() == [7, 5, 3, 1]
    small = frame[frame.segment == "Small national"]
    # contact Lb | relate none | intimate S5 S10 | trust S4
    assert small.customers_count.tolist() == [1, 0, 2, 1]
    assert small.conversion_pct.tolist()[1:] == pytest.approx([3 / 4, 3 / 3, 1 / 3])


def test_stage_rules_filter_by_channel_and_are_spelled_out(stages):
    telephone = stages("lifecycle_stages", *YEAR, channels=["Telephone"])
    everyone = telephone[telephone.segment.isna()]
    assert everyone.customers_count.tolist() == [1, 0, 0, 1]  # Lb (a lead) and S4
    assert everyone.conversion_pct.tolist()[1:] == pytest.approx([1 / 2, 1, 1])
    trust = everyone[everyone.stage == "Trust"].rule.iloc[0]
    assert "730 days" in trust and "6 orders" in trust and "no open complaint" in trust
    text = (ROOT / "queries" / "lifecycle" / "lifecycle_stages.sql").read_text()
    assert text.index("WITH rules AS") < text.index("FROM")  # the thresholds come first, in one place


def test_tenure_of_active_customers(stages):
    frame = stages("tenure_distribution", *YEAR)
    # Tenure on 12-31: S1 213, S2 305, S9 334 days | S3 579 | 2022-01-01 -> 1095 days (3 x 365): "3–5 years".
    assert rows(frame, "tenure", "segment", "customers_count") == [
        ("Under 1 year", "Household", 3), ("1–2 years", "Household", 1), ("3–5 years", "Household", 2),
        ("3–5 years", "Small national", 3)]


# --- Lifecycle: cohorts ---------------------------------------------------------------------

def test_cohort_retention(moves):
    frame = moves("cohort_retention", "2023-06-01", "2024-04-30")
    cohort = {str(month.date()): group for month, group in frame.groupby("cohort_month")}
    assert list(cohort) == ["2023-06-01", "2024-01-01", "2024-02-01", "2024-03-01"]  # C, A, B, D
    # C: active until lost on 01-15 (month 7), back on 04-15 (month 10).
    assert cohort["2023-06-01"].retained_count.tolist() == [1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1]
    assert cohort["2023-06-01"].months_since.tolist() == list(range(11))
    assert [len(cohort[m]) for m in ("2024-01-01", "2024-02-01", "2024-03-01")] == [4, 3, 2]
    assert (frame.cohort_size_count == 1).all()
    assert (frame.retention_pct == frame.retained_count).all()  # cohorts of one
    # The last month is measured on the period's last day: on 04-14 C is not back yet.
    early = moves("cohort_retention", "2023-06-01", "2024-04-14")
    assert early[early.cohort_month == "2023-06-01"].retained_count.tolist()[-1] == 0
    assert rows(moves("cohort_retention", "2023-06-01", "2024-04-30", regions=["Nordics"]),
                "months_since", "retained_count") == [(0, 1), (1, 1)]  # D only


def test_cohort_retention_keeps_the_36_latest_cohorts(tmp_path):
    months = [f"{2021 + i // 12}-{i % 12 + 1:02d}-01" for i in range(37)]  # 2021-01 .. 2024-01
    runner = Runner(build_warehouse(tmp_path, {"customers": [customer(f"K{i}", m) for i, m in enumerate(months)]}))
    frame = runner("cohort_retention", "2021-01-01", "2024-01-01")
    assert frame.cohort_month.nunique() == 36 and str(frame.cohort_month.min().date()) == "2021-02-01"
    assert len(frame) == 36 * 37 // 2 and frame.months_since.max() == 35  # a triangle: 36 + 35 + ... + 1 cells
    assert (frame.retention_pct == 1).all()


# --- Lifecycle: value -----------------------------------------------------------------------
# VALUE (2024; Iberia, Web):
#   P1 Household       acquired 03-01, lost 09-01  03-01 1000 Card
#   P2 Household       acquired 02-01              02-01 500 Card, 11-01 300 Invoice (a tie: Invoice, used last)
#   P3 Household       acquired 12-01              12-01 100 Invoice
#   P4 Small national  acquired 01-15, lost 11-20  01-15, 04-15, 07-15, 10-15 50 each, Direct debit
#   P5 Small national  acquired 05-01              05-01 150 Card, 06-01 150 Card
#   P6 Small national  acquired 12-31              12-31 600 Invoice
#   P7 Household       acquired 2023-06-01, lost 2023-12-01: 2023-06-01 900 Bank transfer (not in 2024)
#   P8 Household       acquired 01-01, no orders
#   Revenue 2024: 3000 from 6 customers; top ceil(0.2 x 6) = 2: P1 1000 + P2 800.

VALUE = {
    "customers": [customer("P1", "2024-03-01", "2024-09-01"), customer("P2", "2024-02-01"),
                  customer("P3", "2024-12-01"),
                  customer("P4", "2024-01-15", "2024-11-20", segment="Small national"),
                  customer("P5", "2024-05-01", segment="Small national"),
                  customer("P6", "2024-12-31", segment="Small national"),
                  customer("P7", "2023-06-01", "2023-12-01"), customer("P8", "2024-01-01")],
    "orders": [paid("P1", "2024-03-01", 1000, "Card"), paid("P2", "2024-02-01", 500, "Card"),
               paid("P2", "2024-11-01", 300, "Invoice"), paid("P3", "2024-12-01", 100, "Invoice"),
               *[paid("P4", day, 50, "Direct debit") for day in ("2024-01-15", "2024-04-15", "2024-07-15",
                                                                "2024-10-15")],
               paid("P5", "2024-05-01", 150, "Card"), paid("P5", "2024-06-01", 150, "Card"),
               paid("P6", "2024-12-31", 600, "Invoice"), paid("P7", "2023-06-01", 900, "Bank transfer")],
}


@pytest.fixture(scope="module")
def value(tmp_path_factory):
    return Runner(build_warehouse(tmp_path_factory.mktemp("value"), VALUE))


def test_pareto_share(value):
    row = value("pareto_share", *YEAR).iloc[0]
    assert (row.customers_count, row.top20_revenue_amount, row.revenue_amount) == (6, 1800, 3000)
    assert row.top20_share_pct == pytest.approx(0.6)
    empty = value("pareto_share", "2020-01-01", "2020-12-31")
    assert rows(empty, "customers_count", "revenue_amount", "top20_share_pct") == [(0, 0, None)]  # not defined


def test_pareto_by_segment(value):
    frame = value("pareto_by_segment", *YEAR)
    # Household: P1 1000, P2 800, P3 100 -> top 1 = P1; Small national: P6 600, P5 300, P4 200 -> top 1 = P6.
    assert rows(frame, "segment", "customers_count", "revenue_amount", "top20_revenue_amount") == [
        ("Household", 3, 1900, 1000), ("Small national", 3, 1100, 600)]
    assert frame.top20_share_pct.tolist() == pytest.approx([1000 / 1900, 600 / 1100])


def test_pareto_curve(value):
    frame = value("pareto_curve", *YEAR)
    # Ranked P1 1000, P2 800, P6 600, P5 300, P4 200, P3 100: cumulative 1000, 1800, 2400, 2700, 2900, 3000.
    assert frame.customers_share_pct.tolist() == pytest.approx([0, 1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6, 1])
    assert frame.revenue_share_pct.tolist() == pytest.approx([0, 1 / 3, 0.6, 0.8, 0.9, 29 / 30, 1])


def test_pareto_curve_has_at_most_101_points(tmp_path):
    runner = Runner(build_warehouse(tmp_path, {
        "customers": [customer(f"Q{i:03d}", "2024-01-01") for i in range(250)],
        "orders": [order(f"Q{i:03d}", "2024-02-01", 10) for i in range(250)]}))
    frame = runner("pareto_curve", "2024-01-01", "2024-12-31")
    assert len(frame) == 101  # the origin and the last customer of each percentile
    assert frame.customers_share_pct.iloc[-1] == pytest.approx(1)
    assert frame.revenue_share_pct.tolist() == pytest.approx(frame.customers_share_pct.tolist())  # all equal


def test_rfm_grid(value):
    frame = value("rfm_grid", *YEAR)
    # Orders and average order value: P1 1 x 1000 | P2 2 x 400 | P3 1 x 100 | P4 4 x 50 | P5 2 x 150 | P6 1 x 600.
    assert rows(frame, "segment", "frequency", "order_value", "customers_count", "revenue_amount") == [
        ("Household", "1 order", "100–250", 1, 100), ("Household", "1 order", "1,000 or more", 1, 1000),
        ("Household", "2–3", "250–500", 1, 800),
        ("Small national", "1 order", "500–1,000", 1, 600), ("Small national", "2–3", "100–250", 1, 300),
        ("Small national", "4–6", "Under 100", 1, 200)]
    assert frame.share_pct.tolist() == pytest.approx([1 / 3] * 6)


def test_purchases_by_segment(value):
    frame = value("purchases_by_segment", *YEAR)
    assert rows(frame, "segment", "customers_count", "orders_count", "orders_per_customer") == [
        ("Household", 3, 4, 1.3), ("Small national", 3, 7, 2.3)]
    assert frame.average_order_value_amount.tolist() == pytest.approx([1900 / 4, 1100 / 7])
    assert frame.revenue_per_customer_amount.tolist() == pytest.approx([1900 / 3, 1100 / 3])
    # Days from the last order to 12-31: P1 305, P2 60, P3 30 | P4 77, P5 213, P6 0.
    assert frame.average_recency_days.tolist() == pytest.approx([395 / 3, 290 / 3])


def test_payment_methods_by_segment(value):
    frame = value("payment_methods_by_segment", *YEAR)
    assert rows(frame, "segment", "payment_method", "orders_count", "revenue_amount") == [
        ("Household", "Card", 2, 1500), ("Household", "Invoice", 2, 400),
        ("Small national", "Card", 2, 300), ("Small national", "Direct debit", 4, 200),
        ("Small national", "Invoice", 1, 600)]
    assert frame.share_pct.tolist() == pytest.approx([0.5, 0.5, 2 / 7, 4 / 7, 1 / 7])


def test_churn_by_payment_method(value):
    frame = value("churn_by_payment_method", "2024-07-01", "2024-12-31")
    # Active on 07-01: P1 (Card), P2 (Invoice: the tie goes to the method used last), P4 (Direct debit),
    # P5 (Card), P8 (no orders). Lost in the period: P1 (09-01), P4 (11-20).
    assert rows(frame, "payment_method", "active_start_count", "lost_count") == [
        ("Direct debit", 1, 1), ("Card", 2, 1), ("Invoice", 1, 0), ("No orders", 1, 0)]
    assert frame.churn_rate_pct.tolist() == pytest.approx([1, 0.5, 0, 0])


# LIFETIME (period ending 2024-06-30: six windows, the calendar months January to June 2024):
#   Household H1..H4 acquired 2023-01-01, 100 on the 10th of each month while active; H4 lost 03-15.
#   Multinational M1 acquired 2023-01-01, 1000 on the 10th of each month from December 2023, never lost.
#   Household per month: Jan, Feb 4 active at start and end, 400 revenue, no loss | Mar 4 at start, 3 at end,
#   H4 ordered on 03-10 (400) and was lost | Apr, May, Jun 3 and 3, 300.
LIFETIME = {
    "customers": [*[customer(f"H{i}", "2023-01-01") for i in (1, 2, 3)], customer("H4", "2023-01-01", "2024-03-15"),
                  customer("M1", "2023-01-01", segment="Multinational")],
    "orders": [*[order(f"H{i}", f"2024-{m:02d}-10", 100) for i in (1, 2, 3) for m in range(1, 7)],
               *[order("H4", f"2024-{m:02d}-10", 100) for m in (1, 2, 3)],
               order("M1", "2023-12-10", 1000), *[order("M1", f"2024-{m:02d}-10", 1000) for m in range(1, 7)]],
    "interactions": [as_of("2024-06-30", "H1")],
}


@pytest.fixture(scope="module")
def lifetime(tmp_path_factory):
    return Runner(build_warehouse(tmp_path_factory.mktemp("lifetime"), LIFETIME))


def test_lifetime_value_by_segment(lifetime):
    frame = lifetime("lifetime_value_by_segment", "2024-01-01", "2024-06-30")
    households, multinational = frame.iloc[0], frame.iloc[1]
    assert list(frame.segment) == ["Household", "Multinational"]
    # Historical: all revenue up to 06-30 / customers acquired by then.
    assert (households.customers_count, households.revenue_amount) == (4, 2100)
    assert households.historical_value_amount == pytest.approx(2100 / 4)
    assert multinational.historical_value_amount == pytest.approx(7000)  # December 2023 counts too
    # ARPA per month: 100, 100, 400 / 3.5, 100, 100, 100; churn: 0, 0, 1/4, 0, 0, 0.
    arpa, churn = (500 + 400 / 3.5) / 6, (1 / 4) / 6
    assert households.monthly_arpa_amount == pytest.approx(arpa)
    assert households.monthly_churn_rate_pct == pytest.approx(churn)
    assert households.predicted_value_amount == pytest.approx(arpa * 0.3 / churn)
    assert multinational.monthly_arpa_amount == pytest.approx(1000)
    assert rows(frame, "predicted_value_amount")[1] == (None,)  # never lost: churn 0, not defined


def test_lifetime_value_by_segment_agrees_with_the_scorecard_query(lifetime):
    ours = lifetime("lifetime_value_by_segment", "2024-01-01", "2024-06-30").iloc[0]
    theirs = lifetime("lifetime_value", "2024-01-01", "2024-06-30", segments=["Household"]).iloc[0]
    assert ours.predicted_value_amount == pytest.approx(theirs.lifetime_value_amount)


# --- The pages ------------------------------------------------------------------------------

ACQUISITION, LIFECYCLE = "pages/1_Acquisition_and_loss.py", "pages/2_Lifecycle.py"


def drill_keys(at: AppTest) -> list[str]:
    """Keys of the charts that carry the drill-down selection."""
    return [c.proto.id.rsplit("-", 1)[-1] for c in at.get("vega_lite_chart") if list(c.proto.selection_mode)]


ACQUISITION_TABS = {  # each tab, its cards and its drill-down charts
    "Won and lost": ({"New, reactivated and lost customers", "Monthly churn rate against its target",
                      "Why customers leave"}, {"acquisition_by_segment", "acquisition_by_channel",
                                               "acquisition_by_region"}),
    "Win-backs and leads": ({"Win-backs: lost customers who came back", "Lead conversion by channel (attract)"},
                            {"acquisition_win_backs", "acquisition_leads"}),
    "Most valuable customers lost": ({"Most valuable customers lost"}, set()),
}


@pytest.mark.parametrize("query_params", [{}, {"region": "Iberia"}, {"segment": "Household"}, {"channel": "Web"}])
def test_acquisition_page_renders_each_tab_for_a_selection(app_env, query_params):
    for tab, (cards, drills) in ACQUISITION_TABS.items():
        at = open_page(ACQUISITION, {**query_params, "tab": tab})
        assert not at.exception, (tab, [e.value for e in at.exception])
        assert [m.label for m in at.metric] == ["New customers", "Reactivated", "Lost customers", "Churn rate"]
        assert [t.label for t in at.tabs] == list(ACQUISITION_TABS)
        assert cards <= {s.value for s in at.subheader} and drills <= set(drill_keys(at)), tab
        assert not at.info, tab  # the demo data fills every card


LIFECYCLE_TABS = {  # each tab and the drill-down charts it draws
    "Cohort retention": set(), "Relationship stages": {"lifecycle_stage_mix"},
    "Tenure and lifetime value": {"lifecycle_tenure", "lifecycle_value"},
    "Revenue concentration": {"lifecycle_pareto_segments"}, "Purchase frequency (RFM)": {"lifecycle_rfm"},
    "Payment methods": {"lifecycle_payments"},
}


@pytest.mark.parametrize("query_params", [{}, {"region": "Iberia"}, {"segment": "Household"}, {"channel": "Web"}])
def test_lifecycle_page_renders_each_tab_for_a_selection(app_env, query_params):
    for tab, drills in LIFECYCLE_TABS.items():
        at = open_page(LIFECYCLE, {**query_params, "tab": tab})
        assert not at.exception, (tab, [e.value for e in at.exception])
        assert [t.label for t in at.tabs] == list(LIFECYCLE_TABS)
        assert at.get("vega_lite_chart") and drills <= set(drill_keys(at)), tab
        assert not at.info, tab  # the demo data fills every card
    stages = open_page(LIFECYCLE, {**query_params, "tab": "Relationship stages"})
    assert any("**Trust**" in m.value for m in stages.markdown)  # the stage rules, in words
    concentration = open_page(LIFECYCLE, {**query_params, "tab": "Revenue concentration"})
    assert [m.label for m in concentration.metric] == ["Top 20 % share of revenue", "Customers who ordered",
                                                       "Revenue of the top 20 %", "Revenue"]


def test_the_grain_selector_changes_the_periods(app_env):
    at = open_page(ACQUISITION)
    movements = lambda: next(c.proto.spec for c in at.get("vega_lite_chart") if '"net_change_count"' in c.proto.spec)
    assert '"yearmonth"' in movements()
    next(b for b in at.get("button_group") if b.label == "Per").set_value("week").run()
    assert not at.exception
    assert '"yearmonthdate"' in movements()


@pytest.mark.parametrize("page", [ACQUISITION, LIFECYCLE])
@pytest.mark.parametrize("query_params", [
    {"period": "custom", "start": "2000-01-01", "end": "2000-12-31"},  # before the data
    {"period": "custom", "start": "2001-01-01", "end": "2001-01-31"},  # one month, before the data
])
def test_an_empty_selection_shows_empty_states(app_env, page, query_params):
    for tab in LIFECYCLE_TABS if page == LIFECYCLE else ACQUISITION_TABS:
        at = open_page(page, {**query_params, "tab": tab})
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error
        assert at.info and not at.get("vega_lite_chart"), tab
