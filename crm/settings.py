"""Settings: one table of name, default and help; each overridable by an environment variable.

`CRM_<NAME>` in the environment overrides the default, e.g. `CRM_DATA_DIR=/srv/crm`.
Read with `settings.get("data_dir")`; `python -m crm settings` prints the table.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str
    parse: Callable[[str], object] = str

    @property
    def env_var(self) -> str:
        return "CRM_" + self.name.upper()


def _optional_int(text: str) -> int | None:
    return int(text) if text.strip() else None


SETTINGS = {s.name: s for s in [
    Setting("data_dir", ROOT / "data", "Folder holding the warehouse files and the pointer to the current one.", Path),
    Setting("queries_dir", ROOT / "queries", "Folder of the analysts' .sql query files (subfolders are groups).", Path),
    Setting("demo_customers", 50_000, "Customers in the demo warehouse built on first start.", int),
    Setting("demo_seed", 7, "Random seed of the demo generator (same seed, same data).", int),
    Setting("inactive_after_days", None,
            "If set, a customer's spell also ends this many days after its last order "
            "(inactivity window); empty = only an explicit lost_on ends a spell.", _optional_int),
    Setting("margin", 0.3, "Gross margin on revenue (a fraction), used for lifetime value, payback and profit.", float),
    Setting("query_timeout_seconds", 30.0, "A query running longer than this is stopped with a message.", float),
    Setting("query_memory_mb", 2048,
            "Memory a query worker may use, enforced by the operating system (DuckDB gets 3/8 of it for its "
            "cache and spills beyond); a query needing more is stopped with a message.", int),
    Setting("query_max_rows", 2_000_000, "A query returning more rows than this is stopped with a message.", int),
    Setting("query_workers", 2, "Worker processes running query files; each runs one query at a time.", int),
    Setting("display_rows", 5000, "Rows shown in a table on screen; the CSV download always has all rows.", int),
    Setting("roles_file", ROOT / ".streamlit" / "roles.toml",
            "Roles, their pages, regions and personal-data rights, and which users and groups have them.", Path),
    Setting("show_error_details", False,
            "Show a page's exceptions with their traceback (for development and tests); otherwise a short "
            "message with a reference, the details in the server log.", lambda text: text.strip().lower() in
            ("1", "true", "yes")),
    Setting("currency", "€", "Currency symbol shown before amounts.", str),
    Setting("keep_versions", 2, "Old warehouse versions kept beside the current one (for sessions still reading them).", int),
    Setting("appstate_url", "",
            "The app's own database (answers, notes, access log) as a SQLAlchemy URL; empty = [connections.appstate] "
            "url in .streamlit/secrets.toml, else a SQLite file in the data folder.", str),
    Setting("assessment_min_group", 3,
            "Self-assessment results are shown only for groups of at least this many respondents.", int),
]}


def get(name: str):
    """The value of a setting: the environment variable if set, else the default."""
    setting = SETTINGS[name]
    raw = os.environ.get(setting.env_var)
    return setting.default if raw is None else setting.parse(raw)


def table() -> list[dict]:
    """Every setting with its current value, for `python -m crm settings` and the docs."""
    return [{"name": s.name, "env": s.env_var, "value": get(s.name), "default": s.default, "help": s.help}
            for s in SETTINGS.values()]
