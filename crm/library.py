"""The Query library page: every file under queries/, searchable, each with its own view.

A view shows the chart its header asks for, the table formatted by column suffix, a CSV
download, the SQL, the run time and the row count. A broken file shows its error on its
own card; nothing else is affected.
"""
from __future__ import annotations

import streamlit as st

from crm import catalog, charts, data, site, ui
from crm.errors import CrmError
from crm.frame import Page
from crm.markup import code

PAGE_FILE = site.path("query_library")


def matches(entry, text: str) -> bool:
    """Search by id, title and description (case-insensitive); broken files match on id and error."""
    words = text.lower().split()
    haystack = " ".join([entry.id, entry.title, entry.description] if isinstance(entry, catalog.Query)
                        else [entry.path.stem, str(entry)]).lower()
    return all(word in haystack for word in words)


def show_list(page: Page, entries: dict) -> None:
    text = st.text_input("Search", placeholder="Search titles and descriptions", key="library_search",
                         icon=":material/search:")
    found = {k: (data.problem(v) or v) if isinstance(v, catalog.Query) else v
             for k, v in entries.items() if matches(v, text)}
    st.caption(f"{len(found)} of {len(entries)} query files. Add a `.sql` file to `queries/` and it appears here "
               "(see `queries/README.md`).")
    if not found:
        ui.empty("No query matches the search.")
    broken = [e for e in found.values() if isinstance(e, catalog.QueryFileError)]
    if broken:
        st.subheader("Files to fix")
        for error in broken:
            ui.query_error(error)
    queries = sorted((e for e in found.values() if isinstance(e, catalog.Query)), key=lambda q: (q.group, q.id))
    for group in dict.fromkeys(q.group for q in queries):
        st.subheader(group.replace("_", " ").capitalize() if group else "General")
        for query in (q for q in queries if q.group == group):
            st.page_link(PAGE_FILE, label=f"**{query.title}** · `{query.id}`", icon=":material/table_chart:",
                         query_params={**page.filters.to_url(), "q": query.id})
            st.caption(query.description or "No description.")


def show_query(page: Page, entries: dict, query_id: str) -> None:
    st.page_link(PAGE_FILE, label="All queries", icon=":material/arrow_back:", query_params=page.filters.to_url())
    entry = entries.get(query_id)
    if entry is None:
        ui.empty(f"There is no query file named {code(query_id + '.sql')}.")
        return
    if isinstance(entry, catalog.QueryFileError):
        ui.query_error(entry)
        return
    st.subheader(entry.title)
    st.markdown(entry.description or "_No description._")
    values = {**page.values, **_param_inputs(entry)}
    try:
        with st.spinner("Running the query…"):
            result = data.execute(entry, values)
    except CrmError as error:
        ui.query_error(error)
        _show_sql(entry)
        return
    if problem := entry.chart_problem(result.frame.columns):
        ui.query_error(catalog.QueryFileError(entry.path, problem))
    else:
        figure, drill = charts.from_spec(result.frame, entry.chart)
        if figure is not None:
            ui.chart(figure, key=f"library_{query_id}", drill=drill)
    if result.frame.empty:
        ui.empty("The query returned no rows for these filters.")
    ui.table(result.frame, file_name=query_id, key=f"library_{query_id}")
    owner = f" · owner: {entry.owner}" if entry.owner else ""
    file_name = f"{entry.group}/{entry.path.name}" if entry.group else entry.path.name
    st.caption(f"{len(result.frame):,} rows · ran in {result.seconds:.3f} s · `queries/{file_name}`{owner}")
    _show_sql(entry)


def _param_inputs(query: catalog.Query) -> dict:
    """One input per parameter declared in the file's header, starting at its default."""
    inputs = {"integer": st.number_input, "number": st.number_input, "text": st.text_input,
              "date": st.date_input, "boolean": st.checkbox}
    values = {}
    for param in query.params:
        values[param.name] = inputs[param.type](param.name, value=param.default, help=param.help or None,
                                                key=f"param_{query.id}_{param.name}")
    return values


def _show_sql(query: catalog.Query) -> None:
    with st.expander("SQL", icon=":material/code:"):
        st.code(query.sql, language="sql")
