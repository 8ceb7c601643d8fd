"""The mart SQL files (DuckDB dialect, the one definition of each mart) as Spark SQL, via SQLGlot.

SQLGlot transpiles most of the dialect (GROUP BY ALL, FILTER, ::casts, unnest(generate_series)).
What it cannot know is rewritten here on the syntax tree, so the files stay the only source:
- `$name` parameters become literals (Spark SQL has no bound parameters in CREATE ... AS);
- scalar macros (CREATE MACRO f(a) AS expr) are inlined where a mart table calls them;
- `list(x ORDER BY x)` becomes `array_sort(collect_list(x))` (Spark aggregates take no ORDER BY);
- `error(msg)` becomes `raise_error(msg)`; UBIGINT (Spark has no unsigned types) becomes BIGINT,
  which holds the same bits for masks of up to 63 channels and the sign bit for the 64th.
Table macros (CREATE MACRO f(a) AS TABLE ...) are not marts: the DuckDB catalog that serves the
Spark-built Parquet defines them from the same files (warehouse.publish_parquet).

Only sqlglot is imported here (no pyspark), so this module is cheap to test.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from crm import warehouse


class MartSqlError(Exception):
    """A mart file uses a DuckDB construct this module cannot express in Spark SQL."""


@dataclass(frozen=True)
class Mart:
    name: str       # the table it creates
    file: str       # the mart file it comes from
    sql: str        # Spark SQL: one SELECT


def marts(params: dict) -> list[Mart]:
    """Every mart table of crm/sql/marts in build order, as Spark SQL with `params` as literals."""
    statements = [(path.name, statement) for path in warehouse.mart_files()
                  for statement in sqlglot.parse(path.read_text(), read="duckdb") if statement]
    scalar, table_macros = {}, set()
    for _, statement in statements:
        if _is_macro(statement):
            name = statement.this.this.name.lower()
            if isinstance(statement.expression, exp.Query):
                table_macros.add(name)
            else:
                scalar[name] = ([p.name for p in statement.this.expressions], statement.expression)
    found = []
    for file, statement in statements:
        if _is_macro(statement):
            continue
        if not (isinstance(statement, exp.Create) and statement.kind == "TABLE"
                and isinstance(statement.expression, exp.Query)):
            raise MartSqlError(f"{file}: only CREATE TABLE ... AS SELECT and CREATE MACRO are supported")
        name = statement.this.name
        query = statement.expression.copy()
        for table in query.find_all(exp.Table):
            if table.name.lower() in table_macros:
                raise MartSqlError(f"{file}: table {name} reads table macro {table.name}; Spark cannot")
        query = _rewrite(query, params, scalar, file)
        found.append(Mart(name, file, query.sql(dialect="spark")))
    return found


def _is_macro(statement) -> bool:
    return isinstance(statement, exp.Create) and str(statement.kind).upper() == "MACRO"


def _rewrite(query: exp.Expression, params: dict, macros: dict, file: str) -> exp.Expression:
    def visit(node: exp.Expression) -> exp.Expression:
        if isinstance(node, (exp.Placeholder, exp.Parameter)):
            name = node.name
            if name not in params:
                raise MartSqlError(f"{file}: no value for parameter ${name}")
            return _literal(params[name])
        if isinstance(node, exp.Anonymous) and node.name.lower() in macros:
            names, body = macros[node.name.lower()]
            values = dict(zip(names, node.expressions))
            inlined = body.copy().transform(
                lambda n: values[n.name].copy() if isinstance(n, exp.Column) and not n.table and n.name in values
                else n)
            return exp.Paren(this=inlined)
        if isinstance(node, exp.Anonymous) and node.name.lower() == "error":
            return exp.Anonymous(this="raise_error", expressions=node.expressions)
        if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.UBIGINT:
            return exp.DataType.build("BIGINT")
        if isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Order):
            keys = node.this.expressions
            if len(keys) != 1 or keys[0].this != node.this.this or keys[0].args.get("desc"):
                raise MartSqlError(f"{file}: list(x ORDER BY ...) is supported only ordered by x itself")
            return exp.func("array_sort", exp.ArrayAgg(this=node.this.this.copy()))
        return node
    return query.transform(visit)


def _literal(value) -> exp.Expression:
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, (int, float)):
        return exp.Literal.number(value)
    if isinstance(value, dt.datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), "TIMESTAMP")
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    return exp.Literal.string(str(value))


