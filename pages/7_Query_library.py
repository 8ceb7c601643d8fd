"""Query library: every SQL file analysts put in queries/, with a chart, a table and a CSV."""
import streamlit as st

from crm import catalog, library
from crm.frame import frame

page = frame("Query library", ":material/library_books:")

entries = catalog.load()
if query_id := st.query_params.get("q"):
    library.show_query(page, entries, query_id)
else:
    library.show_list(page, entries)
