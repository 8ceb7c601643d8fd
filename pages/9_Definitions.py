"""Definitions: what every number means and which query computes it."""
import streamlit as st

from crm import catalog, metrics
from crm.frame import frame

page = frame("Definitions", ":material/menu_book:")

st.markdown("""
**Active spells.** A customer's first spell starts on the day they were acquired. A spell ends on
the recorded loss date or — where an inactivity window of *N* days is configured — *N* days after
its last order, whichever comes first. An order after a spell ended starts a new spell: a
**reactivation**. A spell is active on day *d* when start ≤ *d* < end; an open end means still active.

**Periods** run from their first to their last day inclusive and end on the **as-of date**, the latest
date in the data (not today), so historical exports work. The comparison is the previous period of
equal length. Always: active at end = active at start + new + reactivated − lost.

**Channel filter.** Orders, interactions, costs, complaints and surveys are filtered by their own
channel; customer counts by the channel the customer was acquired through.
""")

st.subheader("Metrics")
st.caption("Every metric of the dashboard, declared once in `queries/metrics.toml`: tiles, the scorecard and "
           "Explain show these definitions.")
for group, members in metrics.by_group().items():
    with st.expander(group, expanded=True):
        st.markdown("\n".join(
            f"- **{m.label}** ({m.better} is better; `{m.column}` of `{m.query}`): {m.definition}" for m in members))

st.subheader("Query files")
st.caption("Every number in the app comes from one of these files in `queries/`.")
for query_id, entry in sorted(catalog.load().items()):
    if isinstance(entry, catalog.QueryFileError):
        st.error(f"`{query_id}`: {entry}", icon=":material/error:")
    else:
        st.markdown(f"- **`{query_id}`** — {entry.title}. {entry.description}")
