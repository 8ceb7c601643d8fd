"""The app-state database: where it is, one engine per URL, migrations applied on first use.

Where: the `appstate_url` setting (CRM_APPSTATE_URL) if set, else `url` in the
`[connections.appstate]` section of .streamlit/secrets.toml (Streamlit's convention), else a
SQLite file in the data directory (nothing to install). PostgreSQL URLs use psycopg 3:
`postgresql+psycopg://user:password@host:5432/crm`.
"""
from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from crm import settings
from crm.errors import CrmError

SQLITE_FILE = "appstate.sqlite"
SECRETS_SECTION = "appstate"  # [connections.appstate] in .streamlit/secrets.toml
MIGRATIONS = Path(__file__).resolve().parent / "migrations"

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


class StateError(CrmError):
    """The app-state database cannot be reached or refused a write; the message says why."""


def url() -> str:
    """The database URL: setting / environment first, then secrets, then SQLite in the data folder."""
    if configured := settings.get("appstate_url"):
        return configured
    try:
        import streamlit as st  # secrets only; the app-state package never draws
        found = st.secrets.get("connections", {}).get(SECRETS_SECTION, {}).get("url")
    except Exception:  # no secrets file, or outside a Streamlit app
        found = None
    if found:
        return str(found)
    return f"sqlite:///{Path(settings.get('data_dir')).resolve() / SQLITE_FILE}"


def engine() -> Engine:
    """One engine (connection pool) per URL in this process, migrated to the latest schema once."""
    target = url()
    if target in _engines:
        return _engines[target]
    with _lock:
        if target not in _engines:
            created = _create(target)
            migrate(created)
            _engines[target] = created
    return _engines[target]


def _create(target: str) -> Engine:
    if target.startswith("sqlite"):
        Path(sa.make_url(target).database).parent.mkdir(parents=True, exist_ok=True)
        created = sa.create_engine(target, connect_args={"check_same_thread": False, "timeout": 30},
                                   poolclass=sa.pool.QueuePool, pool_size=5, max_overflow=10)
        sa.event.listen(created, "connect", _sqlite_connect)
        sa.event.listen(created, "begin", _sqlite_begin)
        return created
    # A database that does not answer fails the page in 5 s with a message, not after minutes.
    return sa.create_engine(target, pool_pre_ping=True, pool_size=5, max_overflow=10,
                            connect_args={"connect_timeout": 5})


def _sqlite_connect(dbapi_connection, _record) -> None:
    # WAL: readers never wait for a writer; autocommit off in the driver so that _sqlite_begin
    # decides how a transaction starts.
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA busy_timeout=30000")
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


def _sqlite_begin(connection) -> None:
    # BEGIN IMMEDIATE takes the write lock at the start, so two writers queue (busy_timeout)
    # instead of one failing with "database is locked" when both upgrade a read lock.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def migrate(target: Engine) -> None:
    """Apply the schema migrations (crm/appstate/migrations) that this database has not had yet."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with target.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def reset_engines() -> None:
    """Forget the engines (tests that switch databases)."""
    with _lock:
        for created in _engines.values():
            created.dispose()
        _engines.clear()


def describe(target: str | None = None) -> str:
    """The URL without its password, for messages and the CLI."""
    return sa.make_url(target or url()).render_as_string(hide_password=True)
