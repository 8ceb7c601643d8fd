"""The self-assessment's records: rounds, each respondent's response (role, regions, level) and
answers, and the questions admins add (for example promoted from "your own question").

Answers are saved per question with an upsert, so saving twice, or from two tabs at once,
never duplicates or loses a row. Reading for results never returns who answered: a response
is an opaque number there."""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from crm.appstate import db
from crm.appstate._common import InvalidInput, aware, now, text, upsert, who
from crm.appstate.tables import added_questions, answers, responses, rounds

NAME_LIMIT = 100
ANSWER_TEXT_LIMIT = 1000
QUESTION_LIMIT = 300
ID = re.compile(r"^[a-z0-9_]{1,64}$")


@dataclass(frozen=True)
class Answer:
    score: float | None = None   # on the question's scale; None = not answered or "don't know"
    dont_know: bool = False
    text: str | None = None      # open questions


# --- rounds ---------------------------------------------------------------------------------

def create_round(scope, name: str, opens_on: dt.date, closes_on: dt.date) -> int:
    user, _ = who(scope)
    name = text(name, "The round's name", NAME_LIMIT)
    if not isinstance(opens_on, dt.date) or not isinstance(closes_on, dt.date) or closes_on < opens_on:
        raise InvalidInput("a round needs an opening date and a closing date on or after it")
    with db.engine().begin() as connection:
        if connection.execute(sa.select(rounds.c.id).where(rounds.c.name == name)).first():
            raise InvalidInput(f"a round named {name!r} exists already")
        return connection.execute(rounds.insert().values(
            name=name, opens_on=opens_on, closes_on=closes_on, created_by=user, created_at=now())
            .returning(rounds.c.id)).scalar_one()


def set_round_dates(scope, round_id: int, opens_on: dt.date, closes_on: dt.date) -> None:
    """Move a round's dates, e.g. close it early (closing yesterday closes it today)."""
    who(scope)
    if not isinstance(opens_on, dt.date) or not isinstance(closes_on, dt.date) or closes_on < opens_on:
        raise InvalidInput("a round needs an opening date and a closing date on or after it")
    with db.engine().begin() as connection:
        if connection.execute(rounds.update().where(rounds.c.id == round_id)
                              .values(opens_on=opens_on, closes_on=closes_on)).rowcount != 1:
            raise InvalidInput("this assessment round does not exist")


def list_rounds() -> list[dict]:
    """Every round, the latest opening first."""
    with db.engine().connect() as connection:
        return [dict(r) for r in connection.execute(
            sa.select(rounds).order_by(rounds.c.opens_on.desc(), rounds.c.id.desc())).mappings()]


# --- answers --------------------------------------------------------------------------------

def _answer_row(question: str, answer: Answer) -> dict:
    if not ID.match(question):
        raise InvalidInput(f"unknown question id {question!r}")
    score = answer.score
    if score is not None and (not isinstance(score, (int, float)) or not math.isfinite(score) or not 0 <= score <= 10):
        raise InvalidInput(f"question {question}: the answer must be a number from 0 to 10")
    return dict(question=question, score=None if answer.dont_know else score, dont_know=bool(answer.dont_know),
                text=text(answer.text, f"question {question}: the answer", ANSWER_TEXT_LIMIT, required=False))


def save(scope, round_id: int, level: str | None, given: dict[str, Answer], regions: str = "",
         today: dt.date | None = None) -> int:
    """Save a respondent's answers for a round open `today` (one transaction); returns the response
    id. Questions not in `given` keep their saved answer; an empty answer clears it."""
    user, role = who(scope)
    rows = [_answer_row(q, a) for q, a in given.items()]
    stamp, today = now(), today or dt.date.today()
    with db.engine().begin() as connection:
        round_row = connection.execute(sa.select(rounds).where(rounds.c.id == round_id)).mappings().first()
        if round_row is None:
            raise InvalidInput("this assessment round does not exist")
        if not round_row["opens_on"] <= today <= round_row["closes_on"]:
            raise InvalidInput(f"the round {round_row['name']!r} is not open today "
                               f"({round_row['opens_on']:%d %b %Y} – {round_row['closes_on']:%d %b %Y})")
        response_id = upsert(connection, responses, dict(
            round_id=round_id, respondent=user, role=role, regions=text(regions, "regions", 400, required=False) or "",
            level=text(level, "level", 40, required=False), updated_at=stamp),
            keys=["round_id", "respondent"], update=["role", "regions", "level", "updated_at"])
        for row in rows:
            upsert(connection, answers, dict(response_id=response_id, updated_at=stamp, **row),
                   keys=["response_id", "question"], update=["score", "dont_know", "text", "updated_at"])
    return response_id


def mine(user: str, round_id: int) -> tuple[str | None, dict[str, Answer]]:
    """(level, answers by question) that `user` saved in a round: only ever their own."""
    with db.engine().connect() as connection:
        response = connection.execute(sa.select(responses).where(
            responses.c.round_id == round_id, responses.c.respondent == user)).mappings().first()
        if response is None:
            return None, {}
        rows = connection.execute(sa.select(answers).where(answers.c.response_id == response["id"])).mappings()
        return response["level"], {r["question"]: Answer(r["score"], r["dont_know"], r["text"]) for r in rows}


def all_answers(round_ids: list[int] | None = None) -> pd.DataFrame:
    """Every scored answer for results: round, response (a number, never who), role, regions,
    level, question, score, don't know. Open-text answers are not included."""
    query = (sa.select(responses.c.round_id, answers.c.response_id, responses.c.role, responses.c.regions,
                       responses.c.level, answers.c.question, answers.c.score, answers.c.dont_know)
             .join(responses, responses.c.id == answers.c.response_id)
             .where(sa.or_(answers.c.score.is_not(None), answers.c.dont_know)))
    if round_ids is not None:
        query = query.where(responses.c.round_id.in_(round_ids))
    with db.engine().connect() as connection:
        rows = connection.execute(query).mappings().all()
    return pd.DataFrame(rows, columns=["round_id", "response_id", "role", "regions", "level", "question", "score",
                                       "dont_know"])


def texts(round_id: int, question: str) -> list[dict]:
    """Open-text answers to one question in a round, without who wrote them (for admins)."""
    query = (sa.select(answers.c.id, answers.c.text).join(responses, responses.c.id == answers.c.response_id)
             .where(responses.c.round_id == round_id, answers.c.question == question, answers.c.text.is_not(None))
             .order_by(answers.c.id))
    with db.engine().connect() as connection:
        return [dict(r) for r in connection.execute(query).mappings()]


def respondents(round_id: int) -> int:
    with db.engine().connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(responses)
                                  .where(responses.c.round_id == round_id)).scalar_one()


# --- questions added by admins ----------------------------------------------------------------

def add_question(scope, theme: str, question_text: str, scale: str, from_round_id: int | None) -> str:
    """A question added to the questionnaire from `from_round_id` on; returns its id (added_N)."""
    user, _ = who(scope)
    values = dict(theme=text(theme, "The theme", 64), text=text(question_text, "The question", QUESTION_LIMIT),
                  scale=text(scale, "The scale", 16), from_round_id=from_round_id, active=True,
                  created_by=user, created_at=now())
    with db.engine().begin() as connection:
        taken = connection.execute(sa.select(sa.func.count()).select_from(added_questions)).scalar_one()
        for number in range(taken + 1, taken + 1000):  # another admin may take a number at the same time
            try:
                with connection.begin_nested():
                    connection.execute(added_questions.insert().values(id=f"added_{number}", **values))
                return f"added_{number}"
            except sa.exc.IntegrityError:
                continue
    raise InvalidInput("could not number the new question; try again")


def set_question_active(question_id: str, active: bool) -> None:
    with db.engine().begin() as connection:
        connection.execute(added_questions.update().where(added_questions.c.id == question_id)
                           .values(active=bool(active)))


def list_added_questions(active_only: bool = True) -> list[dict]:
    query = sa.select(added_questions).order_by(added_questions.c.created_at, added_questions.c.id)
    if active_only:
        query = query.where(added_questions.c.active)
    with db.engine().connect() as connection:
        return [{**r, "created_at": aware(r["created_at"])} for r in connection.execute(query).mappings()]
