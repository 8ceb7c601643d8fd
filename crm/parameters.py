"""The parameters every query file may use: one table of name, SQL type, help and who sets them.

The catalog accepts a file's `$names` from it, the filters and the command line give values
through it, `python -m crm parameters` prints it for the docs, and the tests check the analysts'
guide against it. A file may declare parameters of its own in its header (`-- param:`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from crm import settings
from crm.periods import Filters

GRAINS = ("week", "month", "quarter", "year")


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _grain(text: str) -> str:
    if text not in GRAINS:
        raise ValueError(f"{text!r} is not one of {', '.join(GRAINS)}")
    return text


@dataclass(frozen=True)
class Parameter:
    name: str
    sql_type: str
    help: str
    set_by: str                      # "view" (the user's filters), "page" or "server"
    parse: Callable[[str], object]   # from the text of a URL or a command line
    example: str


PARAMETERS = {p.name: p for p in [
    Parameter("start_date", "DATE", "first day of the period", "view", _date, "2026-01-01"),
    Parameter("end_date", "DATE", "last day of the period, inclusive", "view", _date, "2026-03-31"),
    Parameter("regions", "VARCHAR[]", "selected regions, empty = all: in_filter($regions, region); the server "
              "clamps it to the user's regions whatever was asked", "view", _list, "Iberia,DACH"),
    Parameter("segments", "VARCHAR[]", "selected segments, empty = all: in_filter($segments, segment)", "view",
              _list, "Household"),
    Parameter("channels", "VARCHAR[]", "selected channels, empty = all: in_filter($channels, channel)", "view",
              _list, "Web,Telephone"),
    Parameter("grain", "VARCHAR", "time grain chosen on the page: week, month, quarter or year "
              "(for date_trunc($grain, day))", "page", _grain, "quarter"),
    Parameter("margin_pct", "DOUBLE", "gross margin on revenue as a fraction (the margin setting), for lifetime "
              "value and profit", "server", float, "0.3"),
]}


def values(start: dt.date, end: dt.date, selection: Filters, grain: str = "month") -> dict:
    """Every shared parameter's value for a view; a query binds only the ones it uses."""
    return {"start_date": start, "end_date": end, "regions": list(selection.regions),
            "segments": list(selection.segments), "channels": list(selection.channels),
            "grain": grain, "margin_pct": settings.get("margin")}


def for_view(selection: Filters, as_of: dt.date, data_start: dt.date) -> dict:
    """The shared parameters of a view, its period resolved against the warehouse's dates."""
    return values(*selection.dates(as_of, data_start), selection)


def default_values(info: dict) -> dict:
    """The parameters of the default view (last 12 months, everything) for a warehouse."""
    return for_view(Filters(), info["as_of"], info["data_start_on"])


def parse(name: str, text: str):
    """A shared parameter's value from text: lists comma-separated, dates ISO (YYYY-MM-DD)."""
    if name not in PARAMETERS:
        raise ValueError(f"unknown parameter ${name}; known: {', '.join(PARAMETERS)}")
    parameter = PARAMETERS[name]
    try:
        return parameter.parse(text)
    except ValueError as error:
        hint = "an ISO date (YYYY-MM-DD)" if parameter.sql_type == "DATE" else f"a {parameter.sql_type} value"
        raise ValueError(f"${name}: {text!r} is not {hint}" + (f" ({error})" if name == "grain" else "")) from None
