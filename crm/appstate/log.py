"""The access log: who opened which page with which filters, and when."""
from __future__ import annotations

import json

import pandas as pd
import sqlalchemy as sa

from crm.appstate import db
from crm.appstate._common import aware, filters_json, now
from crm.appstate.tables import access_log

COLUMNS = ["at", "user", "role", "page", "filters"]


def record(user: str, role: str, page: str, filters: dict) -> None:
    with db.engine().begin() as connection:
        connection.execute(access_log.insert().values(
            at=now(), user_email=user[:320], role=role[:64], page=page[:64], filters=filters_json(filters)))


def latest(limit: int = 1000) -> pd.DataFrame:
    """The latest entries, newest first; filters as JSON text."""
    query = sa.select(access_log).order_by(access_log.c.id.desc()).limit(limit)
    with db.engine().connect() as connection:
        rows = connection.execute(query).mappings().all()
    return pd.DataFrame([{"at": aware(r["at"]), "user": r["user_email"], "role": r["role"], "page": r["page"],
                          "filters": json.dumps(json.loads(r["filters"]), ensure_ascii=False)} for r in rows],
                        columns=COLUMNS)
