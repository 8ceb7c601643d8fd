"""The app-state database on SQLite and on a real PostgreSQL: migrations, validated and
attributed writes, history, conflicts, and concurrent writers losing nothing."""
import datetime as dt
import threading
from dataclasses import dataclass

import pytest

from crm import appstate
from crm.appstate import db, log, notes, survey
from crm.appstate.survey import Answer


@dataclass(frozen=True)
class Who:  # what the app-state functions read from crm.access.Scope
    user: str
    role: str


CEO, ANA = Who("ceo@example.com", "executive"), Who("ana.garcia@example.com", "sales_manager")
Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
OPEN = (dt.date.today() - dt.timedelta(days=30), dt.date.today() + dt.timedelta(days=30))  # a round open today


def test_migrations_apply_once_and_again_without_harm(appstate_url):
    notes.add_note(CEO, "churn_rate", *Q1, {}, "first")
    db.migrate(db.engine())  # a second replica starting: nothing to do, nothing lost
    assert [n["body"] for n in notes.notes("churn_rate")] == ["first"]


def test_notes_keep_their_history_and_who_wrote_them(appstate_url):
    notes.add_note(ANA, "churn_rate", *Q1, {"region": ["Iberia"]}, "Price rise in March")
    notes.add_note(CEO, "churn_rate", *Q1, {}, "  Win-back calls started  ")
    notes.add_note(CEO, "nps", *Q1, {}, "Survey vendor changed")
    notes.add_note(CEO, "churn_rate", dt.date(2026, 4, 1), dt.date(2026, 6, 30), {}, "Q2")
    history = notes.notes("churn_rate", *Q1)
    assert [(n["body"], n["author"], n["author_role"]) for n in history] == [
        ("Win-back calls started", "ceo@example.com", "executive"),  # newest first, trimmed
        ("Price rise in March", "ana.garcia@example.com", "sales_manager")]
    assert history[1]["filters"] == {"region": ["Iberia"]}
    assert history[0]["created_at"].tzinfo is not None
    assert notes.noted_kpis(*Q1) == {"churn_rate", "nps"}


@pytest.mark.parametrize("body, message", [("", "empty"), ("   ", "empty"), ("x" * 2001, "too long")])
def test_bad_notes_are_refused_with_a_reason(appstate_url, body, message):
    with pytest.raises(appstate.InvalidInput, match=message):
        notes.add_note(CEO, "churn_rate", *Q1, {}, body)
    assert notes.notes() == []


def test_writes_need_a_user_and_a_sensible_period(appstate_url):
    with pytest.raises(appstate.InvalidInput, match="signed-in"):
        notes.add_note(Who("", ""), "churn_rate", *Q1, {}, "anonymous")
    with pytest.raises(appstate.InvalidInput, match="period"):
        notes.add_note(CEO, "churn_rate", Q1[1], Q1[0], {}, "backwards")


def test_initiatives_refuse_unknown_status_and_detect_a_concurrent_change(appstate_url):
    with pytest.raises(appstate.InvalidInput, match="status"):
        notes.add_initiative(CEO, "churn_rate", "Call lost customers", "Head of Sales", None, status="someday")
    number = notes.add_initiative(CEO, "churn_rate", "Call lost customers", "Head of Sales", dt.date(2026, 12, 1))
    [read_by_ceo] = notes.list_initiatives("churn_rate")
    [read_by_ana] = notes.list_initiatives("churn_rate")
    notes.update_initiative(ANA, number, read_by_ana["version"], title="Call lost customers", owner="Ana García",
                            due_on=dt.date(2026, 12, 1), status="in progress")
    with pytest.raises(appstate.Conflict):  # the CEO's stale copy must not overwrite Ana's change
        notes.update_initiative(CEO, number, read_by_ceo["version"], title="Call lost customers",
                                owner="Head of Sales", due_on=None, status="dropped")
    [now] = notes.list_initiatives("churn_rate")
    assert (now["owner"], now["status"], now["updated_by"], now["version"]) == (
        "Ana García", "in progress", "ana.garcia@example.com", 2)


def test_answers_are_saved_updated_and_read_back_only_by_their_author(appstate_url):
    first = survey.create_round(CEO, "Spring 2026", *OPEN)
    survey.save(ANA, first, "Middle management", {"know_pareto": Answer(7), "know_losses": Answer(dont_know=True),
                                                  "own_question": Answer(text="Do we know our rivals?")}, "Iberia")
    survey.save(ANA, first, "Middle management", {"know_pareto": Answer(9)}, "Iberia")  # change one, keep the rest
    level, mine = survey.mine("ana.garcia@example.com", first)
    assert level == "Middle management"
    assert mine == {"know_pareto": Answer(9.0), "know_losses": Answer(None, True),
                    "own_question": Answer(None, False, "Do we know our rivals?")}
    assert survey.mine("ceo@example.com", first) == (None, {})
    table = survey.all_answers()
    assert "respondent" not in table.columns and len(table) == 2  # open text and identity stay out
    assert survey.texts(first, "own_question")[0]["text"] == "Do we know our rivals?"


def test_bad_answers_and_rounds_are_refused(appstate_url):
    with pytest.raises(appstate.InvalidInput, match="closing date"):
        survey.create_round(CEO, "Backwards", dt.date(2026, 5, 1), dt.date(2026, 4, 1))
    first = survey.create_round(CEO, "Spring 2026", *OPEN)
    with pytest.raises(appstate.InvalidInput, match="exists already"):
        survey.create_round(CEO, "Spring 2026", *OPEN)
    with pytest.raises(appstate.InvalidInput, match="0 to 10"):
        survey.save(ANA, first, None, {"know_pareto": Answer(11)})
    with pytest.raises(appstate.InvalidInput, match="unknown question"):
        survey.save(ANA, first, None, {"DROP TABLE": Answer(1)})
    with pytest.raises(appstate.InvalidInput, match="too long"):
        survey.save(ANA, first, None, {"own_question": Answer(text="?" * 1001)})
    assert survey.all_answers().empty and survey.respondents(first) == 0  # nothing half-saved


def test_added_questions_get_distinct_ids(appstate_url):
    first = survey.create_round(CEO, "Spring 2026", *OPEN)
    ids = [survey.add_question(CEO, "customers", f"Question {n}?", "0-10", first) for n in range(3)]
    assert ids == ["added_1", "added_2", "added_3"]
    survey.set_question_active("added_2", False)
    assert [q["id"] for q in survey.list_added_questions()] == ["added_1", "added_3"]


def test_the_access_log_lives_here(appstate_url):
    log.record("ana.garcia@example.com", "sales_manager", "overview", {"region": ["São Paulo"]})
    log.record("ceo@example.com", "executive", "scorecard", {})
    latest = log.latest()
    assert list(latest["user"]) == ["ceo@example.com", "ana.garcia@example.com"]
    assert latest["filters"].iloc[1] == '{"region": ["São Paulo"]}'


def run_threads(count: int, work) -> list[BaseException]:
    errors, start = [], threading.Barrier(count)

    def run(number):
        start.wait()  # all at once
        try:
            work(number)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_writers_lose_nothing(appstate_url):
    """8 threads at once, each writing 15 notes, 15 log entries and its answers to 15 questions
    (saved in 3 batches), plus an initiative updated by all of them: every row is there, and
    each initiative update either landed or was refused as a conflict, never silently lost."""
    first = survey.create_round(CEO, "Spring 2026", *OPEN)
    shared = notes.add_initiative(CEO, "nps", "New survey", "Head of Customer Service", None)
    landed = []

    def work(number):
        me = Who(f"user{number}@example.com", "executive")
        for n in range(15):
            notes.add_note(me, "churn_rate", *Q1, {}, f"note {number}-{n}")
            log.record(me.user, me.role, "overview", {"n": n})
        for batch in range(3):
            survey.save(me, first, "Top management",
                        {f"q{batch * 5 + n}": Answer(float(number % 11)) for n in range(5)})
        version = next(i for i in notes.list_initiatives("nps"))["version"]
        try:
            notes.update_initiative(me, shared, version, title="New survey", owner=me.user, due_on=None,
                                    status="in progress")
            landed.append(me.user)
        except appstate.Conflict:
            pass

    assert run_threads(8, work) == []
    assert len(notes.notes("churn_rate")) == 8 * 15
    assert {n["body"] for n in notes.notes("churn_rate")} == {f"note {a}-{b}" for a in range(8) for b in range(15)}
    assert len(log.latest(limit=10_000)) == 8 * 15
    answers = survey.all_answers()
    assert len(answers) == 8 * 15 and answers["response_id"].nunique() == 8
    [initiative] = notes.list_initiatives("nps")
    assert initiative["version"] == 1 + len(landed) and initiative["owner"] in landed and landed


def test_the_cli_migrates_and_says_plainly_when_it_cannot(appstate_url, capsys, monkeypatch):
    from crm.__main__ import main
    assert main(["migrate"]) == 0 and "schema up to date" in capsys.readouterr().out
    monkeypatch.setenv("CRM_APPSTATE_URL", "postgresql+psycopg://crm:secret@127.0.0.1:1/none")
    assert main(["migrate"]) == 1
    error = capsys.readouterr().err
    assert "cannot be migrated" in error and "secret" not in error  # the password is never printed


def test_pages_say_so_when_the_database_is_down(app_env, monkeypatch):
    from conftest import open_page
    monkeypatch.setenv("CRM_APPSTATE_URL", "postgresql+psycopg://crm@127.0.0.1:1/none")
    for page in ("pages/8_Access_log.py", "pages/4_Assessment.py", "pages/4_Scorecard.py"):
        at = open_page(page)
        assert not at.exception, page
        assert any("database" in m.value for m in [*at.error, *at.warning]), page
    appstate.reset_engines()
