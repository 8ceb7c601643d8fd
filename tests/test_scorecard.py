"""The balanced scorecard: scoring, roll-ups, targets and projections on hand-made values, each
scorecard query on a hand-made dataset (every expected number worked out here by hand), the
definition file, and the page under AppTest.

Dataset (2024 unless said otherwise; region Iberia, segment Household, channel Web unless said):
  A  Multinational, acquired 01-01; orders 01-10 100, 02-10 200, 03-10 300 (Telephone)
  B  acquired 01-01, lost 03-10; order 01-20 50
  C  acquired 02-15; order 03-01 150
  N  Nordics, acquired 01-01; order 02-05 1000; an interaction on 06-30 makes the as-of date 06-30
  interactions: A Web 02-20, 03-02, 03-03; C Telephone 03-05; B Web 03-05; N Web 03-06
  channel costs, March: Iberia Web acquisition 20 service 25, Iberia Telephone 10 / 0, Nordics Web 100 / 100
  targets: revenue 2023 goal 100 red flag 80, 2024 goal 500 red flag 300 (per month);
           churn_rate 2024 goal 0.2 red flag 0.3 (a monthly rate)
  staff: E1 Iberia customer-facing since 2020; E2 the same, left 2024-06-15; E3 Iberia back office
         since 2023; E4 Nordics customer-facing since 2020; E5 Iberia customer-facing from 2024-07-01;
         E6 Iberia customer-facing since 2021, never trained
  training: E1 2023-05-01 3 h, 2023-08-01 4 h, 2024-02-01 8 h; E2 03-01 2 h; E3 04-01 16 h;
            E4 05-01 4 h; E5 07-05 2 h
"""
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, Runner, build_warehouse, customer, d, open_page, order
from crm import catalog, scorecard, warehouse

CUSTOMERS = [customer("A", "2024-01-01", segment="Multinational"), customer("B", "2024-01-01", "2024-03-10"),
             customer("C", "2024-02-15"), customer("N", "2024-01-01", region="Nordics")]
ORDERS = [order("A", "2024-01-10", 100), order("A", "2024-02-10", 200), order("A", "2024-03-10", 300, "Telephone"),
          order("B", "2024-01-20", 50), order("C", "2024-03-01", 150), order("N", "2024-02-05", 1000)]
INTERACTIONS = [{"interaction_id": f"i{n}", "customer_id": who, "channel": channel, "interacted_on": d(day)}
                for n, (who, channel, day) in enumerate([
                    ("A", "Web", "2024-02-20"), ("A", "Web", "2024-03-02"), ("A", "Web", "2024-03-03"),
                    ("C", "Telephone", "2024-03-05"), ("B", "Web", "2024-03-05"), ("N", "Web", "2024-03-06"),
                    ("N", "Web", "2024-06-30")])]
COSTS = [{"month": d("2024-03-01"), "channel": channel, "region": region, "acquisition_cost": acquisition,
          "service_cost": service}
         for channel, region, acquisition, service in [("Web", "Iberia", 20, 25), ("Telephone", "Iberia", 10, 0),
                                                       ("Web", "Nordics", 100, 100)]]
TARGETS = [{"kpi": kpi, "valid_from": d(start), "valid_to": d(end), "goal": goal, "red_flag": red_flag}
           for kpi, start, end, goal, red_flag in [("revenue", "2023-01-01", "2023-12-31", 100, 80),
                                                   ("revenue", "2024-01-01", "2024-12-31", 500, 300),
                                                   ("churn_rate", "2024-01-01", "2024-12-31", 0.2, 0.3)]]
STAFF = [{"employee_id": e, "region": region, "role": role, "customer_facing": facing, "hired_on": d(hired),
          "left_on": d(left) if left else None}
         for e, region, role, facing, hired, left in [
             ("E1", "Iberia", "Account manager", True, "2020-01-01", None),
             ("E2", "Iberia", "Call centre agent", True, "2020-01-01", "2024-06-15"),
             ("E3", "Iberia", "Back office", False, "2023-01-01", None),
             ("E4", "Nordics", "Field sales", True, "2020-01-01", None),
             ("E5", "Iberia", "Call centre agent", True, "2024-07-01", None),
             ("E6", "Iberia", "Account manager", True, "2021-01-01", None)]]
TRAINING = [{"employee_id": e, "course": "CRM basics", "trained_on": d(day), "hours": hours}
            for e, day, hours in [("E1", "2023-05-01", 3), ("E1", "2023-08-01", 4), ("E1", "2024-02-01", 8),
                                  ("E2", "2024-03-01", 2), ("E3", "2024-04-01", 16), ("E4", "2024-05-01", 4),
                                  ("E5", "2024-07-05", 2)]]
IBERIA = {"regions": ["Iberia"]}


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    return Runner(build_warehouse(tmp_path_factory.mktemp("scorecard"), {
        "customers": CUSTOMERS, "orders": ORDERS, "interactions": INTERACTIONS, "channel_costs": COSTS,
        "targets": TARGETS, "staff": STAFF, "training": TRAINING}))


def run_with(runner):
    """crm.scorecard's run_each(query_id, value_sets) on a test warehouse: one statement, as crm.data runs it."""
    def run_each(query_id, value_sets):
        query = catalog.get(query_id, ROOT / "queries")
        sql, params = query.bind_each([{"grain": "month", "margin_pct": 0.3, **values} for values in value_sets])
        return catalog.split_sets(warehouse.run(runner.con, sql, params).frame, len(value_sets))
    return run_each


def period(start, end, **lists):
    return {"start_date": d(start), "end_date": d(end), "regions": [], "segments": [], "channels": [], **lists}


# --- scoring ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (80, 6.6),          # at the goal
    (60, 3.3),          # at the red flag
    (70, 4.95),         # half-way
    (100, 9.9),         # beyond the goal by one goal-to-red-flag step
    (130, 10.0),        # clipped
    (50, 1.65),         # below the red flag, still linear
    (20, 0.0),          # clipped
])
def test_score_is_linear_through_red_flag_and_goal(value, expected):
    assert scorecard.score(value, goal=80, red_flag=60) == pytest.approx(expected)


@pytest.mark.parametrize("hours, expected", [(6, 6.6), (8, 3.3), (7, 4.95), (5, 8.25), (10, 0.0), (2, 10.0)])
def test_score_is_inverted_when_lower_is_better(hours, expected):
    assert scorecard.score(hours, goal=6, red_flag=8, lower_is_better=True) == pytest.approx(expected)


@pytest.mark.parametrize("value, lower, expected", [
    (5, False, 6.6), (7, False, 6.6), (4.99, False, 0.0),   # met (or beaten) scores the goal's 6.6, missed 0
    (5, True, 6.6), (3, True, 6.6), (5.01, True, 0.0),
])
def test_goal_equal_to_red_flag_is_pass_or_fail(value, lower, expected):
    assert scorecard.score(value, goal=5, red_flag=5, lower_is_better=lower) == expected


@pytest.mark.parametrize("value, goal, red_flag", [(None, 1, 0), (float("nan"), 1, 0), (1, None, 0), (1, 1, None)])
def test_no_value_or_no_threshold_is_no_data(value, goal, red_flag):
    assert scorecard.score(value, goal, red_flag) is None
    assert scorecard.status(scorecard.score(value, goal, red_flag)) == "no data"


@pytest.mark.parametrize("score, expected", [(10, "green"), (6.6, "green"), (6.59, "amber"), (3.3, "amber"),
                                             (3.29, "red"), (0, "red"), (None, "no data"), (float("nan"), "no data")])
def test_status_thresholds(score, expected):
    assert scorecard.status(score) == expected


def test_exactly_at_the_goal_is_green_despite_float_noise():
    # 0.1 + 0.2 != 0.3 in floating point; a value at its goal must still be green, not 6.5999...
    assert scorecard.status(scorecard.score(0.1 + 0.2, goal=0.3, red_flag=0.1)) == "green"


@pytest.mark.parametrize("score, text", [(6.58, "6.5"), (6.6, "6.6"), (3.29, "3.2"), (3.3, "3.3"), (10, "10.0"),
                                         (None, "–")])
def test_a_shown_score_never_contradicts_its_status(score, text):
    assert scorecard.score_text(score) == text  # 6.58 is amber: "6.6" would read as green


def test_shown_values_keep_small_differences_visible(monkeypatch):
    monkeypatch.setenv("CRM_CURRENCY", "€")
    assert scorecard.shown("csat_score", 3.844) == "3.84"         # CSAT 3.84 against a goal of 3.79
    assert scorecard.shown("nps_score", 29.84) == "29.8"
    assert scorecard.shown("cost_per_interaction_amount", 6.24) == "€6.24"
    assert scorecard.shown("arpa_amount", 2369.52) == "€2.37k"
    assert scorecard.shown("revenue_amount", None) == "–"


def card(**kpi_overrides) -> scorecard.Scorecard:
    """Two perspectives: Financial (objective grow: revenue weight 2, growth weight 1; objective
    value: arpa) and Customer (objective keep: churn), Customer weighted 3."""
    def kpi(kid, query, column, **extra):
        return {"id": kid, "query": query, "column": column, **extra, **kpi_overrides.get(kid, {})}
    return scorecard.parse({"perspective": [
        {"id": "financial", "name": "Financial", "objective": [
            {"id": "grow", "name": "Grow", "kpi": [
                kpi("revenue", "kpis", "revenue_amount", target="revenue", target_scale="per_month", volume=True,
                    weight=2),
                kpi("growth", "revenue_growth", "revenue_growth_pct", goal=0.5, red_flag=0.0)]},
            {"id": "value", "name": "Value", "supports": ["grow"], "kpi": [
                kpi("arpa", "kpis", "arpa_amount")]}]},
        {"id": "customer", "name": "Customer", "weight": 3, "objective": [
            {"id": "keep", "name": "Keep", "supports": ["grow", "value"], "kpi": [
                kpi("churn", "kpis", "churn_rate_pct", direction="lower", target="churn_rate",
                    target_scale="compound_monthly")]}]},
    ]})


def test_rollups_are_weighted_means_leaving_out_no_data():
    scores = scorecard.rollup(card(), {"revenue": 9.0, "growth": 3.0, "arpa": None, "churn": 5.0})
    assert scores["objectives"] == {"grow": pytest.approx((9 * 2 + 3) / 3), "value": None, "keep": 5.0}
    assert scores["perspectives"] == {"financial": pytest.approx(7.0), "customer": 5.0}
    assert scores["overall"] == pytest.approx((7.0 * 1 + 5.0 * 3) / 4)


def test_a_rollup_without_any_score_is_no_data():
    scores = scorecard.rollup(card(), {"revenue": None, "growth": None, "arpa": None, "churn": 4.0})
    assert scores["perspectives"]["financial"] is None
    assert scores["overall"] == 4.0  # the perspective without data is left out, not counted as 0
    assert scorecard.rollup(card(), {})["overall"] is None


# --- periods, targets, projections --------------------------------------------------------------

@pytest.mark.parametrize("start, end, months", [
    ("2025-11-01", "2026-10-31", 12), ("2026-01-01", "2026-10-31", 10), ("2024-01-01", "2024-01-15", 15 / 31),
    ("2024-02-10", "2024-03-05", 20 / 29 + 5 / 31),  # 2024 is a leap year
])
def test_months_in_a_period_count_partial_months_by_days(start, end, months):
    assert scorecard.months_in(d(start), d(end)) == pytest.approx(months)


def test_target_scales():
    assert scorecard.scale_target(100, "per_month", 12) == 1200
    assert scorecard.scale_target(0.01, "compound_monthly", 12) == pytest.approx(1 - 0.99 ** 12)  # 0.11362
    assert scorecard.scale_target(0.01, "compound_monthly", 1) == pytest.approx(0.01)
    assert scorecard.scale_target(32, "none", 12) == 32
    assert scorecard.scale_target(None, "per_month", 12) is None


def test_thresholds_prefer_the_targets_table_then_the_default():
    targets = pd.DataFrame({"kpi": ["revenue", "churn_rate"], "goal": [500.0, 0.2], "red_flag": [300.0, 0.3]})
    kpis = {k.id: k for k in card().kpis}
    assert scorecard.thresholds(kpis["revenue"], targets, 3, filtered=False) == (1500, 900, "targets")
    assert scorecard.thresholds(kpis["growth"], targets, 3, filtered=False) == (0.5, 0.0, "default")
    assert scorecard.thresholds(kpis["arpa"], targets, 3, filtered=False) == (None, None, "no target")
    goal, red_flag, _ = scorecard.thresholds(kpis["churn"], targets, 2, filtered=True)  # not a volume: kept
    assert (goal, red_flag) == (pytest.approx(1 - 0.8 ** 2), pytest.approx(1 - 0.7 ** 2))
    goal, red_flag, source = scorecard.thresholds(kpis["revenue"], targets, 3, filtered=True)
    assert (goal, red_flag) == (None, None) and "company-wide" in source


def test_projection_at_the_current_pace():
    assert scorecard.project(300, "per_month", 100, 365) == pytest.approx(1095)        # 3 a day for 365 days
    assert scorecard.project(0.05, "compound_monthly", 73, 365) == pytest.approx(1 - 0.95 ** 5)
    assert scorecard.project(7.5, "none", 100, 365) == 7.5                              # a level stays
    assert scorecard.project(None, "per_month", 100, 365) is None
    assert scorecard.target_year(d("2026-10-31")) == (d("2026-01-01"), d("2026-12-31"))


# --- the definition file ------------------------------------------------------------------------

@pytest.mark.parametrize("change, message", [
    (lambda c: c["perspective"][0]["objective"][0].update(supports=["nowhere"]), "unknown objective"),
    (lambda c: c["perspective"][1]["objective"][0].update(id="grow"), "used twice"),
    (lambda c: c["perspective"][0]["objective"][0].update(supports=["grow"]), "supports itself"),
    (lambda c: c["perspective"][0]["objective"][0]["kpi"][0].update(direction="up"), "direction"),
    (lambda c: c["perspective"][0]["objective"][0]["kpi"][0].update(goal=1, red_flag=2), "better side"),
    (lambda c: c["perspective"][0]["objective"][0]["kpi"][0].pop("red_flag"), "both goal and red_flag"),
    (lambda c: c["perspective"][0]["objective"][0]["kpi"][0].pop("column"), "'column' is missing"),
    (lambda c: c["perspective"][0]["objective"][0]["kpi"][0].update(target_scale="weekly"), "target_scale"),
    (lambda c: c["perspective"][0].update(weight=0), "weight"),
])
def test_a_wrong_definition_is_refused_with_the_entry_named(change, message):
    definition = {"perspective": [
        {"id": "financial", "objective": [{"id": "grow", "kpi": [
            {"id": "revenue", "query": "kpis", "column": "revenue_amount", "goal": 2, "red_flag": 1}]}]},
        {"id": "customer", "objective": [{"id": "keep", "supports": ["grow"], "kpi": []}]}]}
    change(definition)
    with pytest.raises(scorecard.DefinitionError, match=message):
        scorecard.parse(definition)


def test_the_definition_file_has_the_four_perspectives_and_the_required_kpis():
    definition = scorecard.load(ROOT / "queries" / scorecard.DEFINITION_FILE)
    assert [p.name for p in definition.perspectives] == ["Financial", "Customer", "Internal process",
                                                         "Learning and growth"]
    by_perspective = {p.id: {k.id for o in p.objectives for k in o.kpis} for p in definition.perspectives}
    assert by_perspective == {
        "financial": {"revenue", "revenue_growth", "arpa", "lifetime_value", "channel_cost_share"},
        "customer": {"active_customers", "new_customers", "churn_rate", "nps", "csat"},
        "process": {"first_response", "resolved_in_time", "cost_per_interaction", "interactions_per_customer"},
        "learning": {"trained_share", "training_hours", "rewarded_share"},
    }
    # Every target name of the demo's targets table is read by a KPI (a typo would silently use defaults).
    demo_targets = {"churn_rate", "new_customers", "revenue", "nps", "csat", "first_response_hours", "trained_share"}
    assert demo_targets <= {k.target for k in definition.kpis}
    for kpi in definition.kpis:
        assert (ROOT / kpi.page).exists(), f"{kpi.id}: page {kpi.page} does not exist"
        assert kpi.owner and kpi.definition, kpi.id


def test_every_kpi_query_returns_one_row_with_its_column(runner):
    definition = scorecard.load(ROOT / "queries" / scorecard.DEFINITION_FILE)
    for kpi in definition.kpis:
        frame = runner(kpi.query, "2024-03-01", "2024-03-31")
        assert len(frame) == 1 and kpi.column in frame.columns, kpi.id


def test_strategy_map_puts_the_first_perspective_on_top_and_draws_every_link():
    nodes, links = scorecard.strategy_map(card(), {"grow": 7.0, "value": None, "keep": 2.0})
    top = nodes.set_index("objective")
    assert (top.band["grow"], top.band["keep"]) == (1, 0)         # Financial above Customer
    assert list(top.x[["grow", "value"]]) == [0.25, 0.75]         # spread evenly in the band
    assert list(top.status[["grow", "value", "keep"]]) == ["green", "no data", "red"]
    assert sorted(zip(links.source, links.target)) == [("keep", "grow"), ("keep", "value"), ("value", "grow")]


# --- the scorecard queries on the hand-made dataset ---------------------------------------------

def test_targets_in_period_average_over_the_days_they_cover(runner):
    targets = runner("targets_in_period", "2023-12-01", "2024-01-31").set_index("kpi")
    # December at 100 (31 days) and January at 500 (31 days); the churn target covers January only.
    assert targets.loc["revenue"].tolist() == pytest.approx([300, 190, 62])
    assert targets.loc["churn_rate"].tolist() == pytest.approx([0.2, 0.3, 31])
    assert runner("targets_in_period", "2022-01-01", "2022-12-31").empty


def test_revenue_growth_against_the_previous_period_of_equal_length(runner):
    # March (31 days) against 30 Jan - 29 Feb. Iberia: 300 + 150 against A's 200.
    row = runner("revenue_growth", "2024-03-01", "2024-03-31", **IBERIA).iloc[0]
    assert (row.revenue_amount, row.previous_revenue_amount) == (450, 200)
    assert row.revenue_growth_pct == pytest.approx(1.25)
    assert runner("revenue_growth", "2024-03-01", "2024-03-31", channels=["Web"],
                  **IBERIA).iloc[0].revenue_growth_pct == pytest.approx(150 / 200 - 1)
    assert runner("revenue_growth", "2024-03-01", "2024-03-31").iloc[0].revenue_growth_pct == pytest.approx(
        450 / 1200 - 1)  # N's 1000 in February
    assert pd.isna(runner("revenue_growth", "2024-01-01", "2024-01-31").iloc[0].revenue_growth_pct)  # nothing before


def test_lifetime_value_from_the_trailing_six_months(runner):
    row = runner("lifetime_value", "2024-03-01", "2024-03-31", **IBERIA).iloc[0]
    # Windows Oct 2023 .. Mar 2024; the 2023 ones hold no customers (undefined, left out).
    # Jan: 150 revenue / ((0 + 2) / 2) = 150, churn undefined (none active at the start)
    # Feb: 200 / ((2 + 3) / 2) = 80, churn 0 / 2;  Mar: 450 / ((3 + 2) / 2) = 180, churn 1 / 3 (B)
    assert row.monthly_arpa_amount == pytest.approx((150 + 80 + 180) / 3)
    assert row.monthly_churn_rate_pct == pytest.approx((0 + 1 / 3) / 2)
    assert row.lifetime_value_amount == pytest.approx((410 / 3) * 0.3 / (1 / 6))  # = 246


def test_channel_cost_share(runner):
    row = runner("channel_cost_share", "2024-03-01", "2024-03-31", **IBERIA).iloc[0]
    assert (row.channel_cost_amount, row.revenue_amount) == (55, 450)
    assert row.channel_cost_share_pct == pytest.approx(55 / 450)
    # Costs are not split by segment: the segment filter applies to neither part.
    assert runner("channel_cost_share", "2024-03-01", "2024-03-31", segments=["Multinational"],
                  **IBERIA).iloc[0].channel_cost_share_pct == pytest.approx(55 / 450)
    assert runner("channel_cost_share", "2024-03-01", "2024-03-31", channels=["Web"],
                  **IBERIA).iloc[0].channel_cost_share_pct == pytest.approx(45 / 150)
    assert runner("channel_cost_share", "2024-03-01", "2024-03-31").iloc[0].channel_cost_share_pct == pytest.approx(
        255 / 450)


def test_interactions_per_customer(runner):
    # Iberia in March: A, B, C active at the start, A and C at the end (B lost 03-10): average 2.5.
    row = runner("interactions_per_customer", "2024-03-01", "2024-03-31", **IBERIA).iloc[0]
    assert (row.interactions_count, row.average_active_count) == (4, 2.5)
    assert row.interactions_per_customer_count == pytest.approx(1.6)
    assert runner("interactions_per_customer", "2024-03-01", "2024-03-31", segments=["Multinational"],
                  **IBERIA).iloc[0].interactions_per_customer_count == pytest.approx(2.0)  # A: 2 contacts
    # The channel filter narrows the interactions, not the customers.
    assert runner("interactions_per_customer", "2024-03-01", "2024-03-31", channels=["Telephone"],
                  **IBERIA).iloc[0].interactions_per_customer_count == pytest.approx(1 / 2.5)


def test_training_summary(runner):
    row = runner("training_summary", "2024-01-01", "2024-06-30", **IBERIA).iloc[0]
    # Customer-facing on 06-30: E1 (trained 2024-02-01) and E6 (never); E2 left, E5 not hired yet.
    assert (row.customer_facing_count, row.trained_count, row.trained_share_pct) == (2, 1, 0.5)
    # Hours in the period: E1 8 + E2 2 + E3 16 over E1, E2, E3, E6 employed in it.
    assert (row.training_hours, row.staff_count, row.training_per_employee_hours) == (26, 4, 6.5)
    everyone = runner("training_summary", "2024-01-01", "2024-06-30").iloc[0]
    assert everyone.trained_share_pct == pytest.approx(2 / 3)                     # E1, E4 of E1, E4, E6
    assert everyone.training_per_employee_hours == pytest.approx(30 / 5)
    # Staff have no segment or channel: those filters do not apply.
    assert runner("training_summary", "2024-01-01", "2024-06-30", segments=["Household"],
                  channels=["Fax"]).iloc[0].trained_share_pct == pytest.approx(2 / 3)
    # Trained = a course in the 12 months up to the period's last day: E1's last one is on 2024-02-01.
    row = runner("training_summary", "2025-01-01", "2025-01-31", **IBERIA).iloc[0]
    assert (row.customer_facing_count, row.trained_count) == (3, 2)               # E1, E5, E6; E1 and E5
    assert runner("training_summary", "2025-01-01", "2025-02-01", **IBERIA).iloc[0].trained_count == 1  # E5


def test_evaluate_scores_the_period_against_scaled_targets(runner):
    scored = scorecard.evaluate(run_with(runner), card(), period("2024-03-01", "2024-03-31"))
    # Revenue: 450 in March against the monthly 500 / 300: (450 - 300) / 200 = 0.75 -> 3.3 + 0.75 x 3.3
    assert scored.loc["revenue", ["value", "goal", "red_flag", "source"]].tolist() == [450, 500, 300, "targets"]
    assert scored.loc["revenue", "score"] == pytest.approx(5.775)
    # Growth: 450 / 1200 - 1 = -0.625 against the default 0.5 / 0.0: far below the red flag, clipped.
    assert (scored.loc["growth", "score"], scored.loc["growth", "status"]) == (0.0, "red")
    # Churn: A, B, C, N active on 03-01, B lost -> 0.25 against 0.2 / 0.3 (one month): half-way.
    assert scored.loc["churn", "value"] == pytest.approx(0.25)
    assert scored.loc["churn", "score"] == pytest.approx(4.95)
    assert scored.loc["arpa", "status"] == "no data"  # no target and no default
    rolled = scorecard.rollup(card(), scored["score"].to_dict())
    assert rolled["objectives"]["grow"] == pytest.approx((5.775 * 2 + 0) / 3)
    assert rolled["overall"] == pytest.approx((3.85 * 1 + 4.95 * 3) / 4)


def test_under_a_filter_volume_kpis_have_no_company_target(runner):
    scored = scorecard.evaluate(run_with(runner), card(), period("2024-03-01", "2024-03-31", **IBERIA))
    assert scored.loc["revenue", "status"] == "no data"
    assert "company-wide" in scored.loc["revenue", "source"]
    assert scored.loc["growth", "score"] == 10.0                         # 1.25: far above the goal, clipped
    assert scored.loc["churn", "score"] == pytest.approx(3.3 - 3.3 / 3)   # 1/3 against 0.2 / 0.3: red


def test_projection_to_the_end_of_the_target_year(runner):
    ahead = scorecard.projections(run_with(runner), card(), period("2024-03-01", "2024-03-31"))
    assert set(ahead.index) == {"revenue", "churn"}  # the KPIs with a row in the targets table
    revenue = ahead.loc["revenue"]
    # 1 Jan - 31 Mar 2024: 1800 in 91 days -> x 366 / 91; the year's target 12 x 500 / 12 x 300.
    assert revenue.so_far == 1800
    assert revenue.projected == pytest.approx(1800 * 366 / 91)
    assert (revenue.goal, revenue.red_flag) == (6000, 3600)
    assert revenue.score == pytest.approx(3.3 + (1800 * 366 / 91 - 3600) / 2400 * 3.3)
    assert ahead.loc["churn", "status"] == "no data"  # nobody was active on 1 January: churn undefined


# --- the page -----------------------------------------------------------------------------------

def open_scorecard(query_params: dict | None = None, view_as: str | None = None) -> AppTest:
    at = open_page("pages/4_Scorecard.py", query_params, view_as=view_as, timeout=180)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_scorecard_page_shows_scores_links_and_the_map(app_env):
    at = open_scorecard()
    assert [m.label for m in at.metric] == ["Overall", "Financial", "Customer", "Internal process",
                                            "Learning and growth"]
    assert all(m.value.endswith("/ 10") for m in at.metric)
    definition = scorecard.load(ROOT / "queries" / scorecard.DEFINITION_FILE)
    links = {link.proto.label: link.proto for link in at.get("page_link")}
    assert {k.label for k in definition.kpis} <= set(links)
    assert links["NPS"].page == "Service_quality" and links["NPS"].query_string == ""
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1 + len(definition.kpis)  # the strategy map and one sparkline per KPI
    assert not any("company-wide target" in c.value for c in at.caption)


def test_scorecard_page_for_one_region(app_env):
    at = open_scorecard({"region": "Iberia"})
    links = {link.proto.label: link.proto for link in at.get("page_link")}
    assert links["NPS"].query_string == "region=Iberia"  # the drill-down keeps the filters
    assert sum("company-wide target" in c.value for c in at.caption) == 3  # revenue, active and new customers


def test_a_region_restricted_user_gets_no_company_wide_targets(app_env):
    at = open_scorecard(view_as="ana.garcia@example.com")  # a sales manager who sees Iberia only
    assert sum("company-wide target" in c.value for c in at.caption) == 3
