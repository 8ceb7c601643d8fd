"""Shared helpers of the app-state modules: validation, timestamps, upserts."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from crm.errors import CrmError


class InvalidInput(CrmError, ValueError):
    """A write was refused: the message says which field and why, in words a user can act on."""


class Conflict(CrmError):
    """Someone else changed the row since it was read: reload and apply the change again."""


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives back naive datetimes; everything is stored in UTC."""
    return value.replace(tzinfo=dt.timezone.utc) if value is not None and value.tzinfo is None else value


def text(value, field: str, limit: int, required: bool = True) -> str | None:
    """Trimmed text within `limit` characters; empty is refused when required, else None."""
    value = "" if value is None else str(value).strip()
    if not value:
        if required:
            raise InvalidInput(f"{field} is empty")
        return None
    if len(value) > limit:
        raise InvalidInput(f"{field} is too long: {len(value):,} characters, at most {limit:,}")
    if "\x00" in value:
        raise InvalidInput(f"{field} holds a NUL character")
    return value


def one_of(value, field: str, allowed) -> str:
    if value not in allowed:
        raise InvalidInput(f"{field} must be one of {', '.join(map(str, allowed))}, not {value!r}")
    return value


def who(scope) -> tuple[str, str]:
    """(user, role) of the signed-in user's crm.access.Scope: every write is attributed."""
    user, role = getattr(scope, "user", ""), getattr(scope, "role", "")
    if not user or not role:
        raise InvalidInput("writes need a signed-in user with a role")
    return user, role


def filters_json(filters: dict | None) -> str:
    return json.dumps(filters or {}, ensure_ascii=False, sort_keys=True)[:2000]


def upsert(connection, table: sa.Table, values: dict, keys: list[str], update: list[str]):
    """INSERT ... ON CONFLICT (keys) DO UPDATE in the dialect at hand, returning the id: two
    people (or one person in two tabs) saving at once both succeed, the last write wins per row."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values)
    statement = statement.on_conflict_do_update(index_elements=keys,
                                                set_={c: statement.excluded[c] for c in update})
    return connection.execute(statement.returning(table.c.id)).scalar_one()
