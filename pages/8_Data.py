"""Data: what the warehouse being served holds, where it came from, and how to load your own."""
import streamlit as st

from crm import ui
from crm.frame import frame

page = frame("Data", ":material/database:")
st.caption("The global filters do not apply on this page: it describes the whole warehouse.")

build = page.run("warehouse_build").iloc[0]
imported = build.source != "demo"
window = build.inactive_after_days
counts = page.run("table_row_counts")

left, right = st.columns([3, 2])
with left.container(border=True):
    st.subheader("This warehouse")
    st.markdown(f"""
| | |
|---|---|
| **Source** | {f"`{build.source}`" if imported else "demo data (generated)"} |
| **Built** | {build.built_at:%d %b %Y, %H:%M} UTC |
| **Data from** | {build.data_start_on:%d %b %Y} (the start of the order history) |
| **As of** | {build.as_of_on:%d %b %Y} (the latest date in the data; periods end here) |
| **Inactivity window** | {"none: only a recorded loss date ends a spell" if window != window or window is None
                          else f"{int(window)} days after the last order"} |
""")
    st.markdown("**Load your own data.** Put one file per table in a folder — CSV in UTF-8 or Parquet, named "
                "after the table: `customers` (required), `orders`, `interactions`, `channel_costs`, `complaints`, "
                "`surveys`, `leads`, `staff`, `training`, `targets` — and run:")
    st.code("python -m crm import path/to/folder [--inactive-after-days N]", language="bash")
    st.caption("Files with errors are refused with the file, row, column and value, and this warehouse stays in "
               "place. A good import becomes current at once: open pages show it on their next rerun. The README "
               "describes every table and column; data/example/ is a complete small example.")
with right.container(border=True):
    st.subheader("Rows per table")
    ui.table(counts, file_name="table_row_counts", key="row_counts", height=35 * (len(counts) + 1) + 3)

with st.container(border=True):
    st.subheader("Warnings of the import")
    warnings = page.run("import_warnings")
    if not imported:
        ui.empty("This warehouse holds the demo data: nothing was imported, so there are no import warnings.")
    elif warnings.empty:
        ui.empty("The import that built this warehouse had no warnings.")
    else:
        st.caption(f"{len(warnings):,} warning(s); they did not stop the import. In CSV files the header is row 1.")
        ui.table(warnings, file_name="import_warnings", key="import_warnings")
