"""Service quality: the complaints and satisfaction queries on a hand-made dataset (every expected
number worked out here by hand), and the page under AppTest.

Customers: A (Iberia, Household, Web) and B (Nordics, Multinational, Telephone). An interaction on
2024-03-31 makes that the as-of date: deadlines after the end of that day have not passed yet.
Complaints (2024; received, first response after, resolved after):
  k1 A Web      Billing   03-01 10:00, 2 h,  1 day,   rewarded
  k2 A Web      Billing   03-02 09:00, 30 h, 6 days
  k3 A Telephone Delivery 03-05 08:00, 10 h, never
  k4 A Web      Delivery  03-31 20:00, never, never    (24 h not passed on the as-of date)
  k5 B Telephone Billing  03-10 00:00, 4 h,  3 days,  rewarded
  k6 A Web      Billing   02-20 12:00, 1 h,  resolved 03-05 12:00
  k7 A Web      Website   02-25 09:00, never, never
Surveys, March (nps, csat): A Web (10, 5), A Web (9, 4), A no channel = Web (6, 2), A Web (7, -),
  A Mail (-, 3), B Telephone (0, 1).
"""
import datetime as dt
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, Runner, build_warehouse, customer, d, open_page
from crm import catalog, kpis, warehouse

H = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def complaint(cid, who, channel, category, received, response=None, resolution=None, rewarded=False):
    received = dt.datetime.fromisoformat(received)
    return {"complaint_id": cid, "customer_id": who, "channel": channel, "category": category,
            "received_at": received, "first_response_at": received + response if response else None,
            "resolved_at": received + resolution if resolution else None, "rewarded": rewarded}


COMPLAINTS = [
    complaint("k1", "A", "Web", "Billing", "2024-03-01 10:00", 2 * H, DAY, rewarded=True),
    complaint("k2", "A", "Web", "Billing", "2024-03-02 09:00", 30 * H, 6 * DAY),
    complaint("k3", "A", "Telephone", "Delivery", "2024-03-05 08:00", 10 * H),
    complaint("k4", "A", "Web", "Delivery", "2024-03-31 20:00"),
    complaint("k5", "B", "Telephone", "Billing", "2024-03-10 00:00", 4 * H, 3 * DAY, rewarded=True),
    complaint("k6", "A", "Web", "Billing", "2024-02-20 12:00", H, 14 * DAY),
    complaint("k7", "A", "Web", "Website", "2024-02-25 09:00"),
]
SURVEYS = [{"survey_id": f"s{n}", "customer_id": who, "channel": channel, "answered_on": d("2024-03-15"),
            "nps_score": nps, "csat_score": csat}
           for n, (who, channel, nps, csat) in enumerate([
               ("A", "Web", 10, 5), ("A", "Web", 9, 4), ("A", None, 6, 2), ("A", "Web", 7, None),
               ("A", "Mail", None, 3), ("B", "Telephone", 0, 1)])]
TABLES = {
    "customers": [customer("A", "2023-01-01"),
                  customer("B", "2023-01-01", region="Nordics", segment="Multinational", channel="Telephone")],
    "interactions": [{"interaction_id": "i1", "customer_id": "B", "channel": "Web", "interacted_on": d("2024-03-31")}],
    "complaints": COMPLAINTS,
    "surveys": SURVEYS,
}
MARCH = ("2024-03-01", "2024-03-31")


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    return Runner(build_warehouse(tmp_path_factory.mktemp("service"), TABLES))


def test_complaints_received_answered_resolved_rewarded(runner):
    row = runner("complaints_summary", *MARCH).iloc[0]
    assert row[["received_count", "answered_count", "resolved_count", "rewarded_count"]].tolist() == [5, 4, 3, 2]
    assert row[["answered_pct", "resolved_pct", "rewarded_pct"]].tolist() == pytest.approx([0.8, 0.6, 0.4])


def test_response_and_resolution_times(runner):
    row = runner("complaints_summary", *MARCH).iloc[0]
    # First responses 2, 30, 10, 4 hours: median (4 + 10) / 2; 90th percentile 10 + 0.7 x (30 - 10).
    assert (row.first_response_median_hours, row.first_response_p90_hours) == (pytest.approx(7), pytest.approx(24))
    # Resolutions 1, 6, 3 days: median 3; 90th percentile 3 + 0.8 x (6 - 3).
    assert (row.resolution_median_days, row.resolution_p90_days) == (pytest.approx(3), pytest.approx(5.4))


def test_shares_within_the_service_level(runner):
    row = runner("complaints_summary", *MARCH).iloc[0]
    assert (row.response_within_hours, row.resolution_within_days) == (24, 5)
    # Answered within 24 h: k1, k3, k5 of the 4 due (k4's 24 hours had not passed on the as-of date).
    assert row.answered_in_time_pct == pytest.approx(3 / 4)
    # Resolved within 5 days: k1, k5 of k1, k2, k3 (5 days passed, still open) and k5; k4 not due yet.
    assert row.resolved_in_time_pct == pytest.approx(2 / 4)


def test_backlog_is_open_complaints_at_the_end_of_each_month(runner):
    def run_each(query_id, value_sets):
        query = catalog.get(query_id, ROOT / "queries")
        return catalog.split_sets(warehouse.run(runner.con, *query.bind_each(value_sets)).frame, len(value_sets))

    months = kpis.per_month(SimpleNamespace(run_each=run_each), "complaints_summary",
                            {"start_date": d("2024-02-01"), "end_date": d("2024-03-31"), "regions": [], "segments": [],
                             "channels": []})
    assert [m.isoformat() for m in months.month] == ["2024-02-01", "2024-03-01"]
    assert months.received_count.tolist() == [2, 5]
    # End of February: k6 (resolved 03-05) and k7. End of March: k3, k4, k7 (k6 and k2 resolved in March).
    assert months.backlog_count.tolist() == [2, 3]


def test_complaint_filters(runner):
    iberia = runner("complaints_summary", *MARCH, regions=["Iberia"]).iloc[0]
    assert (iberia.received_count, iberia.answered_count, iberia.resolved_count, iberia.rewarded_count,
            iberia.backlog_count) == (4, 3, 2, 1, 3)
    telephone = runner("complaints_summary", *MARCH, channels=["Telephone"]).iloc[0]  # the complaint's channel
    assert (telephone.received_count, telephone.backlog_count) == (2, 1)              # k3, k5; k3 open
    assert runner("complaints_summary", *MARCH, segments=["Multinational"]).iloc[0].received_count == 1  # k5


def test_complaints_by_category(runner):
    rows = runner("complaints_by_category", *MARCH).set_index("category")
    assert list(rows.index) == ["Billing", "Delivery"]
    assert rows.loc["Billing", ["received_count", "answered_count", "resolved_count", "rewarded_count"]].tolist() \
        == [3, 3, 3, 2]
    assert rows.loc["Billing", ["first_response_median_hours", "resolution_median_days"]].tolist() == \
        pytest.approx([4, 3])
    assert rows.loc["Delivery", ["received_count", "answered_count", "resolved_count"]].tolist() == [2, 1, 0]


def test_no_complaints_is_zero_not_an_error(runner):
    row = runner("complaints_summary", "2023-01-01", "2023-01-31").iloc[0]
    assert row.received_count == 0
    assert row.first_response_median_hours != row.first_response_median_hours  # NULL (NaN): not defined


def test_satisfaction(runner):
    row = runner("satisfaction_summary", *MARCH).iloc[0]
    # NPS answers 10, 9, 6, 7, 0: 2 promoters, 2 detractors; CSAT 5, 4, 2, 3, 1.
    assert (row.nps_score, row.nps_responses_count) == (0.0, 5)
    assert (row.csat_score, row.csat_responses_count) == (3.0, 5)
    iberia = runner("satisfaction_summary", *MARCH, regions=["Iberia"]).iloc[0]
    assert (iberia.nps_score, iberia.csat_score) == (pytest.approx(100 * (2 - 1) / 4), pytest.approx(14 / 4))
    web = runner("satisfaction_summary", *MARCH, channels=["Web"]).iloc[0]  # no channel = acquisition channel
    assert (web.nps_score, web.nps_responses_count, web.csat_score) == (pytest.approx(25.0), 4, pytest.approx(11 / 3))


@pytest.mark.parametrize("lists", [{}, {"regions": ["Iberia"]}, {"channels": ["Web"]}])
def test_nps_matches_the_headline_kpi(runner, lists):
    assert runner("satisfaction_summary", *MARCH, **lists).iloc[0].nps_score == \
        pytest.approx(runner("kpis", *MARCH, **lists).iloc[0].nps_score)


# --- the page -----------------------------------------------------------------------------------

def open_service(query_params: dict | None = None) -> AppTest:
    at = open_page("pages/5_Service_quality.py", query_params, timeout=180)
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("query_params", [{}, {"region": "Iberia"}])
def test_service_page_renders_complaints_satisfaction_and_training(app_env, query_params):
    at = open_service(query_params)
    labels = [m.label for m in at.metric]
    for label in ("Complaints received", "Answered", "Resolved", "Rewarded", "Open at period end",
                  "First response, median", "Resolved within level", "NPS", "CSAT", "Staff trained in CRM"):
        assert label in labels
    assert [h.value for h in at.header] == ["Complaints", "Satisfaction", "Staff training"]
    assert any("first response within **24 hours**" in c.value for c in at.caption)
    assert len(at.get("vega_lite_chart")) == 12  # 2 breakdowns, 2 times, backlog, 2 trends, 4 by segment/channel, 1
    everyone = open_service().metric[0].value
    if query_params:
        assert at.metric[0].value != everyone  # the region filter applies


def test_a_restricted_sales_manager_sees_no_other_regions_name_anywhere_on_the_page(app_env):
    # ana.garcia may see Iberia only: the training-by-region chart (and everything else on the page)
    # names Iberia and no other region; the admin's chart names every region.
    from test_privacy import sent
    others = [b"DACH", b"Americas", b"Nordics", b"Asia-Pacific"]
    manager = open_page("pages/5_Service_quality.py", view_as="ana.garcia@example.com")
    assert not manager.exception, [e.value for e in manager.exception]
    assert [r for r in others if r in sent(manager.main)] == []  # (the demo's "view as" lists users' regions)
    training = [c.proto.SerializeToString() for c in manager.get("vega_lite_chart")
                if b"customer_facing_count" in c.proto.SerializeToString()]
    assert len(training) == 1 and b"Iberia" in training[0]
    admin = open_page("pages/5_Service_quality.py")
    assert all(r in sent(admin.main) for r in others)
    # A link asking for DACH cannot put "DACH" on her Iberia numbers either.
    asks = open_page("pages/5_Service_quality.py", {"region": "DACH"}, view_as="ana.garcia@example.com")
    training = [c.proto.SerializeToString() for c in asks.get("vega_lite_chart")
                if b"customer_facing_count" in c.proto.SerializeToString()]
    assert len(training) == 1 and b"Iberia" in training[0] and b"DACH" not in training[0]
