"""The self-assessment: the questionnaire file, the 0-10 scale, results that never expose one
person (minimum group size, complementary hiding), perception vs evidence, the evidence queries on
hand-made data, and the page: answer, save, come back, see your answers; peers never see them."""
import datetime as dt

import pandas as pd
import pytest

from conftest import ROOT, Runner, build_warehouse, customer, open_page, order
from crm import assessment, catalog, warehouse
from crm.assessment import on_ten

CARD = assessment.parse({
    "levels": ["Top", "Middle", "Front"], "scale_labels": ["none", "little", "some", "much", "fully"],
    "stages": {"names": ["Mass", "Database", "Contact", "Relate", "Intimate", "Trust"],
               "subjects": {"company": "The company", "superior": "Superior", "subordinates": "Subordinates",
                            "peers": "Peers"}},
    "theme": [{"id": "a", "name": "Theme A", "question": [
        {"id": "q1", "text": "One?", "scale": "0-10"},
        {"id": "q2", "text": "Two?", "scale": "1-5"},
        {"id": "q3", "text": "Three?", "scale": "0-10", "reverse": True},
        {"id": "know_lost", "text": "Lost?", "scale": "0-10",
         "evidence": {"query": "won_and_lost", "column": "lost_with_reason_pct", "page": "p.py", "label": "x",
                      "coverage": True}}]},
              {"id": "b", "name": "Theme B", "question": [{"id": "q4", "text": "Four?", "scale": "0-10"},
                                                           {"id": "mine", "text": "Yours?", "scale": "open"}]}],
})


def answers(rows) -> pd.DataFrame:
    """(response, role, level, question, score or 'dk') -> the frame crm.appstate.survey.all_answers gives."""
    return pd.DataFrame([{"round_id": 1, "response_id": r, "role": role, "regions": "All regions", "level": level,
                          "question": q, "score": None if s == "dk" else float(s), "dont_know": s == "dk"}
                         for r, role, level, q, s in rows])


def test_the_questionnaire_file_has_about_eighty_questions_with_valid_evidence():
    card = assessment.load(ROOT / "queries" / "assessment.toml")
    assert 75 <= len(card.questions) + len(card.stage_questions) <= 90
    assert len(card.stage_questions) == 8  # four subjects, now and target
    queries = catalog.load(ROOT / "queries")
    for question in card.questions:
        if question.evidence:
            assert (ROOT / question.evidence.page).exists(), question.id
            if question.evidence.query:
                assert question.evidence.query in queries, question.id
    assert sum(q.own for q in card.questions) == 1 and card.question("own_question").scale == "open"


def test_a_broken_questionnaire_names_the_problem():
    with pytest.raises(assessment.QuestionnaireError, match="scale must be one of"):
        assessment.parse({**{"levels": ["x"], "scale_labels": list("abcde"), "stages": {"names": ["s"]}},
                          "theme": [{"id": "t", "question": [{"id": "q", "text": "?", "scale": "0-7"}]}]})
    with pytest.raises(assessment.QuestionnaireError, match="used twice"):
        assessment.parse({"levels": ["x"], "scale_labels": list("abcde"), "stages": {"names": ["s"]},
                          "theme": [{"id": "t", "question": [{"id": "q", "text": "?"}, {"id": "q", "text": "!"}]}]})


def test_answers_on_one_scale_higher_is_more_mature():
    q1, q2, q3 = (CARD.question(q) for q in ("q1", "q2", "q3"))
    assert [on_ten(q1, 7), on_ten(q2, 1), on_ten(q2, 3), on_ten(q2, 5), on_ten(q3, 2)] == [7, 0, 5, 10, 8]
    assert on_ten(q1, None) is None


def test_answers_outside_their_scale_are_refused():
    from crm.appstate.survey import Answer
    assessment.check(CARD, {"q1": Answer(10), "q2": Answer(5), "stage_company_now": Answer(6),
                            "mine": Answer(text="?"), "q3": Answer(dont_know=True)}, "Top")
    for question, answer, message in [("q2", Answer(0), "from 1 to 5"), ("q1", Answer(7.5), "whole number"),
                                      ("stage_peers_target", Answer(7), "from 1 to 6"), ("nope", Answer(1), "unknown"),
                                      ("mine", Answer(3), "text answer")]:
        with pytest.raises(assessment.InvalidAnswer, match=message):
            assessment.check(CARD, {question: answer}, None)
    with pytest.raises(assessment.InvalidAnswer, match="unknown level"):
        assessment.check(CARD, {}, "CEO's cousin")


def test_theme_scores_by_hand_and_small_groups_hidden():
    frame = answers([
        (1, "executive", "Top", "q1", 8), (1, "executive", "Top", "q2", 5), (1, "executive", "Top", "q3", 2),
        (1, "executive", "Top", "q4", 9),
        (2, "executive", "Top", "q1", 6), (2, "executive", "Top", "q2", "dk"), (2, "executive", "Top", "q3", 4),
        (3, "sales_manager", "Middle", "q1", 4), (3, "sales_manager", "Middle", "q2", 1),
    ])
    overall = assessment.theme_scores(frame, CARD, min_group=3).set_index("theme")
    # Theme A: 8, 10 (5 of 5), 8 (reverse of 2); 6, 6 (reverse of 4); 4, 0 (1 of 5) -> 42 / 7 = 6.0, 3 people
    assert overall.loc["a", "respondents"] == 3 and overall.loc["a", "score"] == pytest.approx(6.0)
    # Theme B: one respondent: hidden, its score never leaves the function
    assert overall.loc["b", "hidden"] and pd.isna(overall.loc["b", "score"])
    assert assessment.theme_scores(frame, CARD, min_group=1).set_index("theme").loc["b", "score"] == 9


def test_hiding_one_group_hides_the_next_smallest_too():
    frame = pd.DataFrame({"theme": ["a"] * 3, "role": ["analyst", "executive", "sales_manager"],
                          "respondents": [5, 3, 1], "score": [7.0, 6.0, 2.0]})
    shown = assessment.protect(frame, 3, within=["theme"]).set_index("role")
    # sales_manager (1) is below 3; executive (3) is hidden as well, else the total minus analyst gives it away
    assert list(shown["hidden"]) == [False, True, True]
    assert shown.loc["analyst", "score"] == 7.0 and shown[["score"]].iloc[1:].isna().all().all()


def test_stage_views_compare_how_a_level_sees_itself_with_how_others_see_it():
    frame = answers([
        # Top managers about their peers (= themselves) and their subordinates (= Middle)
        (1, "executive", "Top", "stage_peers_now", 5), (2, "executive", "Top", "stage_peers_now", 4),
        (1, "executive", "Top", "stage_subordinates_now", 2), (2, "executive", "Top", "stage_subordinates_now", 3),
        # Middle managers about their superior (= Top) and their peers (= Middle)
        (3, "sales_manager", "Middle", "stage_superior_now", 2), (4, "sales_manager", "Middle", "stage_superior_now", 2),
        (3, "sales_manager", "Middle", "stage_peers_now", 3), (4, "sales_manager", "Middle", "stage_peers_now", 4),
        (1, "executive", "Top", "stage_company_now", 3), (1, "executive", "Top", "stage_company_target", 6),
    ])
    views = assessment.stage_views(frame, CARD, min_group=2).set_index("level")
    assert views.loc["Top", "self_view"] == 4.5 and views.loc["Top", "view_from_below"] == 2.0
    assert views.loc["Top", "spread"] == 2.5  # Top rates itself 2.5 stages above what Middle sees
    assert views.loc["Middle", "self_view"] == 3.5 and views.loc["Middle", "view_from_above"] == 2.5
    assert views.loc["Middle", "spread"] == 1.0
    assert views.loc["Top", "company_now"] is None  # one respondent: hidden
    assert assessment.stage_views(frame, CARD, min_group=1).set_index("level").loc["Top", "company_target"] == 6


def test_perception_against_evidence():
    frame = answers([(1, "executive", "Top", "know_lost", 9), (2, "executive", "Top", "know_lost", 9),
                     (3, "executive", "Top", "know_lost", 6)])
    gaps = assessment.disagreements(frame, CARD, {"know_lost": 0.4}, min_group=3)
    row = gaps.iloc[0]  # they say 8.0 on average; 40 % of losses have a reason = 4.0; 4 points apart
    assert (row["perceived"], row["evidence_on_ten"], row["gap"], row["disagree"]) == (8.0, 4.0, 4.0, True)
    small = assessment.disagreements(frame[frame["response_id"] < 3], CARD, {"know_lost": 0.4}, min_group=3)
    assert pd.isna(small.iloc[0]["perceived"]) and not small.iloc[0]["disagree"]


def test_won_and_lost_evidence_by_hand(tmp_path):
    """Period 1 Jan - 30 Jun 2026 (181 days): won c3, c4; lost c1 (Price), c2 (no reason), c4 (Service)."""
    rows = [customer("c1", "2025-01-10", "2026-02-01"),
            {**customer("c2", "2025-03-01", "2026-03-15"), "loss_reason": None},
            customer("c3", "2026-01-05"),
            customer("c4", "2026-02-10", "2026-05-01", loss_reason="Service"),
            customer("c5", "2024-06-01", "2025-12-01")]
    run = Runner(build_warehouse(tmp_path, {"customers": rows, "orders": [order("c3", "2026-06-30")]}))
    got = run("won_and_lost", "2026-01-01", "2026-06-30").iloc[0]
    assert (got["new_count"], got["lost_count"], got["lost_with_reason_count"]) == (2, 3, 2)
    assert got["lost_with_reason_pct"] == pytest.approx(2 / 3)
    assert (got["new_per_year_count"], got["lost_per_year_count"]) == (4, 6)  # 2 and 3 x 365.25 / 181
    segments = run("segments_present", "2026-01-01", "2026-06-30").iloc[0]
    assert (segments["segments_count"], segments["segments"]) == (1, "Household")


def test_every_evidence_query_gives_its_column_on_the_demo(demo_warehouse):
    run = Runner(warehouse.current_path(demo_warehouse))
    for question in assessment.load(ROOT / "queries" / "assessment.toml").questions:
        if question.evidence and question.evidence.query:
            frame = run(question.evidence.query, "2025-11-01", "2026-10-31")
            assert len(frame) == 1 and question.evidence.column in frame.columns, question.id


# --- the page ---------------------------------------------------------------------------------

PAGE = "pages/4_Assessment.py"


def as_user(email: str, **params):
    return open_page(PAGE, params, user={"is_logged_in": True, "email": email})


def widget(at, question: str):
    return next(w for w in [*at.segmented_control, *at.selectbox, *at.text_area] if w.key.endswith("_" + question))


def answer_and_save(email: str, level: str, scores: dict):
    at = as_user(email)
    widget(at, "level").set_value(level)
    for question, value in scores.items():
        widget(at, question).set_value(value)
    at.form_submit_button[0].click().run()
    assert not at.exception and any("Saved" in s.value for s in at.success), [e.value for e in at.error]
    return at


def test_answer_save_come_back_and_see_the_answers(app_env, appstate_url):
    answer_and_save("ana.garcia@example.com", "Middle management",
                    {"know_pareto": 7, "know_lost": "Don't know", "team_committed": 4, "stage_company_now": 3,
                     "own_question": "Do we know our rivals?"})
    again = as_user("ana.garcia@example.com")  # a new session: the answers come from the database
    assert (widget(again, "know_pareto").value, widget(again, "know_lost").value) == (7, "Don't know")
    assert widget(again, "team_committed").value == 4 and widget(again, "stage_company_now").value == 3
    assert widget(again, "own_question").value == "Do we know our rivals?"
    listed = as_user("ana.garcia@example.com", tab="My answers").dataframe[0].value.set_index("question")
    assert listed.loc["To what extent do you know, in numbers, how the Pareto law applies to your customers?",
                      "answer"] == "7 / 10"
    assert listed.loc["The company: now", "answer"] == "3. Contact (one to one)"


def test_evidence_beside_a_question_links_to_its_view(app_env, appstate_url):
    at = as_user("ceo@example.com", region="Iberia")
    captions = [c.value for c in at.caption]
    assert any("of the customers lost in the period have a recorded loss reason" in c for c in captions)
    links = {link.proto.label: link.proto for link in at.get("page_link")}
    lost = links["Acquisition & loss · Won and lost"]  # the exact view: its tab, with the filters
    assert lost.page.endswith("Acquisition_and_loss") and "tab=Won+and+lost" in lost.query_string
    assert "region=Iberia" in lost.query_string
    assert "tab=Revenue+concentration" in links["Lifecycle · Revenue concentration"].query_string


def test_peers_never_see_a_respondents_answers_and_small_groups_stay_hidden(app_env, appstate_url):
    answer_and_save("ana.garcia@example.com", "Middle management", {"know_pareto": 2})
    peer = as_user("jurgen.gross@example.com", tab="My answers")
    assert not peer.exception and not peer.dataframe  # nothing of Ana's
    assert any("not answered this round" in i.value for i in peer.info)
    assert widget(as_user("jurgen.gross@example.com"), "know_pareto").value is None
    assert "Results" not in [t.label for t in peer.tabs]  # sales managers have no results right
    answer_and_save("jurgen.gross@example.com", "Middle management", {"know_pareto": 6})
    results = as_user("ceo@example.com", tab="Results")
    assert any("Results appear once at least 3" in i.value for i in results.info)
    assert not results.dataframe  # two respondents: nothing shown
    answer_and_save("ceo@example.com", "Top management", {"know_pareto": 10})
    results = as_user("ceo@example.com", tab="Results")
    assert not results.exception
    by_role, by_region = results.dataframe[0].value, results.dataframe[1].value
    assert list(by_role.columns) == ["Executive", "Sales manager"]  # role labels from the roles file
    assert set(by_role.loc["Knowing the customers"]) == {"—"}  # 1 and 2 respondents: both below 3
    assert set(by_region.loc["Knowing the customers"]) == {"—"}  # one respondent per region
    overall = results.get("vega_lite_chart")  # the overall theme score (3 respondents) is shown
    assert overall
    assert not any("(n=1)" in str(v) for frame in results.dataframe for v in frame.value.to_numpy().ravel())


def test_admins_promote_a_proposed_question_and_respondents_get_it(app_env, appstate_url):
    answer_and_save("ana.garcia@example.com", "Middle management", {"own_question": "Do we know our rivals' prices?"})
    manage = as_user("admin@example.com", tab="Manage")
    assert not manage.exception
    assert "Do we know our rivals' prices?" in manage.dataframe[1].value["proposed"].tolist()  # without a name
    assert "ana.garcia" not in str(manage.dataframe[1].value)
    manage.text_input[1].input("To what extent do you know your rivals' prices?")
    next(b for b in manage.form_submit_button if b.proto.form_id == "assess_promote").click().run()
    assert not manage.exception and not manage.error, [e.value for e in manage.error]
    respondent = as_user("jurgen.gross@example.com")
    assert widget(respondent, "added_1").label == "To what extent do you know your rivals' prices?"
    listed = as_user("admin@example.com", tab="Manage")
    listed.button(key="assess_toggle_added_1").click().run()  # retire it
    assert not any(w.key.endswith("_added_1") for w in as_user("jurgen.gross@example.com").segmented_control)


def test_pages_refuse_managing_without_the_right(app_env, appstate_url):
    at = as_user("ceo@example.com", tab="Manage")  # executives see results but do not manage
    assert {t.label for t in at.tabs} >= {"Answer", "My answers", "Results"} and "Manage" not in {t.label for t in at.tabs}
    assert not [f for f in at.form_submit_button if f.proto.form_id.startswith("assess_new_round")]
