"""Scorecard commentary: who may write on a KPI, which red KPIs still lack a note, and the notes and
initiatives beside each KPI on the Scorecard page. Stored in the app's own database
(crm.appstate.notes); a note belongs to a KPI and the period it was written for, with the filters
of the view it was written on.

A red KPI needs a note for the period: until one is written the scorecard shows "red, no note".
A note for the same period written on another filtered view counts (the period is the reporting
unit; the note says which filters it saw).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from crm import appstate
from crm.appstate import notes as store

NOTED, MISSING = "noted", "red, no note"
FLASH_KEY = "_crm_commentary_saved"


def may_write(scope, kpi) -> bool:
    """The KPI's owner (the roles file's `owns` titles) or a role with the note_any_kpi right."""
    return scope.may("note_any_kpi") or (bool(kpi.owner) and kpi.owner in scope.owns)


def state(status: str, noted: bool) -> str:
    """'noted', 'red, no note', or '' (not red and no note: nothing asked)."""
    if noted:
        return NOTED
    return MISSING if status == "red" else ""


def missing_notes(now: pd.DataFrame, noted: set[str]) -> list[str]:
    """KPI ids that are red in `now` (crm.scorecard.scored) and have no note for the period."""
    return [kpi for kpi, row in now.iterrows() if state(row["status"], kpi in noted) == MISSING]


def open_initiatives(card, initiatives: list[dict]) -> dict[str, int]:
    """Open initiatives (planned, in progress) per objective id, for the strategy map."""
    by_kpi = pd.Series([i["kpi"] for i in initiatives if i["status"] in store.OPEN_STATUSES], dtype=object)
    counts = by_kpi.value_counts().to_dict()
    return {o.id: sum(counts.get(k.id, 0) for k in o.kpis) for o in card.objectives}


def with_initiatives(nodes: pd.DataFrame, counts: dict[str, int]) -> pd.DataFrame:
    """Strategy-map nodes whose label says how many open initiatives they have."""
    extra = nodes["objective"].map(lambda o: f"\n⚑ {counts[o]} initiative{'s' * (counts[o] != 1)}"
                                   if counts.get(o) else "")
    return nodes.assign(label=nodes["label"] + extra)


class Commentary:
    """The notes and initiatives of one scorecard view, read once per run (two queries)."""

    def __init__(self, start: dt.date, end: dt.date):
        self.start, self.end = start, end
        self.error = None
        if done := st.session_state.pop(FLASH_KEY, None):
            st.toast(done, icon=":material/check_circle:")
        try:
            self.noted = store.noted_kpis(start, end)
            self.initiatives = store.list_initiatives()
        except Exception as error:  # noqa: BLE001 - the scorecard still shows its numbers
            self.error, self.noted, self.initiatives = error, set(), []

    def of(self, kpi_id: str) -> list[dict]:
        return [i for i in self.initiatives if i["kpi"] == kpi_id]


def cell(column, page, scope, kpi, status: str, commentary: Commentary) -> None:
    """The commentary column of a KPI row: its note state, the latest note, open initiatives, and a
    popover with the history and (for those who may) the forms."""
    current = state(status, kpi.id in commentary.noted)
    initiatives = commentary.of(kpi.id)
    open_count = sum(i["status"] in store.OPEN_STATUSES for i in initiatives)
    with column:
        if current == MISSING:
            st.markdown(":red-badge[:material/edit_note: red, no note]")
        elif current == NOTED:
            st.markdown(":blue-badge[:material/sticky_note_2: noted]")
        if open_count:
            st.caption(f"⚑ {open_count} open initiative{'s' * (open_count != 1)}")
        with st.popover("Notes", icon=":material/chat:", type="tertiary"):
            _history(kpi, commentary)
            _initiatives(scope, kpi, initiatives)
            if may_write(scope, kpi):
                _note_form(page, scope, kpi, commentary)
                _initiative_form(scope, kpi)
            else:
                st.caption(f"Notes on {kpi.label} are written by its owner ({kpi.owner or 'none set'}) "
                           "or a role with the note_any_kpi right (.streamlit/roles.toml).")


def _history(kpi, commentary: Commentary) -> None:
    st.markdown(f"**{kpi.label}**: notes for {commentary.start:%d %b %Y} – {commentary.end:%d %b %Y}")
    try:
        history = store.notes(kpi.id, commentary.start, commentary.end)
    except Exception as error:  # noqa: BLE001
        st.error(f"The notes cannot be read: {error}", icon=":material/error:")
        return
    if not history:
        st.caption("No note for this period yet.")
    for note in history:
        filters = ", ".join(f"{k}: {', '.join(v) if isinstance(v, list) else v}" for k, v in note["filters"].items())
        st.markdown(note["body"])
        st.caption(f"{note['author']} ({note['author_role']}) · {note['created_at']:%d %b %Y %H:%M} UTC"
                   + (f" · filters {filters}" if filters else " · no filters"))


def _note_form(page, scope, kpi, commentary: Commentary) -> None:
    with st.form(f"note_{kpi.id}", clear_on_submit=True, border=False):
        body = st.text_area("What happened, and what is being done?", max_chars=store.NOTE_LIMIT, height=100,
                            key=f"note_body_{kpi.id}")
        if st.form_submit_button("Save the note", icon=":material/save:"):
            _write(lambda: store.add_note(scope, kpi.id, commentary.start, commentary.end, page.filters.to_url(), body),
                   "Note saved.")


def _initiatives(scope, kpi, initiatives: list[dict]) -> None:
    if not initiatives:
        return
    st.markdown("**Initiatives**")
    for item in initiatives:
        due = f" · due {item['due_on']:%d %b %Y}" if item["due_on"] else ""
        st.markdown(f"{item['title']}  \n:gray[{item['owner']}{due} · {item['status']}]")
        if may_write(scope, kpi):
            with st.form(f"initiative_{item['id']}", border=False):
                status = st.selectbox("Status", store.STATUSES, index=store.STATUSES.index(item["status"]),
                                      key=f"initiative_status_{item['id']}", label_visibility="collapsed")
                if st.form_submit_button("Update the status"):
                    _write(lambda: store.update_initiative(scope, item["id"], item["version"], title=item["title"],
                                                           owner=item["owner"], due_on=item["due_on"], status=status),
                           "Status updated.")


def _initiative_form(scope, kpi) -> None:
    with st.form(f"new_initiative_{kpi.id}", clear_on_submit=True, border=False):
        st.markdown("**New initiative**")
        title = st.text_input("Title", max_chars=store.TITLE_LIMIT, key=f"initiative_title_{kpi.id}")
        owner = st.text_input("Owner", value=kpi.owner, max_chars=store.OWNER_LIMIT, key=f"initiative_owner_{kpi.id}")
        due = st.date_input("Due", value=None, key=f"initiative_due_{kpi.id}")
        if st.form_submit_button("Add the initiative", icon=":material/flag:"):
            _write(lambda: store.add_initiative(scope, kpi.id, title, owner, due), "Initiative added.")


def _write(action, done: str) -> None:
    try:
        action()
    except appstate.InvalidInput as error:
        st.error(f"Not saved: {error}", icon=":material/error:")
    except appstate.Conflict as error:
        st.warning(f"Not saved: {error}", icon=":material/sync_problem:")
    except Exception as error:  # noqa: BLE001
        st.error(f"Not saved: the app's database failed ({error}).", icon=":material/error:")
    else:
        st.session_state[FLASH_KEY] = done  # shown after the rerun (a toast before it would be lost)
        st.rerun()  # the row's badge and the map follow at once
