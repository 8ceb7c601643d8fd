"""Altair chart builders. One fixed colour per segment, channel and movement across the app,
so a colour means the same thing on every page; values the app does not know (a customer's
own segments) get a stable colour from a fallback palette."""
from __future__ import annotations

import zlib

import altair as alt
import pandas as pd

from crm.formatting import label

SEGMENT_COLORS = {
    "Multinational": "#1f3b73", "Large national": "#3f74c4",
    "Small national": "#7fb3e6", "Household": "#f0a23b",
}
CHANNEL_COLORS = {
    "Telephone": "#4e79a7", "Fax": "#9c755f", "Web": "#59a14f", "E-mail": "#76b7b2",
    "Mail": "#edc948", "In person": "#e15759", "Partner": "#b07aa1",
}
MOVEMENT_COLORS = {"New": "#2e7d32", "Reactivated": "#81c784", "Lost": "#c62828"}
UNKNOWN_COLOR = "#b0b7bf"
FALLBACK = ["#8cd17d", "#ff9d9a", "#bab0ac", "#d37295", "#fabfd2", "#b6992d", "#499894", "#86bcb6"]
KNOWN = {"segment": SEGMENT_COLORS, "channel": CHANNEL_COLORS, "movement": MOVEMENT_COLORS}


def color_for(field: str, value: str) -> str:
    known = KNOWN.get(field) or next((m for m in KNOWN.values() if value in m), {})  # "New" is a movement anywhere
    if value in known:
        return known[value]
    if value in ("Unknown", "", None):
        return UNKNOWN_COLOR
    return FALLBACK[zlib.crc32(str(value).encode()) % len(FALLBACK)]


def color_scale(field: str, values) -> alt.Scale:
    domain = list(dict.fromkeys(values))
    order = list(KNOWN.get(field, {}))  # known values in their usual order first
    domain.sort(key=lambda v: (order.index(v) if v in order else len(order), str(v)))
    return alt.Scale(domain=domain, range=[color_for(field, v) for v in domain])


def movements_per_month(frame: pd.DataFrame) -> alt.LayerChart:
    """New and reactivated above the axis, lost below, net change as a line."""
    long = frame.melt(id_vars="month", value_vars=["new_count", "reactivated_count", "lost_count"],
                      var_name="movement", value_name="customers")
    long["movement"] = long["movement"].map({"new_count": "New", "reactivated_count": "Reactivated",
                                             "lost_count": "Lost"})
    long["customers"] = long["customers"].where(long["movement"] != "Lost", -long["customers"])
    net = frame.assign(net=frame["new_count"] + frame["reactivated_count"] - frame["lost_count"])
    # Ordinal months: one band per month, no stray tick after the last one.
    x = alt.X("yearmonth(month):O", title=None, axis=alt.Axis(format="%b %y", labelAngle=0))
    bars = alt.Chart(long).mark_bar().encode(
        x=x, y=alt.Y("sum(customers):Q", title="Customers"),
        color=alt.Color("movement:N", title=None, scale=color_scale("movement", MOVEMENT_COLORS),
                        legend=alt.Legend(orient="top")),
        order=alt.Order("movement:N"),
        tooltip=[alt.Tooltip("yearmonth(month):T", title="Month"), alt.Tooltip("movement:N", title="Movement"),
                 alt.Tooltip("sum(customers):Q", title="Customers", format=",")],
    )
    line = alt.Chart(net).mark_line(color="#222", point=alt.OverlayMarkDef(color="#222"), strokeWidth=1.5).encode(
        x=x, y="net:Q",
        tooltip=[alt.Tooltip("yearmonth(month):T", title="Month"), alt.Tooltip("net:Q", title="Net change", format="+,")],
    )
    return alt.layer(bars, line).properties(height=300)


def bridge(active_start: int, new: int, reactivated: int, lost: int) -> alt.Chart:
    """Waterfall: active at start + new + reactivated - lost = active at end."""
    end = active_start + new + reactivated - lost
    steps = [("Active at start", 0, active_start, "total"), ("New", active_start, active_start + new, "New"),
             ("Reactivated", active_start + new, active_start + new + reactivated, "Reactivated"),
             ("Lost", active_start + new + reactivated, end, "Lost"), ("Active at end", 0, end, "total")]
    frame = pd.DataFrame(steps, columns=["step", "from", "to", "kind"])
    frame["change"] = frame["to"] - frame["from"]
    colors = {**MOVEMENT_COLORS, "total": "#5b6770"}
    base = alt.Chart(frame).encode(x=alt.X("step:N", sort=list(frame["step"]), title=None,
                                           axis=alt.Axis(labelAngle=0)))
    bars = base.mark_bar(size=48).encode(
        y=alt.Y("from:Q", title="Customers", scale=alt.Scale(zero=False)), y2="to:Q",
        color=alt.Color("kind:N", scale=alt.Scale(domain=list(colors), range=list(colors.values())), legend=None),
        tooltip=[alt.Tooltip("step:N", title="Step"), alt.Tooltip("change:Q", title="Customers", format="+,")],
    )
    labels = base.mark_text(dy=-8).encode(y=alt.Y("max_value:Q"), text=alt.Text("change:Q", format=","))
    labels = labels.transform_calculate(max_value="max(datum.from, datum.to)")
    return alt.layer(bars, labels).properties(height=300)


def monthly_line(frame: pd.DataFrame, y: str, *, title: str, value_format: str = ",.0f") -> alt.Chart:
    """One value per month (column `month`) as a line; axis numbers in short form (2.2M)."""
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("yearmonth(month):O", title=None, axis=alt.Axis(format="%b %y", labelAngle=0)),
        y=alt.Y(f"{y}:Q", title=title, axis=alt.Axis(format="~s")),
        tooltip=[alt.Tooltip("yearmonth(month):T", title="Month", format="%b %Y"),
                 alt.Tooltip(f"{y}:Q", title=title, format=value_format)],
    ).properties(height=300)


def drillable(figure: alt.Chart, field: str) -> alt.Chart:
    """Add the point selection on `field` that ui.chart(drill=field) turns into a filter."""
    from crm.filters import DRILL_PARAM
    return figure.add_params(alt.selection_point(name=DRILL_PARAM, fields=[field]))


def breakdown(frame: pd.DataFrame, field: str, value: str, *, title: str, value_format: str = ",.0f",
              drill: bool = True) -> alt.Chart:
    """Horizontal bars of `value` per `field` (segment, channel, region...), largest first, in the
    field's fixed colours; clicking a bar drills down when drill=True."""
    figure = alt.Chart(frame).mark_bar().encode(
        y=alt.Y(f"{field}:N", sort="-x", title=None),
        x=alt.X(f"{value}:Q", title=title, axis=alt.Axis(format="~s")),
        color=alt.Color(f"{field}:N", scale=color_scale(field, frame[field]), legend=None),
        tooltip=[alt.Tooltip(f"{field}:N", title=field.capitalize()),
                 alt.Tooltip(f"{value}:Q", title=title, format=value_format)],
    ).properties(height=alt.Step(32))
    return drillable(figure, field) if drill else figure


DRILL_FIELDS = ("segment", "channel", "region")


def _x_encoding(series: pd.Series, name: str, kind: str) -> alt.X:
    """Dates as one band per period for bars (months when every date is a 1st), else by type."""
    if pd.api.types.is_datetime64_any_dtype(series):
        monthly = bool((series.dropna().dt.day == 1).all())
        unit, fmt = ("yearmonth", "%b %y") if monthly else ("yearmonthdate", "%d %b %y")
        return alt.X(name, timeUnit=unit, type="ordinal" if kind == "bar" else "temporal", title=None,
                     axis=alt.Axis(format=fmt, labelAngle=0 if monthly else -45))
    kind_letter = "Q" if pd.api.types.is_numeric_dtype(series) else "N"
    return alt.X(f"{name}:{kind_letter}", title=label(name))


def from_spec(frame: pd.DataFrame, spec) -> tuple[alt.Chart | None, str | None]:
    """The chart a query file's `-- chart:` header asks for, and the field a click drills on.

    bar, line, area: x, one or more y (several y are drawn as series), optional color.
    heatmap: x and y as categories, color = the numeric value column. table: no chart.
    """
    if spec is None or spec.kind == "table" or frame.empty:
        return None, None
    x, ys, color = spec.x, list(spec.y), spec.color
    if spec.kind == "heatmap":
        figure = alt.Chart(frame).mark_rect().encode(
            x=alt.X(f"{x}:O", title=label(x)), y=alt.Y(f"{ys[0]}:O", title=label(ys[0])),
            color=alt.Color(f"{color}:Q", title=label(color), scale=alt.Scale(scheme="blues")),
            tooltip=[x, ys[0], alt.Tooltip(f"{color}:Q", format=",.4~f")])
        return figure.properties(height=alt.Step(18)), None
    if len(ys) > 1:  # several measures: one series each, named like table headings
        frame = frame.melt(id_vars=[c for c in frame.columns if c not in ys], value_vars=ys,
                           var_name="measure", value_name="value")
        frame["measure"] = frame["measure"].map(label)
        y_field, color = "value", "measure"
    else:
        y_field = ys[0]
    mark = {"bar": "mark_bar", "line": "mark_line", "area": "mark_area"}[spec.kind]
    encoding = {
        "x": _x_encoding(frame[x], x, spec.kind),
        "y": alt.Y(f"{y_field}:Q", title=label(y_field) if len(ys) == 1 else None, axis=alt.Axis(format="~s")),
        "tooltip": list(frame.columns)[:8],
    }
    if color:
        encoding["color"] = alt.Color(f"{color}:N", title=None, scale=color_scale(color, frame[color]),
                                      legend=alt.Legend(orient="top"))
    figure = getattr(alt.Chart(frame), mark)(**({"point": True} if spec.kind == "line" else {})).encode(**encoding)
    drill = next((f for f in (color, x) if f in DRILL_FIELDS), None)
    figure = figure.properties(height=320)
    return (drillable(figure, drill) if drill else figure), drill
