"""Balanced scorecard: objectives in four perspectives, each KPI against its target, with a strategy map."""
from pathlib import Path

import streamlit as st

from crm import access, charts, commentary, data, scorecard, ui
from crm.formatting import format_change
from crm.frame import frame
from crm.periods import COMPARISONS
from crm.site import page_id

page = frame("Balanced scorecard", ":material/target:")

card = scorecard.load()
scope = access.current()
# Regions as this user may see them: a region-restricted user is a filtered view (no company-wide targets).
values, previous_values = scope.clamp(page.values), scope.clamp(page.previous_values)
with st.spinner("Scoring the KPIs…"):
    report = scorecard.report(data.run_each, card, values, previous_values)
now, before, trend, ahead = report["now"], report["before"], report["trend"], report["ahead"]
scores = scorecard.rollup(card, now["score"].to_dict())
previous = scorecard.rollup(card, before["score"].to_dict())
year_start, _ = scorecard.target_year(page.end)
notes = commentary.Commentary(page.start, page.end)  # notes and initiatives from the app's database
if notes.error:
    st.warning(f"Notes and initiatives cannot be shown: the app's database failed ({notes.error}).",
               icon=":material/error:")
elif missing := commentary.missing_notes(now, notes.noted):
    st.warning(f"{len(missing)} red KPI{'s' * (len(missing) != 1)} without a note for this period: "
               f"{', '.join(card.kpi(k).label for k in missing)}. Their owners explain what happened and what is "
               "being done (Notes, beside each KPI).", icon=":material/edit_note:")

# Overall and perspective scores, against the previous period.
tiles = [("Overall", "overall", scores["overall"], previous["overall"])] + [
    (p.name, p.id, scores["perspectives"][p.id], previous["perspectives"][p.id]) for p in card.perspectives]
for column, (label, key, value, before_value) in zip(st.columns(len(tiles)), tiles):
    with column.container(border=True):
        st.metric(label, "–" if value is None else f"{scorecard.score_text(value)} / 10",
                  delta=None if value is None or before_value is None else f"{value - before_value:+.1f}",
                  help="Mean of the perspectives' scores (0–10)." if key == "overall"
                  else "Weighted mean of the scores (0–10) of this perspective's KPIs.")
        st.markdown(scorecard.badge(value, with_score=False))
st.caption(f"Scores run from 0 to 10: a KPI at its goal scores {scorecard.GOAL_SCORE}, at its red flag "
           f"{scorecard.RED_FLAG_SCORE}; green from {scorecard.GREEN_FROM}, red below {scorecard.RED_BELOW}. "
           f"Changes compare with the {COMPARISONS[page.filters.compare].lower()}: "
           f"{previous_values['start_date']:%d %b %Y} – {previous_values['end_date']:%d %b %Y}.")

with st.container(border=True):
    st.subheader("Strategy map")
    nodes, links = scorecard.strategy_map(card, scores["objectives"])
    nodes = commentary.with_initiatives(nodes, commentary.open_initiatives(card, notes.initiatives))
    ui.chart(charts.strategy_map(nodes, links, scorecard.STATUS_COLORS))
    st.caption("Each box is an objective, coloured by the weighted score of its KPIs; an arrow runs from an "
               "objective to the one it drives (cause and effect, from queries/scorecard.toml); ⚑ counts the open "
               "initiatives linked to its KPIs.")

st.caption(f"Targets are for the selected period (per-month targets scaled to its length). **Projected for "
           f"{year_start.year}**: the value from {year_start:%d %b} to {page.end:%d %b %Y} continued at the same "
           f"pace to 31 Dec, against the {year_start.year} target, for KPIs with a target in the targets table "
           "(totals are extended by days, churn as a monthly rate, levels and ratios stay as they are).")

HEADINGS = ["KPI", "Value", "Target for the period", "Score", "Change", "Last 12 months",
            f"Projected for {year_start.year}", "Commentary"]
WIDTHS = [2.8, 1.2, 1.8, 1.3, 1.2, 1.8, 2.1, 1.7]

for perspective in card.perspectives:
    with st.container(border=True):
        st.markdown(f"### {perspective.name} &nbsp; {scorecard.badge(scores['perspectives'][perspective.id])}")
        for column, heading in zip(st.columns(WIDTHS), HEADINGS):
            column.caption(heading)
        for objective in perspective.objectives:
            st.markdown(f"**{objective.name}** &nbsp; {scorecard.badge(scores['objectives'][objective.id])}")
            for kpi in objective.kpis:
                row, last = now.loc[kpi.id], before.loc[kpi.id]
                name, value, target, score, change, spark, projection, note = st.columns(
                    WIDTHS, vertical_alignment="center")
                if kpi.page and Path(kpi.page).exists() and scope.may_open(page_id(kpi.page)):
                    name.page_link(kpi.page, label=kpi.label, icon=":material/arrow_outward:",
                                   query_params=page.filters.to_url(), help=kpi.definition)
                else:
                    name.markdown(kpi.label, help=kpi.definition)
                name.caption(f"Owner: {kpi.owner}" if kpi.owner else "")
                value.markdown(f"**{scorecard.shown(kpi.column, row.value)}**")
                if scorecard.missing(row.goal):
                    target.caption(row.source)
                else:
                    target.markdown(f"goal {scorecard.shown(kpi.column, row.goal)}")
                    target.caption(f"red flag {scorecard.shown(kpi.column, row.red_flag)} · {row.source}")
                score.markdown(scorecard.badge(row.score))
                delta = format_change(kpi.column, row.value, last.value) or "–"
                if delta != "–" and not delta.lstrip("+-").startswith("0.0"):  # colour real changes only
                    delta = f":{'green' if (row.value > last.value) != kpi.lower_is_better else 'red'}[{delta}]"
                change.markdown(delta)
                change.caption(f"was {scorecard.shown(kpi.column, last.value)}")
                with spark:
                    ui.chart(charts.sparkline(trend.rename(columns={kpi.id: kpi.column}), kpi.column),
                             key=f"spark_{kpi.id}")
                if kpi.id in ahead.index:
                    plan = ahead.loc[kpi.id]
                    projection.markdown(f"{scorecard.shown(kpi.column, plan.projected)} &nbsp; "
                                        f"{scorecard.badge(plan.score)}")
                    projection.caption(f"goal {scorecard.shown(kpi.column, plan.goal)} · "
                                       f"so far {scorecard.shown(kpi.column, plan.so_far)}")
                else:
                    projection.markdown("–")
                commentary.cell(note, page, scope, kpi, row.status, notes)

with st.expander("How the scorecard works", icon=":material/help:"):
    st.markdown(f"""
**Definition.** Perspectives, objectives, KPIs, weights, owners, default thresholds and the cause-and-effect
links are in `queries/scorecard.toml`; each KPI's value comes from a query file in `queries/` (its column),
the same files as the other pages, so every number can be drilled into: the KPI's name opens the page that
explains it, with the current filters.

**Targets.** Goal and red flag come from the `targets` table (column `kpi` = the KPI's `target` name),
averaged over the days of the period they cover; without a row, the KPI's default from the definition file.
A per-month target (revenue, new customers, ARPA, ...) is multiplied by the months in the period (partial
months by their share of days); a monthly churn target *c* becomes 1 − (1 − *c*)<sup>months</sup>, the share
of the starting customers lost over the period. Revenue, active and new customers are totals whose targets are
company-wide: with a region, segment or channel filter they are shown without a target or score.

**Scores.** Goal = {scorecard.GOAL_SCORE}, red flag = {scorecard.RED_FLAG_SCORE}, linear between and beyond,
clipped to 0–10 (inverted for lower-is-better KPIs); when goal and red flag are equal, meeting the goal scores
{scorecard.GOAL_SCORE} and missing it 0. Green from {scorecard.GREEN_FROM}, red below {scorecard.RED_BELOW},
amber between; no value or no target = no data. Objectives and perspectives are the weighted means of their
KPIs' scores, the overall score the mean of the four perspectives; KPIs without data are left out.

**Projection.** For KPIs with a target in the `targets` table: the value from 1 January to the period's last
day, extended to 31 December at the same pace, against the year's target. Totals (per-month targets): value so
far ÷ days elapsed × days in the year; churn: the monthly loss so far continued to the year's end; levels and
ratios (NPS, CSAT, response time, shares): the value so far.

**Filters.** Staff and training KPIs follow the region filter only (staff have no segment or channel). Channel
cost / revenue and cost per interaction ignore the segment filter (costs are not split by segment).
""", unsafe_allow_html=True)
