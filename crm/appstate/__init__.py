"""The app's own database (never the warehouse): the access log, scorecard notes and
initiatives, and the self-assessment. The only package that imports SQLAlchemy.

    from crm.appstate import log, notes, survey
    notes.add_note(scope, "churn_rate", start, end, filters, "Price rise in March; win-back calls since")

SQLite in the data folder by default, PostgreSQL when configured (see crm/appstate/db.py);
migrations are applied on first use. Bad input raises InvalidInput (say it to the user),
a concurrent change Conflict, an unreachable database StateError.
"""
from crm.appstate._common import Conflict, InvalidInput  # noqa: F401
from crm.appstate.db import StateError, describe, engine, reset_engines, url  # noqa: F401
