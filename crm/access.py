"""Who the user is and what they may see: pages, regions, personal data.

Roles live in one readable file (.streamlit/roles.toml, the `roles_file` setting). With an
[auth] section in Streamlit's secrets users sign in (st.login, OpenID Connect) and are matched
by e-mail and groups; without it the app runs in a visible demo mode where "view as" picks a
user from the roles file. Everything is enforced on the server: the region parameter of every
query is clamped to the user's regions (crm.data calls `clamp`, and drops any row of another
region), pages a role may not open are neither listed nor rendered, and personal data is not in
the warehouse at all: crm.data joins names and e-mails from the identities file only for roles
with `personal_data` (see crm/sql/schema.sql).
"""
from __future__ import annotations

import json
import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from crm import settings
from crm.appstate import log as appstate_log
from crm.errors import CrmError

VIEW_AS_KEY = "crm_view_as"  # the demo user picked in "view as", kept for the session and in the URL (?as=)
VIEW_AS_PARAM = "as"
_logger = logging.getLogger(__name__)


class RolesFileError(CrmError):
    """The roles file is missing, unreadable or inconsistent; the message names what is wrong."""


@dataclass(frozen=True)
class Scope:
    """What one user may see."""
    user: str
    role: str
    role_label: str
    pages: frozenset[str] | None  # None = every page
    regions: tuple[str, ...] | None  # None = every region
    personal_data: bool
    rights: frozenset[str] = frozenset()  # extra rights from the roles file, e.g. "note_any_kpi"
    owns: tuple[str, ...] = ()            # scorecard owner titles this user answers for

    def may(self, right: str) -> bool:
        return right in self.rights

    def may_open(self, page_id: str) -> bool:
        return self.pages is None or page_id in self.pages

    def clamp_regions(self, selected) -> list[str]:
        """The regions a query may read: the selection within the user's regions; a restricted
        user never gets the empty list (which means all), nor a region outside theirs."""
        if self.regions is None:
            return list(selected)
        return [r for r in selected if r in self.regions] or list(self.regions)

    def clamp(self, values: dict) -> dict:
        """Parameter values this user may query with: regions clamped."""
        clamped = dict(values)
        if "regions" in values:
            clamped["regions"] = self.clamp_regions(values["regions"])
        return clamped

    @property
    def description(self) -> str:
        where = "all regions" if self.regions is None else ", ".join(self.regions)
        personal = "" if self.personal_data else "; personal data hidden"
        return f"{self.role_label} · {where}{personal}"


def load_roles(path: Path) -> dict:
    """Parse and check the roles file; errors name the file and the entry."""
    try:
        roles = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RolesFileError(f"roles file {path} not found (setting roles_file / CRM_ROLES_FILE)") from None
    except tomllib.TOMLDecodeError as error:
        raise RolesFileError(f"{Path(path).name}: {error}") from None
    known = roles.get("roles", {})
    for kind in ("users", "groups"):
        for who, entry in roles.get(kind, {}).items():
            if entry.get("role") not in known:
                raise RolesFileError(f"{Path(path).name}: {kind}.{who} has unknown role {entry.get('role')!r}; "
                                     f"roles: {', '.join(known)}")
    return roles


def scope_for(roles: dict, email: str | None, groups=()) -> Scope | None:
    """The scope of a user by e-mail, else by the first of their groups found; None = no access."""
    entry = roles.get("users", {}).get((email or "").lower()) or next(
        (roles["groups"][g] for g in groups if g in roles.get("groups", {})), None)
    if entry is None:
        return None
    role = roles["roles"][entry["role"]]
    pages = None if role.get("pages", "*") == "*" else frozenset(role["pages"])
    if role.get("regions", "*") == "*":
        regions = None
    elif role["regions"] == "own":
        regions = tuple(entry.get("regions", ()))
    else:
        regions = tuple(role["regions"])
    return Scope(user=email or "", role=entry["role"], role_label=role.get("label", entry["role"]),
                 pages=pages, regions=regions, personal_data=bool(role.get("personal_data", False)),
                 rights=frozenset(role.get("rights", ())), owns=tuple(entry.get("owns", ())))


# --- the current session ----------------------------------------------------------------------

def auth_configured() -> bool:
    try:
        return bool(st.secrets.get("auth"))
    except Exception:  # no secrets file at all
        return False


@st.cache_data(show_spinner=False, ttl=30)
def _roles(path: str) -> dict:
    return load_roles(Path(path))


def roles() -> dict:
    return _roles(str(settings.get("roles_file")))


def demo_users() -> list[str]:
    return list(roles().get("users", {}))


def current() -> Scope | None:
    """The signed-in user's scope; in demo mode, the user picked in "view as" (admin by default)."""
    if st.user.get("is_logged_in"):
        return scope_for(roles(), st.user.get("email"), st.user.get("groups") or ())
    if auth_configured():
        return None
    users = demo_users()
    chosen = st.session_state.get(VIEW_AS_KEY) or st.query_params.get(VIEW_AS_PARAM)  # a reload keeps the URL
    if chosen not in users:
        chosen = next((u for u in users if roles()["users"][u]["role"] == "admin"), users[0] if users else None)
    return scope_for(roles(), chosen)


def log_view(scope: Scope, page_id: str, filters_url: dict) -> None:
    """Record who opened which page with which filters (in the app-state database); written once
    per change in a session. A database that cannot be reached does not stop the page."""
    marker = json.dumps([page_id, filters_url, scope.user], sort_keys=True)
    if st.session_state.get("_crm_last_logged") == marker:
        return
    try:
        appstate_log.record(scope.user, scope.role, page_id, filters_url)
    except Exception as error:  # noqa: BLE001 - reported, and tried again on the next run
        _logger.error("access log not written: %s", error)
        return
    st.session_state["_crm_last_logged"] = marker


def read_log(limit: int = 1000) -> pd.DataFrame:
    """The latest entries of the access log, newest first."""
    return appstate_log.latest(limit)
