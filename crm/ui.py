"""Page building blocks, so pages stay thin and look alike: KPI tiles, charts that drill
down on click, tables formatted by column suffix with a CSV download, empty states."""
from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from crm import access, catalog, data, filters, kpis, metrics, settings, site
from crm.formatting import column_config, format_change, format_value
from crm.markup import code


CUSTOMERS_PAGE = site.path("customers")


def kpi_tiles(page, metric_ids: list[str], now: pd.Series, before: pd.Series | None = None,
              trend: pd.DataFrame | None = None, per_row: int = 5) -> None:
    """One bordered tile per metric (ids of queries/metrics.toml): value, change against `before`,
    sparkline of `trend`, definition on hover, and an "Explain" popover (definition, query file and
    SQL, as-of date, customers behind it)."""
    kpis = metrics.some(metric_ids)
    for start in range(0, len(kpis), per_row):
        for column, kpi in zip(st.columns(per_row), kpis[start:start + per_row]):
            previous = before[kpi.column] if before is not None else None
            help_text = kpi.definition
            if before is not None:
                help_text += f"\n\nCompared with: {format_value(kpi.column, previous)}"
            with column.container(border=True):
                st.metric(
                    kpi.label, format_value(kpi.column, now[kpi.column], short=True),
                    delta=format_change(kpi.column, now[kpi.column], previous) if before is not None else None,
                    delta_color="inverse" if kpi.lower_is_better else "normal", help=help_text,
                    chart_data=None if trend is None else trend[kpi.column].astype(float).dropna().tolist(),
                )
                _explain(page, kpi)


def metric_tiles(page, metric_ids: list[str], per_row: int = 5, sparklines: bool = True) -> None:
    """Tiles for these metrics, their values fetched here: for each query file they come from, the
    period and the comparison period in one statement, and (sparklines) the last 12 months from the
    file's `<query>_monthly` companion where there is one, else the same file month by month."""
    now, before, trend = {}, {}, []
    for query_id in dict.fromkeys(m.query for m in metrics.some(metric_ids)):
        current, previous = data.run_each(query_id, [page.values, page.previous_values])
        now.update(current.iloc[0].to_dict() if len(current) else {})
        before.update(previous.iloc[0].to_dict() if len(previous) else {})
        if sparklines:
            trend.append(_monthly(page, query_id))
    kpi_tiles(page, metric_ids, pd.Series(now, dtype=object), pd.Series(before, dtype=object),
              pd.concat(trend, axis=1) if trend else None, per_row)


def _monthly(page, query_id: str) -> pd.DataFrame:
    return kpis.per_month(data, query_id, page.values, last=12).drop(columns="month")


def _explain(page, kpi) -> None:
    query = catalog.get(kpi.query)
    with st.popover("Explain", icon=":material/info:", type="tertiary"):
        st.markdown(f"**{kpi.label}**: {kpi.definition}")
        st.caption(f"Column `{kpi.column}` of `queries/{query.group + '/' if query.group else ''}{query.path.name}` · "
                   f"period {page.start:%d %b %Y} – {page.end:%d %b %Y} · data as of {page.as_of:%d %b %Y}")
        with st.expander("SQL"):
            st.code(query.sql, language="sql")
        if Path(CUSTOMERS_PAGE).exists() and access.current().may_open("customers"):
            st.page_link(CUSTOMERS_PAGE, label="The customers behind this number", icon=":material/groups:",
                         query_params=page.filters.to_url())


def chart(figure: alt.TopLevelMixin, *, key: str | None = None, drill: str | None = None) -> None:
    """Show an Altair chart. With drill="segment" (or "channel", "region") a click on a mark
    sets that global filter; the figure must carry the point selection charts.drillable() adds."""
    if drill is None:
        st.vega_lite_chart(vega_lite(figure), key=key)
        return
    key = key or f"chart_{drill}"
    st.vega_lite_chart(vega_lite(figure), key=key, on_select=lambda: filters.apply_selection(key, drill),
                       selection_mode=filters.DRILL_PARAM)
    st.caption(f"Click a {drill} to filter every page by it.")


def vega_lite(figure: alt.TopLevelMixin) -> dict:
    """The figure's Vega-Lite spec, without Altair's schema validation: validating took ~10 ms a
    chart (a fifth of a second on the scorecard's sparklines); crm.charts builds every chart from
    code the tests render."""
    return figure.to_dict(validate=False)


# As st.altair_chart does: no Altair theme (its default adds a fixed 300 px view size); Streamlit
# themes the chart. Set once here: enabling it per chart would race between sessions' threads.
alt.theme.enable("none")


def table(frame: pd.DataFrame, *, file_name: str, key: str, height: int | str = "auto") -> None:
    """A table formatted by column suffix, with readable headings and a CSV download of all its rows.
    Only the first `display_rows` rows are drawn on screen. The frame comes from crm.data, which
    joined names and e-mails only for users with the personal-data right."""
    limit = settings.get("display_rows")
    shown = frame.head(limit)
    if "consent" in shown.columns:  # mark customers who did not agree to be profiled
        shown = shown.assign(consent=shown["consent"].map({True: "yes", False: "⚠ no"}).fillna("⚠ unknown"))
    st.dataframe(shown, hide_index=True, width="stretch", height=height, column_config=column_config(shown))
    if len(frame) > limit:
        st.caption(f"Showing the first {limit:,} of {len(frame):,} rows; the CSV download has them all.")
    download = data.for_download(frame)
    note = f" ({len(frame) - len(download):,} without consent left out)" if len(download) < len(frame) else ""
    st.download_button(f"Download CSV{note}", csv_bytes(download), file_name=f"{file_name}.csv", mime="text/csv",
                       key=f"download_{key}", icon=":material/download:", on_click="ignore")


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Every CSV download's bytes: text cells that a spreadsheet would run as a formula get a leading
    apostrophe (shown as text); number columns stay numbers."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]) and not pd.api.types.is_datetime64_any_dtype(safe[column]):
            safe[column] = safe[column].map(_neutralised)
    safe.columns = [_neutralised(str(c)) for c in safe.columns]  # an analyst's alias is a cell too
    # CRLF rows, as RFC 4180 says: the writer then quotes any cell holding a CR or LF, which a bare
    # "\n" terminator would leave unquoted (a CR inside a cell would split the row).
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def _neutralised(value):
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def empty(message: str) -> None:
    st.info(message, icon=":material/filter_alt_off:")


def has_rows(frame: pd.DataFrame, empty_message: str) -> bool:
    """True when a result has rows to show; otherwise shows the empty state saying why."""
    if frame.empty:
        empty(empty_message)
        return False
    return True


def query_error(error: Exception) -> None:
    """A broken or failed query on its own card: file, line where known, and the database's message
    (shown as text, without the server's folders)."""
    if isinstance(error, catalog.QueryFileError):
        where = f"`{error.path.name}`" + (f", line {error.line}" if error.line else "")
        st.error(f"**Query file {where}**: {_as_text(error.message)}", icon=":material/error:")
    else:
        st.error(f"**The query failed**: {_as_text(str(error))}", icon=":material/error:")


def _as_text(message: str) -> str:
    for folder in {str(settings.ROOT), str(Path(settings.get("data_dir")).resolve())}:
        message = message.replace(folder + "/", "").replace(folder, "…")
    return code(message, limit=2000)
