"""Scorecard commentary: notes on a KPI for a period (append-only, so the history stays and two
people writing at once both keep their note) and initiatives linked to a KPI (updated with a
version check, so a change made meanwhile by someone else is never overwritten silently)."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from crm.appstate import db
from crm.appstate._common import Conflict, InvalidInput, aware, filters_json, now, one_of, text, who
from crm.appstate.tables import initiatives, kpi_notes

NOTE_LIMIT = 2000
TITLE_LIMIT = 200
OWNER_LIMIT = 200
STATUSES = ("planned", "in progress", "done", "dropped")
OPEN_STATUSES = ("planned", "in progress")


def _period(start, end) -> tuple[dt.date, dt.date]:
    if not isinstance(start, dt.date) or not isinstance(end, dt.date) or end < start:
        raise InvalidInput("the period must be two dates, the first not after the second")
    return start, end


def add_note(scope, kpi: str, start: dt.date, end: dt.date, filters: dict, body: str) -> int:
    user, role = who(scope)
    start, end = _period(start, end)
    values = dict(kpi=text(kpi, "KPI", 64), period_start=start, period_end=end, filters=filters_json(filters),
                  body=text(body, "The note", NOTE_LIMIT), author=user, author_role=role, created_at=now())
    with db.engine().begin() as connection:
        return connection.execute(kpi_notes.insert().values(**values).returning(kpi_notes.c.id)).scalar_one()


def notes(kpi: str | None = None, start: dt.date | None = None, end: dt.date | None = None) -> list[dict]:
    """Notes, newest first; for one KPI and/or one period."""
    query = sa.select(kpi_notes).order_by(kpi_notes.c.created_at.desc(), kpi_notes.c.id.desc())
    if kpi is not None:
        query = query.where(kpi_notes.c.kpi == kpi)
    if start is not None:
        query = query.where(kpi_notes.c.period_start == start, kpi_notes.c.period_end == end)
    with db.engine().connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [{**row, "created_at": aware(row["created_at"]), "filters": json.loads(row["filters"])} for row in rows]


def noted_kpis(start: dt.date, end: dt.date) -> set[str]:
    """The KPIs with at least one note for exactly this period."""
    query = sa.select(kpi_notes.c.kpi).distinct().where(kpi_notes.c.period_start == start,
                                                        kpi_notes.c.period_end == end)
    with db.engine().connect() as connection:
        return set(connection.execute(query).scalars())


def _initiative_values(title, owner, due_on, status) -> dict:
    if due_on is not None and not isinstance(due_on, dt.date):
        raise InvalidInput("the due date must be a date")
    return dict(title=text(title, "The title", TITLE_LIMIT), owner=text(owner, "The owner", OWNER_LIMIT),
                due_on=due_on, status=one_of(status, "The status", STATUSES))


def add_initiative(scope, kpi: str, title: str, owner: str, due_on: dt.date | None, status: str = "planned") -> int:
    user, _ = who(scope)
    stamp = now()
    values = dict(kpi=text(kpi, "KPI", 64), **_initiative_values(title, owner, due_on, status),
                  created_by=user, created_at=stamp, updated_by=user, updated_at=stamp, version=1)
    with db.engine().begin() as connection:
        return connection.execute(initiatives.insert().values(**values).returning(initiatives.c.id)).scalar_one()


def update_initiative(scope, initiative_id: int, version: int, *, title: str, owner: str,
                      due_on: dt.date | None, status: str) -> int:
    """Change an initiative read at `version`; returns the new version. Raises Conflict when
    someone else changed it meanwhile (their change is kept; reload and apply yours again)."""
    user, _ = who(scope)
    changes = _initiative_values(title, owner, due_on, status)
    statement = (initiatives.update()
                 .where(initiatives.c.id == initiative_id, initiatives.c.version == version)
                 .values(**changes, updated_by=user, updated_at=now(), version=version + 1))
    with db.engine().begin() as connection:
        if connection.execute(statement).rowcount != 1:
            raise Conflict("this initiative was changed by someone else meanwhile; reload to see their change")
    return version + 1


def list_initiatives(kpi: str | None = None) -> list[dict]:
    """Initiatives, open ones first, then by due date."""
    query = sa.select(initiatives).order_by(initiatives.c.due_on.is_(None), initiatives.c.due_on, initiatives.c.id)
    if kpi is not None:
        query = query.where(initiatives.c.kpi == kpi)
    with db.engine().connect() as connection:
        rows = [dict(r) for r in connection.execute(query).mappings()]
    rows.sort(key=lambda r: r["status"] not in OPEN_STATUSES)
    return rows
