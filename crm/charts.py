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


# --- detail pages and customer profiles (segment, channel, customers) ------------------------

WHOLE_COLOR = "#8a949c"


def versus_whole(frame: pd.DataFrame, *, field: str, value: str, title: str, value_format: str = ",.0f",
                 axis_format: str = "~s") -> alt.Chart:
    """One line per series over months (columns month, series, value): the slice `value` of
    `field` in its own colour, everything else (the whole) in grey and dashed."""
    series = list(dict.fromkeys(frame["series"]))
    colors = [color_for(field, s) if s == value else WHOLE_COLOR for s in series]
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("yearmonth(month):O", title=None, axis=alt.Axis(format="%b %y", labelAngle=0)),
        y=alt.Y("value:Q", title=title, axis=alt.Axis(format=axis_format)),
        color=alt.Color("series:N", title=None, scale=alt.Scale(domain=series, range=colors),
                        legend=alt.Legend(orient="top")),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=series, range=[[1, 0] if s == value else [5, 3]
                                                                                   for s in series]), legend=None),
        tooltip=[alt.Tooltip("yearmonth(month):T", title="Month", format="%b %Y"), alt.Tooltip("series:N", title=""),
                 alt.Tooltip("value:Q", title=title, format=value_format)],
    ).properties(height=300)


def spell_timeline(frame: pd.DataFrame, as_of) -> alt.LayerChart:
    """A customer's active spells as bars from start to end (open spells run to the as-of date),
    first spell and reactivations in the movement colours, and a cross where a spell ended."""
    spells = frame.assign(
        spell="Spell " + frame["spell_no"].astype(str),
        kind=frame["is_reactivation"].map({True: "Reactivated", False: "New"}),
        until=frame["end_on"].fillna(pd.Timestamp(as_of)),
        state=frame["end_on"].isna().map({True: "still active", False: "ended"}),
        reason=frame["loss_reason"].fillna(""))
    y = alt.Y("spell:N", title=None, sort=list(spells["spell"]))
    tooltip = [alt.Tooltip("spell:N", title="Spell"), alt.Tooltip("start_on:T", title="Start", format="%d %b %Y"),
               alt.Tooltip("end_on:T", title="End", format="%d %b %Y"), alt.Tooltip("state:N", title="State"),
               alt.Tooltip("reason:N", title="Loss reason"), alt.Tooltip("spell_days:Q", title="Days", format=",")]
    bars = alt.Chart(spells).mark_bar(size=18, cornerRadius=3).encode(
        x=alt.X("start_on:T", title=None, axis=alt.Axis(format="%b %Y")), x2="until:T", y=y,
        color=alt.Color("kind:N", title=None, scale=color_scale("movement", ["New", "Reactivated"]),
                        legend=alt.Legend(orient="top")),
        tooltip=tooltip)
    ends = alt.Chart(spells.dropna(subset=["end_on"])).mark_point(shape="cross", size=120, color=MOVEMENT_COLORS["Lost"],
                                                                  filled=True).encode(
        x="end_on:T", y=y, tooltip=tooltip)
    return alt.layer(bars, ends).properties(height=alt.Step(34))


def monthly_bars(frame: pd.DataFrame, y: str, *, title: str, value_format: str = ",.0f",
                 color: str = "#4e79a7") -> alt.Chart:
    """One bar per month (column `month`, first days), each as wide as its month, on a time axis:
    for long, sparse series such as one customer's orders over the years."""
    months = frame.assign(month_end=pd.to_datetime(frame["month"]) + pd.offsets.MonthBegin(1))
    return alt.Chart(months).mark_bar(color=color, stroke="white", strokeWidth=0.5).encode(
        x=alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y")), x2="month_end:T",
        y=alt.Y(f"{y}:Q", title=title, axis=alt.Axis(format="~s")), y2=alt.datum(0),  # vertical bars from 0
        tooltip=[alt.Tooltip("month:T", title="Month", format="%b %Y"),
                 alt.Tooltip(f"{y}:Q", title=title, format=value_format)],
    ).properties(height=260)


# --- Channels page ---------------------------------------------------------------------------

COST_KINDS = {"acquisition_cost_amount": "Acquisition", "service_cost_amount": "Service"}
SHARE_MEASURES = {"interactions_share_pct": "Interactions", "new_share_pct": "New customers",
                  "revenue_share_pct": "Revenue"}
_MONTH_AXIS = alt.X("yearmonth(month):O", title=None, axis=alt.Axis(format="%b %y", labelAngle=0))


def cost_per_month(frame: pd.DataFrame) -> alt.Chart:
    """Acquisition and service cost per month, stacked by channel (solid = acquisition, light =
    service); clicking a bar drills down on its channel."""
    long = frame.melt(id_vars=["month", "channel"], value_vars=list(COST_KINDS), var_name="kind", value_name="cost")
    long["kind"] = long["kind"].map(COST_KINDS)
    figure = alt.Chart(long).mark_bar().encode(
        x=_MONTH_AXIS,
        y=alt.Y("sum(cost):Q", title="Cost", axis=alt.Axis(format="~s")),
        color=alt.Color("channel:N", title=None, scale=color_scale("channel", long["channel"]),
                        legend=alt.Legend(orient="top")),
        opacity=alt.Opacity("kind:O", title="Cost", scale=alt.Scale(domain=list(COST_KINDS.values()), range=[1, 0.45]),
                            legend=alt.Legend(orient="bottom", direction="horizontal")),
        order=alt.Order("kind:O"),
        tooltip=[alt.Tooltip("yearmonth(month):T", title="Month", format="%b %Y"),
                 alt.Tooltip("channel:N", title="Channel"), alt.Tooltip("kind:N", title="Cost"),
                 alt.Tooltip("sum(cost):Q", title="Amount", format=",.2f")],
    ).properties(height=320)
    return drillable(figure, "channel")


def channel_trend(frame: pd.DataFrame, value: str, *, title: str, value_format: str = ",.2f") -> alt.Chart:
    """One line per channel over the months (missing values leave a gap); clicking a line or a
    point drills down on its channel."""
    figure = alt.Chart(frame).mark_line(point=True).encode(
        x=_MONTH_AXIS,
        y=alt.Y(f"{value}:Q", title=title, axis=alt.Axis(format="~s")),
        color=alt.Color("channel:N", title=None, scale=color_scale("channel", frame["channel"]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("yearmonth(month):T", title="Month", format="%b %Y"),
                 alt.Tooltip("channel:N", title="Channel"), alt.Tooltip(f"{value}:Q", title=title, format=value_format)],
    ).properties(height=300)
    return drillable(figure, "channel")


def cost_share_comparison(frame: pd.DataFrame) -> alt.LayerChart:
    """Per channel: its share of cost as a bar, and its shares of interactions, new customers and
    revenue as marks on the same scale, so a channel costing more than it brings stands out."""
    others = frame.melt(id_vars=["channel"], value_vars=list(SHARE_MEASURES), var_name="measure", value_name="share")
    others["measure"] = others["measure"].map(SHARE_MEASURES)
    y = alt.Y("channel:N", title=None, sort=list(frame.sort_values("cost_share_pct", ascending=False)["channel"]))
    bars = alt.Chart(frame).mark_bar(opacity=0.85).encode(
        y=y, x=alt.X("cost_share_pct:Q", title="Share of the total", axis=alt.Axis(format="%")),
        color=alt.Color("channel:N", scale=color_scale("channel", frame["channel"]), legend=None),
        tooltip=[alt.Tooltip("channel:N", title="Channel"), alt.Tooltip("cost_share_pct:Q", title="Share of cost", format=".1%")],
    )
    marks = alt.Chart(others).mark_point(size=90, filled=True, color="#222").encode(
        y=y, x=alt.X("share:Q"),
        shape=alt.Shape("measure:N", title="Share of", legend=alt.Legend(orient="bottom", direction="vertical")),
        tooltip=[alt.Tooltip("channel:N", title="Channel"), alt.Tooltip("measure:N", title="Share of"),
                 alt.Tooltip("share:Q", title="Share", format=".1%")],
    )
    return alt.layer(drillable(bars, "channel"), marks).properties(height=alt.Step(34))


def breakdown_with_gaps(frame: pd.DataFrame, field: str, value: str, *, title: str, value_format: str = ",.2f",
                        gap_label: str = "not defined") -> alt.LayerChart:
    """breakdown() for a value that may be missing (a CAC without new customers): the missing
    ones are named with gap_label instead of silently dropped. Clicking drills down on `field`."""
    order = list(frame.sort_values(value, ascending=False, na_position="last")[field])
    y = alt.Y(f"{field}:N", sort=order, title=None)
    bars = alt.Chart(frame).transform_filter(f"isValid(datum['{value}'])").mark_bar().encode(
        y=y, x=alt.X(f"{value}:Q", title=title, axis=alt.Axis(format="~s")),
        color=alt.Color(f"{field}:N", scale=color_scale(field, frame[field]), legend=None),
        tooltip=[alt.Tooltip(f"{field}:N", title=field.capitalize()),
                 alt.Tooltip(f"{value}:Q", title=title, format=value_format)],
    )
    gaps = alt.Chart(frame).transform_filter(f"!isValid(datum['{value}'])").mark_text(
        align="left", dx=4, color="#5b6770", fontStyle="italic").encode(
        y=y, x=alt.datum(0), text=alt.value(gap_label),
        tooltip=[alt.Tooltip(f"{field}:N", title=field.capitalize())],
    )
    return alt.layer(drillable(bars, field), gaps).properties(height=alt.Step(32))


def labelled_heatmap(frame: pd.DataFrame, x: str, y: str, value: str, *, title: str, value_format: str = ",.0f",
            drill: str | None = None) -> alt.LayerChart:
    """Categories x and y as a grid of cells shaded by `value`, each cell labelled; clicking a
    cell drills down on `drill` (x or y) when given."""
    base = alt.Chart(frame).encode(
        x=alt.X(f"{x}:N", title=None, axis=alt.Axis(labelAngle=0, orient="top", labelLimit=90)),
        y=alt.Y(f"{y}:N", title=None))
    cells = base.mark_rect().encode(
        color=alt.Color(f"{value}:Q", title=title, scale=alt.Scale(scheme="blues"),
                        legend=alt.Legend(format=value_format if "%" in value_format else "~s", orient="bottom")),
        tooltip=[alt.Tooltip(f"{y}:N", title=label(y)), alt.Tooltip(f"{x}:N", title=label(x)),
                 alt.Tooltip(f"{value}:Q", title=title, format=value_format)],
    )
    middle = float(frame[value].max()) / 2 if len(frame) else 0.0
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text(f"{value}:Q", format=value_format if "%" in value_format else ".3~s"),
        color=alt.condition(f"datum['{value}'] > {middle}", alt.value("white"), alt.value("#222")),
    )
    cells = drillable(cells, drill) if drill else cells
    return alt.layer(cells, text).properties(height=alt.Step(34), width="container")


def preferred_channel(frame: pd.DataFrame) -> alt.LayerChart:
    """Per segment, the share of its interactions that went through its preferred channel, in
    that channel's colour and named on the bar; clicking a bar drills down on the segment."""
    y = alt.Y("segment:N", title=None)
    bars = alt.Chart(frame).mark_bar().encode(
        y=y, x=alt.X("share_pct:Q", title="Share of the segment's interactions", axis=alt.Axis(format="%"),
                     scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("channel:N", title="Preferred channel", scale=color_scale("channel", frame["channel"]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("segment:N", title="Segment"), alt.Tooltip("channel:N", title="Preferred channel"),
                 alt.Tooltip("interactions_count:Q", title="Interactions", format=","),
                 alt.Tooltip("share_pct:Q", title="Share", format=".1%")],
    )
    names = alt.Chart(frame).mark_text(align="left", dx=4).encode(y=y, x="share_pct:Q", text="channel:N")
    return alt.layer(drillable(bars, "segment"), names).properties(height=alt.Step(34))


def side_by_side_bars(frame: pd.DataFrame, field: str, group: str, value: str, *, title: str,
                 value_format: str = ".1%", groups: list[str] | None = None, details: dict | None = None) -> alt.Chart:
    """Bars of `value` per `field` (segment, channel), one bar per `group` side by side, groups in
    the given order; `details` (column -> title) adds counts to the tooltip. Clicking a bar
    drills down on `field`."""
    groups = groups or list(dict.fromkeys(frame[group]))
    palette = ["#762a83", "#1b7837", "#b0b7bf", "#e08214", "#2166ac"][:len(groups)]
    figure = alt.Chart(frame).mark_bar().encode(
        y=alt.Y(f"{field}:N", title=None), yOffset=alt.YOffset(f"{group}:N", sort=groups),
        x=alt.X(f"{value}:Q", title=title, axis=alt.Axis(format="%" if "%" in value_format else "~s")),
        color=alt.Color(f"{group}:N", title=None, scale=alt.Scale(domain=groups, range=palette),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip(f"{field}:N", title=label(field)), alt.Tooltip(f"{group}:N", title=label(group)),
                 alt.Tooltip(f"{value}:Q", title=title, format=value_format),
                 *[alt.Tooltip(f"{c}:Q", title=t, format=",") for c, t in (details or {}).items()]],
    ).properties(height=alt.Step(14))
    return drillable(figure, field)


def breakdown_pct(frame: pd.DataFrame, field: str, value: str, *, title: str) -> alt.Chart:
    """breakdown() of a fraction (a _pct column), with a percent axis and tooltip."""
    return breakdown(frame, field, value, title=title).encode(
        x=alt.X(f"{value}:Q", title=title, axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip(f"{field}:N", title=field.capitalize()),
                 alt.Tooltip(f"{value}:Q", title=title, format=".1%")])


# --- scorecard and service quality --------------------------------------------------------------

VEGA_FORMATS = {"_pct": ".1%", "_amount": ",.2f", "_count": ",.2~f", "_hours": ",.1f", "_days": ",.1f",
                "_score": ",.2~f"}


def sparkline(frame: pd.DataFrame, column: str, *, color: str = "#1f3b73", height: int = 42) -> alt.Chart:
    """A bare line of `column` per `month`, for a table row; the value format follows the suffix."""
    value_format = next((f for s, f in VEGA_FORMATS.items() if column.endswith(s)), ",.2f")
    line = alt.Chart(frame[["month", column]].dropna()).mark_line(color=color, point=alt.OverlayMarkDef(size=12))
    return line.encode(
        x=alt.X("yearmonth(month):O", axis=None),
        y=alt.Y(f"{column}:Q", axis=None, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("yearmonth(month):T", title="Month", format="%b %Y"),
                 alt.Tooltip(f"{column}:Q", title="Value", format=value_format)],
    ).properties(height=height)


MAP_X_DOMAIN = (-0.22, 1.0)       # room for the band labels on the left of the objectives (0..1)
MAP_BOX = (0.105, 0.34)           # half width (x units) and half height (bands) of an objective box
MAP_PIXELS = (1100, 520)          # nominal drawing size, to point the arrowheads along the links


def _link_ends(links: pd.DataFrame, bands: int) -> pd.DataFrame:
    """Each link cut where it meets the target's box, with the arrowhead's angle (clockwise from up)."""
    import math  # kept local: this section was appended to the module
    half_w, half_h = MAP_BOX[0] + 0.012, MAP_BOX[1] + 0.05  # the arrowhead sits just outside the box
    dx, dy = links["x"] - links["x2"], links["y"] - links["y2"]
    cut = pd.concat([half_w / dx.abs(), half_h / dy.abs()], axis=1).min(axis=1)  # x / 0 = inf: the other side
    ends = links.assign(x_end=links["x2"] + dx * cut, y_end=links["y2"] + dy * cut)
    x_px, y_px = MAP_PIXELS[0] / (MAP_X_DOMAIN[1] - MAP_X_DOMAIN[0]), MAP_PIXELS[1] / bands  # pixels per unit
    ends["angle"] = [math.degrees(math.atan2(-a * x_px, -b * y_px)) for a, b in zip(dx, dy)]
    return ends


def strategy_map(nodes: pd.DataFrame, links: pd.DataFrame, status_colors: dict[str, str]) -> alt.LayerChart:
    """Perspectives as horizontal bands, objectives as boxes coloured by status, cause-and-effect
    links as lines with an arrowhead at the objective they support. `nodes` and `links` come from
    crm.scorecard.strategy_map (x in 0..1, y = band + 0.5)."""
    half_w, half_h = MAP_BOX
    bands_count = int(nodes["band"].max()) + 1
    x_scale = alt.Scale(domain=list(MAP_X_DOMAIN), nice=False, zero=False)
    y_scale = alt.Scale(domain=[0, bands_count], nice=False, zero=False)
    x = lambda field: alt.X(f"{field}:Q", scale=x_scale, axis=None)  # noqa: E731
    y = lambda field: alt.Y(f"{field}:Q", scale=y_scale, axis=None)  # noqa: E731
    bands = nodes.groupby(["band", "perspective"], as_index=False).size()
    bands = bands.assign(x0=MAP_X_DOMAIN[0], x1=MAP_X_DOMAIN[1], y0=bands["band"], y1=bands["band"] + 1,
                         y_mid=bands["band"] + 0.5, shade=bands["band"] % 2,
                         title=bands["perspective"].str.replace(" and ", " and\n", regex=False))
    band_rects = alt.Chart(bands).mark_rect(stroke="white", strokeWidth=3).encode(
        x=x("x0"), x2="x1", y=y("y0"), y2="y1",
        color=alt.Color("shade:N", scale=alt.Scale(domain=[0, 1], range=["#f1f3f6", "#e6e9ee"]), legend=None))
    band_titles = alt.Chart(bands).mark_text(align="left", fontWeight="bold", fontSize=13, color="#3a4550",
                                             lineBreak="\n", dx=8).encode(x=x("x0"), y=y("y_mid"), text="title:N")
    ends = _link_ends(links, bands_count) if len(links) else links.assign(x_end=[], y_end=[], angle=[])
    lines = alt.Chart(ends).mark_rule(color="#7a8590", strokeWidth=1.6).encode(
        x=x("x"), y=y("y"), x2="x_end", y2="y_end")
    arrows = alt.Chart(ends).mark_point(shape="triangle-up", filled=True, color="#7a8590", size=90, opacity=1).encode(
        x=x("x_end"), y=y("y_end"), angle=alt.Angle("angle:Q", scale=None))
    boxes_frame = nodes.assign(x0=nodes["x"] - half_w, x1=nodes["x"] + half_w, y0=nodes["y"] - half_h,
                               y1=nodes["y"] + half_h,
                               text=nodes["label"] + "\n" + nodes["score"].map(
                                   lambda s: "no data" if pd.isna(s) else f"{s:.1f} / 10"))
    statuses = list(status_colors)
    boxes = alt.Chart(boxes_frame).mark_rect(cornerRadius=8, stroke="white", strokeWidth=1.5).encode(
        x=x("x0"), x2="x1", y=y("y0"), y2="y1",
        color=alt.Color("status:N", scale=alt.Scale(domain=statuses, range=[status_colors[s] for s in statuses]),
                        legend=alt.Legend(title="Status", orient="top")),
        tooltip=[alt.Tooltip("name:N", title="Objective"), alt.Tooltip("perspective:N", title="Perspective"),
                 alt.Tooltip("score:Q", title="Score (0-10)", format=".1f"), alt.Tooltip("status:N", title="Status"),
                 alt.Tooltip("kpis:N", title="KPIs")])
    boxes_frame["ink"] = boxes_frame["status"].map(lambda s: "#2b2100" if s == "amber" else "white")
    labels = alt.Chart(boxes_frame).mark_text(fontSize=12, fontWeight="bold", lineBreak="\n").encode(
        x=x("x"), y=y("y"), text="text:N", color=alt.Color("ink:N", scale=None), tooltip=alt.value(None))
    return alt.layer(band_rects, band_titles, lines, arrows, boxes, labels).resolve_scale(
        color="independent").properties(height=MAP_PIXELS[1])


COMPLAINT_STATES = {"Resolved": "#2e7d32", "Answered, not resolved": "#f0a23b", "Not answered": "#c62828"}


def complaint_states(frame: pd.DataFrame, field: str, *, drill: bool = False) -> alt.Chart:
    """Complaints received per `field` (category, channel...), split into resolved, answered but
    not resolved, and not answered; rewarded in the tooltip. Needs received_count,
    answered_count, resolved_count and rewarded_count."""
    parts = frame.assign(**{
        "Resolved": frame["resolved_count"],
        "Answered, not resolved": (frame["answered_count"] - frame["resolved_count"]).clip(lower=0),
        "Not answered": frame["received_count"] - frame[["answered_count", "resolved_count"]].max(axis=1),
    })
    long = parts.melt(id_vars=[field, "received_count", "rewarded_count"], value_vars=list(COMPLAINT_STATES),
                      var_name="state", value_name="complaints")
    figure = alt.Chart(long).mark_bar().encode(
        y=alt.Y(f"{field}:N", sort=alt.EncodingSortField("received_count", order="descending"), title=None),
        x=alt.X("complaints:Q", title="Complaints received", stack="zero"),
        color=alt.Color("state:N", title=None, scale=alt.Scale(domain=list(COMPLAINT_STATES),
                                                               range=list(COMPLAINT_STATES.values())),
                        legend=alt.Legend(orient="top")),
        order=alt.Order("state_order:Q"),
        tooltip=[alt.Tooltip(f"{field}:N", title=field.capitalize()), alt.Tooltip("state:N", title="State"),
                 alt.Tooltip("complaints:Q", title="Complaints", format=","),
                 alt.Tooltip("received_count:Q", title="Received", format=","),
                 alt.Tooltip("rewarded_count:Q", title="Rewarded", format=",")],
    ).transform_calculate(
        state_order=f"indexof({list(COMPLAINT_STATES)!r}, datum.state)"
    ).properties(height=alt.Step(30))
    return drillable(figure, field) if drill else figure


def against_level(frame: pd.DataFrame, columns: dict[str, str], level: float, *, title: str,
                  level_label: str) -> alt.LayerChart:
    """Monthly lines (column -> legend name, e.g. median and 90th percentile) against a dashed
    service-level line."""
    long = frame.melt(id_vars="month", value_vars=list(columns), var_name="measure", value_name="value")
    long["measure"] = long["measure"].map(columns)
    x = alt.X("yearmonth(month):O", title=None, axis=alt.Axis(format="%b %y", labelAngle=0))
    lines = alt.Chart(long).mark_line(point=True).encode(
        x=x, y=alt.Y("value:Q", title=title),
        color=alt.Color("measure:N", title=None, scale=alt.Scale(domain=list(columns.values()),
                                                                 range=["#1f3b73", "#7fb3e6"]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("yearmonth(month):T", title="Month", format="%b %Y"),
                 alt.Tooltip("measure:N", title="Measure"), alt.Tooltip("value:Q", title=title, format=",.1f")],
    )
    level_frame = pd.DataFrame({"level": [level], "label": [level_label]})
    rule = alt.Chart(level_frame).mark_rule(color="#c62828", strokeDash=[6, 4], strokeWidth=1.5).encode(
        y="level:Q", tooltip=alt.Tooltip("label:N", title="Service level"))
    text = alt.Chart(level_frame).mark_text(align="left", baseline="bottom", color="#c62828", dx=4, dy=-3).encode(
        y="level:Q", x=alt.value(0), text="label:N")
    return alt.layer(lines, rule, text).properties(height=280)


def backlog(frame: pd.DataFrame) -> alt.LayerChart:
    """Complaints received per month (bars) and open at each month's end (line)."""
    x = alt.X("yearmonth(month):O", title=None, axis=alt.Axis(format="%b %y", labelAngle=0))
    tooltip = [alt.Tooltip("yearmonth(month):T", title="Month", format="%b %Y"),
               alt.Tooltip("received_count:Q", title="Received", format=","),
               alt.Tooltip("resolved_count:Q", title="Of them resolved", format=","),
               alt.Tooltip("backlog_count:Q", title="Open at month end", format=",")]
    bars = alt.Chart(frame).mark_bar(color="#b7c9e2").encode(x=x, y=alt.Y("received_count:Q", title="Complaints"),
                                                            tooltip=tooltip)
    line = alt.Chart(frame).mark_line(color="#c62828", point=alt.OverlayMarkDef(color="#c62828")).encode(
        x=x, y="backlog_count:Q", tooltip=tooltip)
    return alt.layer(bars, line).properties(height=280)


def monthly_score(frame: pd.DataFrame, y: str, count: str, *, title: str) -> alt.Chart:
    """A score per month (NPS, CSAT) as a line, with the number of answers behind each point."""
    return alt.Chart(frame).mark_line(point=True, color="#1f3b73").encode(
        x=alt.X("yearmonth(month):O", title=None, axis=alt.Axis(format="%b %y", labelAngle=0)),
        y=alt.Y(f"{y}:Q", title=title, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("yearmonth(month):T", title="Month", format="%b %Y"),
                 alt.Tooltip(f"{y}:Q", title=title, format=",.1f"),
                 alt.Tooltip(f"{count}:Q", title="Answers", format=",")],
    ).properties(height=260)


def breakdown_with_count(frame: pd.DataFrame, field: str, value: str, count: str, *, title: str,
                         value_format: str = ",.1f", axis_format: str = "~s", drill: bool = True) -> alt.Chart:
    """charts.breakdown with the number behind each bar (answers, staff...) in the tooltip."""
    figure = breakdown(frame, field, value, title=title, value_format=value_format, drill=drill)
    return figure.encode(x=alt.X(f"{value}:Q", title=title, axis=alt.Axis(format=axis_format)),
                         tooltip=[alt.Tooltip(f"{field}:N", title=field.capitalize()),
                                  alt.Tooltip(f"{value}:Q", title=title, format=value_format),
                                  alt.Tooltip(f"{count}:Q", title="Based on", format=",")])


# --- Acquisition & loss, Lifecycle ---------------------------------------------------------

# Time unit and label format of a period column for each grain the pages offer.
GRAIN_UNITS = {"week": ("yearmonthdate", "%d %b %y"), "month": ("yearmonth", "%b %y"),
               "quarter": ("yearquarter", "Q%q %Y"), "year": ("year", "%Y")}
STAGE_COLORS = {"Contact": "#c6dbef", "Relate": "#6baed6", "Intimate": "#2171b5", "Trust": "#08306b"}
TARGET_COLORS = {"Churn rate": "#1f3b73", "Target": "#2e7d32", "Red flag": "#c62828"}


def _period_axis(field: str, grain: str) -> alt.X:
    unit, fmt = GRAIN_UNITS[grain]
    return alt.X(field, timeUnit=unit, type="ordinal", title=None,
                 axis=alt.Axis(format=fmt, labelAngle=-45 if grain == "week" else 0, labelOverlap=True))


def movements_per_period(frame: pd.DataFrame, grain: str) -> alt.LayerChart:
    """New and reactivated above the axis, lost below, net change as a line; one band per
    period (column `period`) of the grain (week, month, quarter, year)."""
    unit, fmt = GRAIN_UNITS[grain]
    names = {"new_count": "New", "reactivated_count": "Reactivated", "lost_count": "Lost"}
    long = frame.melt(id_vars="period", value_vars=list(names), var_name="movement", value_name="customers")
    long["movement"] = long["movement"].map(names)
    long["customers"] = long["customers"].where(long["movement"] != "Lost", -long["customers"])
    x = _period_axis("period", grain)
    when = alt.Tooltip("period:T", timeUnit=unit, title=grain.capitalize(), format=fmt)
    bars = alt.Chart(long).mark_bar().encode(
        x=x, y=alt.Y("customers:Q", title="Customers", axis=alt.Axis(format="~s")),
        color=alt.Color("movement:N", title=None, scale=color_scale("movement", names.values()),
                        legend=alt.Legend(orient="top")),
        tooltip=[when, alt.Tooltip("movement:N", title="Movement"),
                 alt.Tooltip("customers:Q", title="Customers", format=",")],
    )
    line = alt.Chart(frame).mark_line(color="#222", point=alt.OverlayMarkDef(color="#222"), strokeWidth=1.5).encode(
        x=x, y="net_change_count:Q",
        tooltip=[when, alt.Tooltip("net_change_count:Q", title="Net change", format="+,")],
    )
    return alt.layer(bars, line).properties(height=300)


def churn_against_target(frame: pd.DataFrame) -> alt.LayerChart:
    """Monthly churn rate (column `month`) with its target and red flag as dashed lines."""
    names = {"churn_rate_pct": "Churn rate", "churn_target_pct": "Target", "churn_red_flag_pct": "Red flag"}
    long = frame.melt(id_vars="month", value_vars=list(names), var_name="series", value_name="rate")
    long["series"] = long["series"].map(names)
    long = long.dropna(subset=["rate"])
    x = _period_axis("month", "month")
    y = alt.Y("rate:Q", title="Monthly churn", axis=alt.Axis(format=".1%"))
    legend = alt.Legend(orient="top", symbolType="stroke", title=None)
    lines = alt.Chart(long).mark_line().encode(
        x=x, y=y,
        color=alt.Color("series:N", legend=legend,
                        scale=alt.Scale(domain=list(TARGET_COLORS), range=list(TARGET_COLORS.values()))),
        strokeDash=alt.StrokeDash("series:N", legend=legend,
                                  scale=alt.Scale(domain=list(TARGET_COLORS), range=[[1, 0], [6, 4], [2, 3]])),
    )
    points = alt.Chart(long).mark_point(filled=True, size=40).encode(
        x=x, y=y, color=alt.Color("series:N", legend=None,
                                  scale=alt.Scale(domain=list(TARGET_COLORS), range=list(TARGET_COLORS.values()))),
        tooltip=[alt.Tooltip("month:T", timeUnit="yearmonth", title="Month", format="%b %Y"),
                 alt.Tooltip("series:N", title="Line"), alt.Tooltip("rate:Q", title="Rate", format=".2%")],
    )
    return alt.layer(lines, points).properties(height=300)


def grouped_bars(frame: pd.DataFrame, field: str, measures: dict[str, str], colors: dict[str, str], *,
                 title: str, drill: bool = True) -> alt.Chart:
    """Horizontal bars of several measures (column -> name) side by side per `field` value,
    largest first measure on top; clicking a bar drills down on `field` when drill=True."""
    order = frame.sort_values(next(iter(measures)), ascending=False)[field].tolist()
    long = frame.melt(id_vars=field, value_vars=list(measures), var_name="measure", value_name="value")
    long["measure"] = long["measure"].map(measures)
    figure = alt.Chart(long).mark_bar().encode(
        y=alt.Y(f"{field}:N", sort=order, title=None),
        yOffset=alt.YOffset("measure:N", sort=list(measures.values())),
        x=alt.X("value:Q", title=title, axis=alt.Axis(format="~s")),
        color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=list(measures.values()),
                                        range=[colors[m] for m in measures.values()])),
        tooltip=[alt.Tooltip(f"{field}:N", title=field.capitalize()), alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("value:Q", title=title, format=",")],
    ).properties(height=alt.Step(14))
    return drillable(figure, field) if drill else figure


def dot_plot(frame: pd.DataFrame, field: str, measures: dict[str, str], colors: dict[str, str], *,
             title: str) -> alt.LayerChart:
    """Several measures (column -> name) per `field` value as dots on a log axis joined by a line,
    for values that span decades (a bar needs a zero a log axis does not have); largest first
    measure on top; clicking a dot drills down on `field`."""
    order = frame.sort_values(next(iter(measures)), ascending=False)[field].tolist()
    long = frame.melt(id_vars=field, value_vars=list(measures), var_name="measure", value_name="value")
    long["measure"] = long["measure"].map(measures)
    long = long[long["value"] > 0]
    y = alt.Y(f"{field}:N", sort=order, title=None)
    x = alt.X("value:Q", title=f"{title} (log scale)", scale=alt.Scale(type="log"), axis=alt.Axis(format="~s"))
    line = alt.Chart(long).mark_line(color="#c0c6cc", strokeWidth=2).encode(y=y, x=x, detail=f"{field}:N")
    dots = alt.Chart(long).mark_circle(size=140, opacity=1).encode(
        y=y, x=x,
        color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=list(measures.values()),
                                        range=[colors[m] for m in measures.values()])),
        tooltip=[alt.Tooltip(f"{field}:N", title=field.capitalize()), alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("value:Q", title=title, format=",.0f")],
    )
    return alt.layer(line, drillable(dots, field)).properties(height=alt.Step(36))


def stacked_bars(frame: pd.DataFrame, category: str, field: str, value: str, *, title: str,
                 order: list | None = None, normalize: bool = False, drill: str | None = None) -> alt.Chart:
    """Horizontal bars per `category`, stacked by `field` in its fixed colours (shares when
    normalize=True); a click drills down on `drill` ("segment", ...) when given."""
    figure = alt.Chart(frame).mark_bar().encode(
        y=alt.Y(f"{category}:N", sort=order or "-x", title=None),
        x=alt.X(f"sum({value}):Q", title=title, stack="normalize" if normalize else "zero",
                axis=alt.Axis(format=".0%") if normalize else alt.Axis(format="~s", tickMinStep=1)),
        color=alt.Color(f"{field}:N", title=None, scale=color_scale(field, frame[field]),
                        legend=alt.Legend(orient="bottom", columns=3)),
        tooltip=[alt.Tooltip(f"{category}:N", title=category.replace("_", " ").capitalize()),
                 alt.Tooltip(f"{field}:N", title=field.replace("_", " ").capitalize()),
                 alt.Tooltip(f"sum({value}):Q", title=title, format=",")],
    ).properties(height=alt.Step(30))
    return drillable(figure, drill) if drill else figure


def value_bars(frame: pd.DataFrame, category: str, value: str, *, title: str, order: list | None = None,
               axis_format: str = "~s", value_format: str = ",", color: str = "#5b6770") -> alt.Chart:
    """Horizontal bars of `value` per `category` in one colour, in the given order or largest
    first, with an axis format of their own (".0%" for shares). For categories that are not a
    filter (bands of time away, payment methods): no drill-down."""
    return alt.Chart(frame).mark_bar(color=color).encode(
        y=alt.Y(f"{category}:N", sort=order or "-x", title=None),
        x=alt.X(f"{value}:Q", title=title, axis=alt.Axis(format=axis_format)),
        tooltip=[alt.Tooltip(f"{category}:N", title=category.replace("_", " ").capitalize()),
                 alt.Tooltip(f"{value}:Q", title=title, format=value_format)],
    ).properties(height=alt.Step(28))


def pareto_bars(frame: pd.DataFrame, category: str, value: str, cumulative: str, *, title: str) -> alt.LayerChart:
    """Pareto chart: bars of `value` per `category`, largest first, and the cumulative share
    (a fraction) as a line on its own right-hand axis, with the 80 % mark."""
    order = frame.sort_values(value, ascending=False)[category].tolist()
    x = alt.X(f"{category}:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30, labelOverlap=False, labelLimit=140))
    tooltip = [alt.Tooltip(f"{category}:N", title=category.capitalize()),
               alt.Tooltip(f"{value}:Q", title=title, format=","),
               alt.Tooltip(f"{cumulative}:Q", title="Cumulative share", format=".1%")]
    bars = alt.Chart(frame).mark_bar(color="#c62828").encode(x=x, y=alt.Y(f"{value}:Q", title=title), tooltip=tooltip)
    share = alt.Scale(domain=[0, 1])
    line = alt.Chart(frame).mark_line(color="#222", point=alt.OverlayMarkDef(color="#222")).encode(
        x=x, y=alt.Y(f"{cumulative}:Q", title="Cumulative share", scale=share,
                     axis=alt.Axis(format=".0%", orient="right")), tooltip=tooltip)
    mark80 = alt.Chart(frame.head(1)).mark_rule(strokeDash=[4, 4], color="#888").encode(y=alt.datum(0.8))
    return alt.layer(bars, alt.layer(line, mark80)).resolve_scale(y="independent").properties(height=300)


def time_away_bars(frame: pd.DataFrame) -> alt.Chart:
    """Win-backs per band of time away, in the bands' own order (column band_no)."""
    return value_bars(frame, "time_away", "win_backs_count", title="Win-backs",
                      order=frame.sort_values("band_no")["time_away"].tolist(), color="#81c784")


def funnel(frame: pd.DataFrame) -> alt.LayerChart:
    """The relationship funnel: one centred bar per stage (columns stage_no, stage,
    reached_count, customers_count, conversion_pct), labelled on the right with the people who
    reached it and the conversion from the previous stage."""
    widest = max(float(frame["reached_count"].max()), 1.0)
    frame = frame.sort_values("stage_no").assign(
        left=lambda f: -f["reached_count"] / 2, right=lambda f: f["reached_count"] / 2,
        text=lambda f: [f"{r:,.0f}" + ("" if pd.isna(c) else f" · {c:.0%} of previous")
                        for r, c in zip(f["reached_count"], f["conversion_pct"])])
    y = alt.Y("stage:N", sort=frame["stage"].tolist(), title=None)
    x = alt.X("left:Q", axis=None, title=None, scale=alt.Scale(domain=[-widest / 2, widest * 1.25]))
    bars = alt.Chart(frame).mark_bar().encode(
        y=y, x=x, x2="right:Q",
        color=alt.Color("stage:N", legend=None,
                        scale=alt.Scale(domain=list(STAGE_COLORS), range=list(STAGE_COLORS.values()))),
        tooltip=[alt.Tooltip("stage:N", title="Stage"),
                 alt.Tooltip("reached_count:Q", title="Reached this stage", format=","),
                 alt.Tooltip("customers_count:Q", title="At this stage now", format=","),
                 alt.Tooltip("conversion_pct:Q", title="Conversion from previous", format=".1%")],
    )
    text = alt.Chart(frame).mark_text(align="left", dx=8, fontSize=13).encode(
        y=y, x=alt.datum(widest / 2), text="text:N")
    return alt.layer(bars, text).properties(height=alt.Step(56))


def stage_mix(frame: pd.DataFrame) -> alt.Chart:
    """Share of each relationship stage per segment (columns segment, stage, stage_no,
    customers_count); a click on a segment's bar drills down on it."""
    figure = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("segment:N", title=None),
        x=alt.X("customers_count:Q", stack="normalize", title="Share of the segment", axis=alt.Axis(format=".0%")),
        color=alt.Color("stage:N", title=None, legend=alt.Legend(orient="top"), sort=list(STAGE_COLORS),
                        scale=alt.Scale(domain=list(STAGE_COLORS), range=list(STAGE_COLORS.values()))),
        order=alt.Order("stage_no:Q"),
        tooltip=[alt.Tooltip("segment:N", title="Segment"), alt.Tooltip("stage:N", title="Stage"),
                 alt.Tooltip("customers_count:Q", title="People", format=","),
                 alt.Tooltip("share_pct:Q", title="Share of the segment", format=".1%")],
    ).properties(height=alt.Step(32))
    return drillable(figure, "segment")


def cohort_heatmap(frame: pd.DataFrame) -> alt.HConcatChart:
    """Retention per acquisition cohort (rows) and months since acquisition (columns), with
    each cohort's size beside it."""
    y = alt.Y("cohort_month:O", timeUnit="yearmonth", title="Acquired in", axis=alt.Axis(format="%b %Y"))
    cohort = alt.Tooltip("cohort_month:T", timeUnit="yearmonth", title="Cohort", format="%b %Y")
    cells = alt.Chart(frame).mark_rect().encode(
        x=alt.X("months_since:O", title="Months since acquisition", axis=alt.Axis(labelAngle=0)),
        y=y,
        color=alt.Color("retention_pct:Q", title="Still active", scale=alt.Scale(scheme="blues"),
                        legend=alt.Legend(format=".0%")),
        tooltip=[cohort, alt.Tooltip("months_since:O", title="Months since acquisition"),
                 alt.Tooltip("retained_count:Q", title="Still active", format=","),
                 alt.Tooltip("cohort_size_count:Q", title="Cohort size", format=","),
                 alt.Tooltip("retention_pct:Q", title="Retention", format=".1%")],
    ).properties(height=alt.Step(16), width=alt.Step(18))
    sizes = alt.Chart(frame.drop_duplicates("cohort_month")).mark_bar(color="#9aa5b1").encode(
        y=alt.Y("cohort_month:O", timeUnit="yearmonth", axis=None),
        x=alt.X("cohort_size_count:Q", title="Cohort size", axis=alt.Axis(format="~s", tickCount=3)),
        tooltip=[cohort, alt.Tooltip("cohort_size_count:Q", title="Cohort size", format=",")],
    ).properties(height=alt.Step(16), width=90)
    return alt.hconcat(cells, sizes, spacing=6)


def pareto_curve(frame: pd.DataFrame) -> alt.LayerChart:
    """Cumulative share of revenue over the share of customers ranked by revenue, with the
    equality diagonal and the 20 % mark."""
    share = {"scale": alt.Scale(domain=[0, 1]), "axis": alt.Axis(format=".0%")}
    curve = alt.Chart(frame).mark_line(color="#1f3b73", strokeWidth=2.5).encode(
        x=alt.X("customers_share_pct:Q", title="Customers, ranked by revenue", **share),
        y=alt.Y("revenue_share_pct:Q", title="Share of revenue", **share),
        tooltip=[alt.Tooltip("customers_share_pct:Q", title="Top customers", format=".0%"),
                 alt.Tooltip("revenue_share_pct:Q", title="Share of revenue", format=".1%")],
    )
    diagonal = alt.Chart(pd.DataFrame({"x": [0, 1], "y": [0, 1]})).mark_line(
        strokeDash=[4, 4], color="#9aa5b1").encode(x="x:Q", y="y:Q")
    mark20 = alt.Chart(pd.DataFrame({"x": [0.2]})).mark_rule(strokeDash=[2, 3], color="#c62828").encode(x="x:Q")
    return alt.layer(diagonal, mark20, curve).properties(height=320)


def rfm_heatmap(frame: pd.DataFrame) -> alt.FacetChart:
    """Share of a segment's customers per purchase-frequency band (columns) and average-order-value
    band (rows), one small grid per segment; a click on a cell drills down on its segment."""
    figure = alt.Chart(frame).mark_rect().encode(
        x=alt.X("frequency:O", title="Orders in the period",
                sort=frame.sort_values("frequency_no")["frequency"].unique().tolist(),
                axis=alt.Axis(labelAngle=-40, labelOverlap=False)),
        y=alt.Y("order_value:O", title="Average order value",
                sort=frame.sort_values("order_value_no", ascending=False)["order_value"].unique().tolist()),
        color=alt.Color("share_pct:Q", title="Share of segment", scale=alt.Scale(scheme="oranges"),
                        legend=alt.Legend(format=".0%", orient="top", gradientLength=240)),
        tooltip=[alt.Tooltip("segment:N", title="Segment"), alt.Tooltip("frequency:O", title="Orders"),
                 alt.Tooltip("order_value:O", title="Average order value"),
                 alt.Tooltip("customers_count:Q", title="Customers", format=","),
                 alt.Tooltip("share_pct:Q", title="Share of the segment", format=".1%"),
                 alt.Tooltip("revenue_amount:Q", title="Revenue", format=",.0f")],
    ).properties(width=180, height=150)
    return drillable(figure, "segment").facet(column=alt.Column("segment:N", title=None))
