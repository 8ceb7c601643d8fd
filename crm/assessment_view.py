"""The Assessment page's sections: answer, my answers, results, manage. The page file stays thin;
the rules (scales, privacy, perception vs evidence) are in crm.assessment, storage in crm.appstate."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import altair as alt
import pandas as pd
import streamlit as st

from crm import access, appstate, assessment, settings, ui
from crm.appstate import survey
from crm.assessment import DONT_KNOW, Questionnaire
from crm.formatting import format_value
from crm.site import PAGES, page_id

AUTOMATIC = SimpleNamespace(user="(automatic)", role="system")  # who opened the first round
FIRST_ROUND_DAYS = 90
FLASH_KEY = "_crm_assessment_saved"


def draw(page, scope) -> None:
    if done := st.session_state.pop(FLASH_KEY, None):
        st.toast(done, icon=":material/check_circle:")
    try:
        card = assessment.load(added=survey.list_added_questions())
        rounds = _rounds()
    except assessment.QuestionnaireError as error:
        st.error(f"**The questionnaire file is wrong**: {error}", icon=":material/error:")
        return
    except Exception as error:  # noqa: BLE001 - the database is down or misconfigured
        st.error(f"**The app's database cannot be reached** ({appstate.describe()}): {error}", icon=":material/error:")
        return
    sections = {"Answer": lambda: answer(page, scope, card, rounds),
                "My answers": lambda: my_answers(scope, card, rounds)}
    if scope.may("see_assessment_results"):
        sections["Results"] = lambda: results(page, card, rounds)
    if scope.may("manage_assessment"):
        sections["Manage"] = lambda: manage(scope, card, rounds)
    page.sections(sections)


def _rounds() -> list[dict]:
    """The rounds; on the very first visit a first round opens itself, so the page is usable at once."""
    rounds = survey.list_rounds()
    if not rounds:
        today = dt.date.today()
        try:
            survey.create_round(AUTOMATIC, "First self-assessment", today, today + dt.timedelta(days=FIRST_ROUND_DAYS))
        except appstate.InvalidInput:  # another session opened it at the same moment
            pass
        rounds = survey.list_rounds()
    return rounds


def _round_label(entry: dict) -> str:
    return f"{entry['name']} ({entry['opens_on']:%d %b %Y} – {entry['closes_on']:%d %b %Y})"


# --- answering --------------------------------------------------------------------------------

def answer(page, scope, card: Questionnaire, rounds: list[dict]) -> None:
    current = assessment.open_round(rounds, dt.date.today())
    if current is None:
        st.info("No assessment round is open today. An admin opens one under **Manage**.", icon=":material/event_busy:")
        return
    level, saved = survey.mine(scope.user, current["id"])
    minimum = settings.get("assessment_min_group")
    st.markdown(f"**{_round_label(current)}** · answering as **{scope.user}** ({scope.role_label})")
    st.caption(f"Your answers are yours: nobody else sees them one by one. Results show groups of at least {minimum} "
               "respondents only. Answer what you can; \"don't know\" is an answer too. Save as often as you like "
               "and come back later: your answers are kept for this round.")
    evidence = evidence_values(page, card)
    key = f"assess_{scope.user}_{current['id']}_"
    given: dict[str, survey.Answer] = {}
    with st.form(key + "form", border=False):
        chosen_level = st.selectbox("Your level in the company", card.levels,
                                    index=card.levels.index(level) if level in card.levels else None,
                                    placeholder="Choose your level", key=key + "level",
                                    help="Results compare levels: how each level sees itself and how the others see it.")
        with st.container(border=True):
            st.subheader("Stages")
            st.caption(card.stage_intro)
            for subject, label in card.subjects.items():
                now_column, target_column = st.columns(2)
                for column, time in ((now_column, "now"), (target_column, "target")):
                    qid = assessment.stage_id(subject, time)
                    given[qid] = _stage_widget(column, card, f"{label}: {assessment.STAGE_TIMES[time].lower()}",
                                               saved.get(qid), key + qid)
        for theme in card.themes:
            with st.container(border=True):
                st.subheader(theme.name)
                for question in theme.questions:
                    given[question.id] = _question_widget(card, question, saved.get(question.id), key + question.id)
                    if question.evidence:
                        _evidence_line(page, scope, question, evidence.get(question.id))
                st.form_submit_button("Save my answers", type="primary", icon=":material/save:",
                                      key=key + "save_" + theme.id)
    if any(st.session_state.get(key + "save_" + t.id) for t in card.themes):
        try:
            assessment.check(card, given, chosen_level)
            survey.save(scope, current["id"], chosen_level, given, assessment.regions_text(scope.regions))
        except (appstate.InvalidInput, assessment.InvalidAnswer) as error:
            st.error(f"Not saved: {error}", icon=":material/error:")
        except Exception as error:  # noqa: BLE001
            st.error(f"Not saved: the app's database failed ({error}). Your answers are still on the screen; "
                     "try again.", icon=":material/error:")
        else:
            answered = sum(1 for a in given.values() if a.score is not None or a.dont_know or a.text)
            st.success(f"Saved {answered} answers at {dt.datetime.now():%H:%M}.", icon=":material/check_circle:")


def _answer_default(question_scale: str, saved: survey.Answer | None):
    if saved is None:
        return None
    if saved.dont_know:
        return DONT_KNOW
    return None if saved.score is None else int(saved.score)


def _question_widget(card: Questionnaire, question, saved, key: str) -> survey.Answer:
    if question.scale == "open":
        written = st.text_area(question.text, value=(saved.text if saved else "") or "", max_chars=survey.ANSWER_TEXT_LIMIT,
                               key=key, height=80)
        return survey.Answer(text=written)
    if question.scale == "1-5":
        options = [1, 2, 3, 4, 5, DONT_KNOW]
        labels = {n: f"{n} {card.scale_labels[n - 1].lower()}" for n in range(1, 6)}
    else:
        options = [*range(11), DONT_KNOW]
        labels = {}
    picked = st.segmented_control(question.text, options, default=_answer_default(question.scale, saved), key=key,
                                  format_func=lambda o: labels.get(o, str(o)),
                                  help="0 = not at all, 10 = fully" if question.scale == "0-10" else None)
    return _to_answer(picked)


def _stage_widget(column, card: Questionnaire, label: str, saved, key: str) -> survey.Answer:
    options = [*range(1, len(card.stages) + 1), DONT_KNOW]
    default = _answer_default("stage", saved)
    picked = column.selectbox(label, options, index=options.index(default) if default in options else None,
                              format_func=lambda o: o if o == DONT_KNOW else f"{o}. {card.stages[o - 1]}",
                              placeholder="Choose a stage", key=key)
    return _to_answer(picked)


def _to_answer(picked) -> survey.Answer:
    if picked == DONT_KNOW:
        return survey.Answer(dont_know=True)
    return survey.Answer(score=None if picked is None else float(picked))


def evidence_values(page, card: Questionnaire) -> dict[str, float | None]:
    """The live number behind each question with evidence, for the page's filters; a query that
    fails gives no number (its own page shows the error), never a broken questionnaire."""
    frames, found = {}, {}
    for question in card.questions:
        evidence = question.evidence
        if not evidence or not evidence.query:
            continue
        try:
            if evidence.query not in frames:
                frames[evidence.query] = page.run(evidence.query)
            frame = frames[evidence.query]
            value = None if frame.empty else frame[evidence.column].iloc[0]
            found[question.id] = None if value is None or pd.isna(value) else float(value)
        except Exception:  # noqa: BLE001
            found[question.id] = None
    return found


def _evidence_line(page, scope, question, value) -> None:
    from crm.frame import SECTION_PARAM  # the frame imports pages' helpers; avoid a cycle
    evidence = question.evidence
    words = f"**{format_value(evidence.column, value, short=True)}** {evidence.label}" if evidence.query else evidence.label
    if evidence.query and value is None:
        words = f"no data for {evidence.label}"
    period = f" ({page.start:%d %b %Y} – {page.end:%d %b %Y})" if evidence.query else ""
    text_column, link_column = st.columns([3, 1], vertical_alignment="center")
    text_column.caption(f":material/insights: The data: {words}{period}")
    if Path(evidence.page).exists() and scope.may_open(page_id(evidence.page)):
        params = {**page.filters.to_url(), **({SECTION_PARAM: evidence.tab} if evidence.tab else {})}
        title = next((label for path, label, _ in PAGES if path == evidence.page), evidence.page)
        link_column.page_link(evidence.page, label=f"{title}{' · ' + evidence.tab if evidence.tab else ''}",
                              icon=":material/arrow_outward:", query_params=params)


# --- my answers --------------------------------------------------------------------------------

def my_answers(scope, card: Questionnaire, rounds: list[dict]) -> None:
    if not rounds:
        ui.empty("There is no assessment round yet.")
        return
    chosen = st.selectbox("Round", rounds, format_func=_round_label, key="assess_my_round")
    level, saved = survey.mine(scope.user, chosen["id"])
    if not saved:
        ui.empty("You have not answered this round yet.")
        return
    st.caption(f"Only you see this list. Your level: {level or 'not given'}.")
    rows = [{"theme": "Stages", "question": f"{label}: {assessment.STAGE_TIMES[t].lower()}",
             "answer": _shown_stage(card, saved.get(assessment.stage_id(s, t)))}
            for s, label in card.subjects.items() for t in assessment.STAGE_TIMES]
    rows += [{"theme": card.theme_name(q.theme), "question": q.text, "answer": _shown(card, q, saved.get(q.id))}
             for q in card.questions]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _shown(card: Questionnaire, question, saved) -> str:
    if saved is None:
        return ""
    if saved.dont_know:
        return DONT_KNOW
    if question.scale == "open":
        return saved.text or ""
    if saved.score is None:
        return ""
    if question.scale == "1-5":
        return f"{int(saved.score)} {card.scale_labels[int(saved.score) - 1].lower()}"
    return f"{int(saved.score)} / 10"


def _shown_stage(card: Questionnaire, saved) -> str:
    if saved is None:
        return ""
    if saved.dont_know:
        return DONT_KNOW
    return "" if saved.score is None else f"{int(saved.score)}. {card.stages[int(saved.score) - 1]}"


# --- results -----------------------------------------------------------------------------------

HIDDEN = "—"


def results(page, card: Questionnaire, rounds: list[dict]) -> None:
    minimum = settings.get("assessment_min_group")
    st.caption(f"**Privacy**: a group with fewer than {minimum} respondents is hidden ({HIDDEN}), and so is the next "
               "smallest group when only one would be, so no result can be traced back to one person. Scores are on "
               "0–10 (1–5 answers rescaled), higher = more mature; \"don't know\" answers are left out.")
    chosen = st.selectbox("Round", rounds, format_func=_round_label, key="assess_results_round")
    names = {r["id"]: r["name"] for r in rounds}
    labels = {role: entry.get("label", role) for role, entry in access.roles().get("roles", {}).items()}
    everything = survey.all_answers().assign(role=lambda f: f["role"].map(lambda r: labels.get(r, r)))
    answers = everything[everything["round_id"] == chosen["id"]]
    people = answers["response_id"].nunique()
    st.metric("Respondents in this round", f"{people:,}")
    if people < minimum:
        ui.empty(f"Results appear once at least {minimum} people have answered this round.")
        return
    overall = assessment.theme_scores(answers, card, minimum)
    with st.container(border=True):
        st.subheader("Maturity per theme")
        shown = overall.dropna(subset=["score"]).assign(theme=lambda f: f["theme"].map(card.theme_name))
        if ui.has_rows(shown, "No theme has enough respondents yet."):
            ui.chart(_theme_bars(shown))
    for by, title in (("role", "By role"), ("regions", "By region"), ("level", "By level")):
        with st.container(border=True):
            st.subheader(title)
            st.dataframe(_pivot(assessment.theme_scores(answers, card, minimum, by=by), card, by), width="stretch")
    with st.container(border=True):
        st.subheader("Across rounds")
        trend = assessment.theme_scores(everything, card, minimum, by="round_id")
        trend["round_id"] = trend["round_id"].map(names)
        st.dataframe(_pivot(trend, card, "round_id"), width="stretch")
    with st.container(border=True):
        st.subheader("Stages: how each level sees itself and how the others see it")
        st.caption("Stage 1 = " + ", ".join(f"{n}. {s}" for n, s in enumerate(card.stages, 1)) + ". Own view = what "
                   "the level's members say of their peers; from above = what the level above says of its "
                   "subordinates; from below = what the level below says of its superior.")
        st.dataframe(_stage_table(assessment.stage_views(answers, card, minimum)), hide_index=True, width="stretch")
    with st.container(border=True):
        st.subheader("Where perception and the data disagree")
        gaps = assessment.disagreements(answers, card, evidence_values(page, card), minimum)
        st.caption(f"The respondents' mean answer against 10 × the share the data shows for "
                   f"{page.start:%d %b %Y} – {page.end:%d %b %Y} (the current filters); ⚠ = "
                   f"{assessment.DISAGREEMENT_GAP:g} points or more apart.")
        if ui.has_rows(gaps, "No question with evidence has a number for the current filters."):
            st.dataframe(_gap_table(gaps), hide_index=True, width="stretch")


def _theme_bars(frame: pd.DataFrame) -> alt.Chart:
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("score:Q", scale=alt.Scale(domain=[0, 10]), title="Score (0–10)"),
        y=alt.Y("theme:N", sort=None, title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False)),
        tooltip=[alt.Tooltip("theme:N", title="Theme"), alt.Tooltip("score:Q", format=".1f", title="Score"),
                 alt.Tooltip("respondents:Q", title="Respondents")]).properties(height=34 * len(frame))


def _pivot(frame: pd.DataFrame, card: Questionnaire, by: str) -> pd.DataFrame:
    """Themes as rows, groups as columns, '6.3 (n=5)' or a dash for hidden groups."""
    if frame.empty:
        return pd.DataFrame({"theme": []})
    cells = frame.assign(theme=frame["theme"].map(card.theme_name), cell=[
        HIDDEN if hidden else f"{score:.1f} (n={n})"
        for score, n, hidden in zip(frame["score"], frame["respondents"], frame["hidden"])])
    order = [card.theme_name(t.id) for t in card.themes]
    table = cells.pivot(index="theme", columns=by, values="cell").fillna(HIDDEN)
    return table.reindex([t for t in order if t in table.index])


def _stage_table(frame: pd.DataFrame) -> pd.DataFrame:
    def cell(value, count):
        return HIDDEN if value is None or pd.isna(value) else f"{value:.1f} (n={count})"

    return pd.DataFrame({
        "level": frame["level"],
        "own view": [cell(v, n) for v, n in zip(frame["self_view"], frame["self_respondents"])],
        "from above": [cell(v, n) for v, n in zip(frame["view_from_above"], frame["above_respondents"])],
        "from below": [cell(v, n) for v, n in zip(frame["view_from_below"], frame["below_respondents"])],
        "spread": [HIDDEN if v is None or pd.isna(v) else f"{v:.1f}" for v in frame["spread"]],
        "company now → should be": [
            HIDDEN if now is None or pd.isna(now) or target is None or pd.isna(target) else f"{now:.1f} → {target:.1f}"
            for now, target in zip(frame["company_now"], frame["company_target"])],
    })


def _gap_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "": ["⚠" if d else "" for d in frame["disagree"]],
        "question": frame["text"],
        "they say (0–10)": [HIDDEN if p is None or pd.isna(p) else f"{p:.1f} (n={n})"
                            for p, n in zip(frame["perceived"], frame["respondents"])],
        "the data shows": [f"{100 * v:.0f} % → {t:.1f}" for v, t in zip(frame["evidence_pct"], frame["evidence_on_ten"])],
        "gap": [HIDDEN if g is None or pd.isna(g) else f"{g:+.1f}" for g in frame["gap"]],
    })


# --- managing -----------------------------------------------------------------------------------

def manage(scope, card: Questionnaire, rounds: list[dict]) -> None:
    with st.container(border=True):
        st.subheader("Rounds")
        st.dataframe(pd.DataFrame([{"round": r["name"], "opens_on": r["opens_on"], "closes_on": r["closes_on"],
                                    "respondents": survey.respondents(r["id"]), "opened by": r["created_by"]}
                                   for r in rounds]), hide_index=True, width="stretch")
        with st.form("assess_new_round", clear_on_submit=True):
            st.markdown("**Open a new round**")
            name = st.text_input("Name", max_chars=survey.NAME_LIMIT, placeholder="e.g. Spring 2027")
            dates = st.date_input("Open from – to", value=(dt.date.today(), dt.date.today() + dt.timedelta(days=30)))
            if st.form_submit_button("Open the round", icon=":material/add:"):
                _write(lambda: survey.create_round(scope, name, *_two_dates(dates)), f"Round {name!r} opened.")
        with st.form("assess_round_dates"):
            st.markdown("**Change a round's dates** (to close a round today, let it close yesterday)")
            moved = st.selectbox("Round", rounds, format_func=_round_label)
            dates = st.date_input("Open from – to", value=(moved["opens_on"], moved["closes_on"]) if moved else None)
            if st.form_submit_button("Change the dates", icon=":material/event:"):
                _write(lambda: survey.set_round_dates(scope, moved["id"], *_two_dates(dates)), "Dates changed.")
    with st.container(border=True):
        st.subheader("\"Your own question\": promote an addition")
        chosen = st.selectbox("Round", rounds, format_func=_round_label, key="assess_manage_round")
        own = [q for q in card.questions if q.own]
        proposals = [t["text"] for q in own for t in survey.texts(chosen["id"], q.id)]
        if not proposals:
            ui.empty("Nobody has proposed a question in this round yet.")
        else:
            st.caption("What respondents wrote, without their names.")
            st.dataframe(pd.DataFrame({"proposed": proposals}), hide_index=True, width="stretch")
            with st.form("assess_promote", clear_on_submit=True):
                wording = st.text_input("Question as it will be asked", max_chars=survey.QUESTION_LIMIT,
                                        placeholder="To what extent …")
                theme = st.selectbox("Theme", [t for t in card.themes if not any(q.own for q in t.questions)],
                                     format_func=lambda t: t.name)
                scale = st.selectbox("Scale", ["0-10", "1-5", "open"])
                if st.form_submit_button("Add to the questionnaire", icon=":material/add_task:"):
                    _write(lambda: survey.add_question(scope, theme.id, wording, scale, chosen["id"]),
                           "Added: respondents see it from now on.")
    with st.container(border=True):
        st.subheader("Questions added in the app")
        added = survey.list_added_questions(active_only=False)
        if not added:
            ui.empty("None yet. The questions themselves are in queries/assessment.toml.")
        for entry in added:
            text_column, button_column = st.columns([5, 1], vertical_alignment="center")
            text_column.markdown(f"{entry['text']}  \n:gray[{card.theme_name(entry['theme'])} · {entry['scale']} · "
                                 f"added by {entry['created_by']}{'' if entry['active'] else ' · retired'}]")
            button_column.button("Retire" if entry["active"] else "Restore", key=f"assess_toggle_{entry['id']}",
                                 on_click=survey.set_question_active, args=(entry["id"], not entry["active"]))


def _two_dates(dates) -> tuple:
    if not isinstance(dates, (tuple, list)) or len(dates) != 2:
        raise appstate.InvalidInput("choose the opening and the closing date")
    return dates[0], dates[1]


def _write(action, done: str) -> None:
    try:
        action()
    except appstate.InvalidInput as error:
        st.error(f"Not saved: {error}", icon=":material/error:")
    except Exception as error:  # noqa: BLE001
        st.error(f"Not saved: the app's database failed ({error}).", icon=":material/error:")
    else:
        st.session_state[FLASH_KEY] = done  # shown after the rerun, which redraws the lists with the change
        st.rerun()
