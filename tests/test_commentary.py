"""Scorecard commentary on SQLite and PostgreSQL: a red KPI shows "red, no note" until its owner (or
a role with note_any_kpi) writes one; the note keeps who, when, period and filters; initiatives
show beside the KPI and on the strategy map; others cannot write."""
import datetime as dt

import pandas as pd

from conftest import open_page
from crm import access, commentary, scorecard
from crm.appstate import notes

PAGE = "pages/4_Scorecard.py"
CEO = access.Scope("ceo@example.com", "executive", "Executive", None, None, True, frozenset({"note_any_kpi"}))


def as_user(email: str, **params):
    return open_page(PAGE, params, user={"is_logged_in": True, "email": email})


def badges(at) -> list[str]:
    return [m.value for m in at.markdown if "no note" in m.value or "noted" in m.value]


def red_kpis(at) -> int:
    return sum("red, no note" in b for b in badges(at))


def test_note_states_and_rights():
    assert commentary.state("red", noted=False) == "red, no note"
    assert commentary.state("red", noted=True) == commentary.state("green", noted=True) == "noted"
    assert commentary.state("amber", noted=False) == ""
    now = pd.DataFrame({"status": ["red", "red", "green"]}, index=["arpa", "nps", "revenue"])
    assert commentary.missing_notes(now, {"nps"}) == ["arpa"]
    kpi = type("Kpi", (), {"owner": "Head of Sales"})()
    ana = access.Scope("ana", "sales_manager", "Sales manager", None, ("Iberia",), True, owns=("Head of Sales",))
    analyst = access.Scope("an", "analyst", "Analyst", None, None, False)
    assert commentary.may_write(ana, kpi) and commentary.may_write(CEO, kpi) and not commentary.may_write(analyst, kpi)


def test_a_note_turns_a_red_kpi_from_no_note_to_noted(app_env, appstate_url):
    at = as_user("ceo@example.com")
    assert not at.exception
    red = red_kpis(at)
    [warning] = [w.value for w in at.warning if "without a note for this period" in w.value]
    assert red >= 1 and warning.startswith(f"{red} red KPI")
    # the first red KPI the warning names (which KPIs are red depends on the demo's economics)
    label = warning.split("period: ", 1)[1].split(",")[0].split(".")[0]
    kpi = next(k.id for k in scorecard.load().kpis if k.label == label)
    at.text_area(key=f"note_body_{kpi}").input("Price cuts in the spring; bundles from November")
    next(b for b in at.form_submit_button if b.proto.form_id == f"note_{kpi}").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert red_kpis(at) == red - 1
    [note] = notes.notes(kpi)
    period = (dt.date(2025, 11, 1), dt.date(2026, 10, 31))
    assert (note["author"], note["author_role"], (note["period_start"], note["period_end"])) == (
        "ceo@example.com", "executive", period)
    again = as_user("ceo@example.com")  # another session sees it too
    assert red_kpis(again) == red - 1 and any("Price cuts in the spring" in m.value for m in again.markdown)
    assert notes.noted_kpis(dt.date(2026, 1, 1), dt.date(2026, 10, 31)) == set()  # a note is for its period only


def test_only_owners_and_allowed_roles_get_the_forms(app_env, appstate_url):
    ana = as_user("ana.garcia@example.com")  # owns "Head of Sales": ARPA and Lifetime value, not NPS
    forms = {b.proto.form_id for b in ana.form_submit_button}
    assert "note_arpa" in forms and "note_nps" not in forms
    analyst = as_user("analyst@example.com")
    assert not {b.proto.form_id for b in analyst.form_submit_button if b.proto.form_id.startswith("note_")}


def test_initiatives_beside_the_kpi_and_on_the_strategy_map(app_env, appstate_url):
    notes.add_initiative(CEO, "churn_rate", "Win-back calls", "Head of Customer Service", dt.date(2027, 1, 31),
                         "in progress")
    notes.add_initiative(CEO, "churn_rate", "Old idea", "Head of Customer Service", None, "dropped")
    at = as_user("ceo@example.com")
    assert "⚑ 1 open initiative" in [c.value for c in at.caption]
    card = scorecard.load()
    counts = commentary.open_initiatives(card, notes.list_initiatives())
    assert counts["keep_customers"] == 1 and sum(counts.values()) == 1  # the dropped one is not open
    nodes, _ = scorecard.strategy_map(card, {})
    labels = commentary.with_initiatives(nodes, counts).set_index("objective")["label"]
    assert labels["keep_customers"] == "Keep customers\n⚑ 1 initiative" and labels["grow_revenue"] == "Grow revenue"
