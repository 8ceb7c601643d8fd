"""Segment and channel detail pages: they render under AppTest for every segment and channel of the
demo data, the selector sets the filter (and the URL), and the slice-vs-whole arithmetic."""
import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import open_page
from crm import demo, detail, kpis, metrics

HEADLINE = metrics.some(kpis.HEADLINE)
HEADLINE_LABELS = [k.label for k in HEADLINE]


def url_values(at: AppTest, key: str) -> list[str]:
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def assert_detail(at: AppTest, value: str, whole: str) -> pd.DataFrame:
    """The page shows the slice's tiles and its comparison table; returns that table."""
    assert not at.exception, [e.value for e in at.exception]
    assert f"{value} next to {whole.lower()}" in [s.value for s in at.subheader]
    assert [m.label for m in at.metric][:len(HEADLINE_LABELS)] == HEADLINE_LABELS
    table = at.dataframe[0].value
    assert table.columns.tolist() == ["measure", value, whole, "share", "index"]
    assert table["measure"].tolist() == HEADLINE_LABELS
    return table.set_index("measure")


@pytest.mark.parametrize("segment", demo.SEGMENTS)
def test_segment_detail_renders_for_every_segment(app_env, segment):
    at = open_page("pages/6_Segment.py", {"segment": segment})
    table = assert_detail(at, segment, "All segments")
    assert table.loc["Channel cost", "share"] == "–"  # costs are not split by segment
    assert table.loc["Revenue", "share"].endswith(" %") and table.loc["Churn rate", "index"] != "–"
    assert f"Top customers by revenue: {segment}" in [s.value for s in at.subheader]
    assert {"Revenue by channel", "New customers by channel"} <= {s.value for s in at.subheader}
    at.run()  # a second run draws it again
    assert_detail(at, segment, "All segments")


@pytest.mark.parametrize("channel", demo.CHANNELS)
def test_channel_detail_renders_for_every_channel(app_env, channel):
    at = open_page("pages/6_Channel.py", {"channel": channel})
    table = assert_detail(at, channel, "All channels")
    assert table.loc["Channel cost", "share"].endswith(" %")  # costs are split by channel
    assert {"Revenue by segment", "New customers by segment"} <= {s.value for s in at.subheader}


def test_without_a_single_segment_the_page_asks_for_one_and_the_pick_sets_the_filter(app_env):
    at = open_page("pages/6_Segment.py")
    assert not at.exception, [e.value for e in at.exception]
    assert any("Pick one segment" in i.value for i in at.info)
    assert not at.metric
    assert at.pills[0].options == sorted(demo.SEGMENTS)
    at.pills[0].set_value("Household").run()
    assert url_values(at, "segment") == ["Household"]
    assert_detail(at, "Household", "All segments")
    at.pills[0].set_value("Multinational").run()  # the selector switches the slice
    assert url_values(at, "segment") == ["Multinational"]
    assert_detail(at, "Multinational", "All segments")


def test_several_channels_selected_ask_for_one(app_env):
    at = open_page("pages/6_Channel.py", {"channel": ["Web", "Fax"]})
    assert not at.exception, [e.value for e in at.exception]
    assert any("Several channels are selected (Web, Fax)" in i.value for i in at.info)


def test_a_segment_the_data_does_not_hold_asks_for_another(app_env):
    at = open_page("pages/6_Segment.py", {"segment": "Pensioners"})
    assert not at.exception, [e.value for e in at.exception]
    assert any("segment=`Pensioners` is not in the data; it was left out" in w.value for w in at.warning)
    assert any("one segment to see its detail" in i.value for i in at.info)
    assert not at.metric


# --- the arithmetic, on hand-made rows ------------------------------------------------------------

def row(**values) -> pd.Series:
    base = {k.column: 0.0 for k in HEADLINE}
    return pd.Series({**base, **values})


def test_comparison_gives_shares_for_amounts_and_indexes_for_rates():
    household = row(active_end_count=250, revenue_amount=1_000.0, churn_rate_pct=0.15, arpa_amount=40.0,
                    nps_score=20.0, channel_cost_amount=500.0)
    everyone = row(active_end_count=1_000, revenue_amount=4_000.0, churn_rate_pct=0.10, arpa_amount=50.0,
                   nps_score=30.0, channel_cost_amount=500.0)
    table = detail.comparison(HEADLINE, household, everyone, "segment", "Household", "All segments")
    table = table.set_index("measure")
    assert table.loc["Active customers"].tolist() == ["250", "1,000", "25.0 %", "–"]
    assert table.loc["Revenue", "share"] == "25.0 %"
    assert table.loc["Churn rate", ["share", "index"]].tolist() == ["–", "150"]   # 0.15 / 0.10 x 100
    assert table.loc["ARPA", "index"] == "80"                                     # 40 / 50 x 100
    assert table.loc["NPS", ["share", "index"]].tolist() == ["–", "–"]            # no ratio of a -100..100 score
    assert table.loc["Channel cost", "share"] == "–"                              # not split by segment
    assert table.loc["New customers", "share"] == "–"                             # 0 of 0: not defined
    by_channel = detail.comparison(HEADLINE, household, everyone, "channel", "Web", "All channels")
    assert by_channel.set_index("measure").loc["Channel cost", "share"] == "100.0 %"


def test_trend_frame_shares_and_side_by_side_values():
    months = [dt.date(2024, 1, 1), dt.date(2024, 2, 1)]
    mine = pd.DataFrame({"month": months, "revenue_amount": [10.0, 30.0], "churn_rate_pct": [0.2, None]})
    whole = pd.DataFrame({"month": months, "revenue_amount": [40.0, 0.0], "churn_rate_pct": [0.1, 0.1]})
    share = detail.trend_frame(mine, whole, "revenue_amount", "Web", "All channels")
    assert share["series"].tolist() == ["Web", "Web"]
    assert share["value"].tolist()[0] == 0.25 and pd.isna(share["value"].tolist()[1])  # 30 / 0 is not defined
    both = detail.trend_frame(mine, whole, "churn_rate_pct", "Web", "All channels")
    assert both["series"].tolist() == ["Web", "Web", "All channels", "All channels"]
    assert both["value"].tolist()[2:] == [0.1, 0.1]
