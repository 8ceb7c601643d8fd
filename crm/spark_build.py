"""Build a warehouse version with Apache Spark: base tables and every mart as Parquet, served by DuckDB.

The only module that imports pyspark, and only inside functions: the app never needs Java.

A version is a folder `data/warehouse-<stamp>.parquet/` with one Parquet folder per table, written
sorted by date (as the DuckDB build sorts its tables) so DuckDB skips row groups outside a
period. The marts are the same SQL files the DuckDB build runs, transpiled by crm.spark_sql. When
every table is written, warehouse.publish_parquet adds a small DuckDB catalog (views over the
Parquet files, the table macros) and only then flips the pointer; a failed build removes its folder.

Input comes as (table, arrow table) chunks, as for warehouse.build: the demo generator's or the
importer's validated tables. They are staged as Parquet inside the version folder so that Spark
executors (local threads, or a cluster sharing the file system) read them in parallel.
"""
from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import warnings
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from crm import importer, spark_sql, warehouse

DEFAULT_MASTER = "local[2]"
Progress = Callable[[float, str], None]
# Spark's own ports on loopback in a fixed range (each retries upwards when taken).
PORTS = {"spark.driver.port": "7100", "spark.blockManager.port": "7120", "spark.port.maxRetries": "19"}


class SparkBuildError(warehouse.WarehouseError):
    """Spark could not be started or failed to build the warehouse."""


def session(master: str | None = None, conf: dict | None = None):
    """A SparkSession for `master`: local[N], spark://host:port (standalone) or sc://host:port (Spark Connect)."""
    try:
        with warnings.catch_warnings():  # pandas 3 warning: the build never converts to pandas
            warnings.simplefilter("ignore", FutureWarning)
            from pyspark.sql import SparkSession
    except ImportError as error:
        raise SparkBuildError("pyspark is not installed: pip install -r requirements-spark.txt") from error
    master = master or DEFAULT_MASTER
    if master.startswith("sc://"):
        builder = SparkSession.builder.remote(master)
    else:
        if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
            raise SparkBuildError("Spark needs Java 17: apt-get install openjdk-17-jre-headless")
        builder = SparkSession.builder.master(master)
        settings = {"spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false",
                    "spark.driver.host": "127.0.0.1",
                    # local[N]: the executors live in the driver's JVM; as much memory as DuckDB's build
                    "spark.driver.memory": os.environ.get("CRM_SPARK_DRIVER_MEMORY", "2g"),
                    "spark.driver.bindAddress": "127.0.0.1", **PORTS,
                    # small data must not become hundreds of tiny files; big data still splits
                    "spark.sql.shuffle.partitions": "16", "spark.sql.adaptive.enabled": "true"}
        for key, value in settings.items():
            builder = builder.config(key, value)
    builder = builder.appName("crm-warehouse")
    for key, value in {**SQL_SETTINGS, **(conf or {})}.items():
        builder = builder.config(key, value)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            return builder.getOrCreate()
    except Exception as error:  # Py4J / Java start-up errors
        raise SparkBuildError(f"could not start Spark ({master}): {error}") from error


# Dates and times as DuckDB's build has them: TIMESTAMP without time zone, in UTC, as plain
# INT64 microseconds (not Spark's legacy INT96).
SQL_SETTINGS = {"spark.sql.session.timeZone": "UTC", "spark.sql.timestampType": "TIMESTAMP_NTZ",
                "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS"}


def build(chunks: Iterable[tuple[str, object]], data_dir: Path, *, source: str,
          inactive_after_days: int | None = None, progress: Progress | None = None,
          import_log: pa.Table | None = None, spark=None, master: str | None = None) -> Path:
    """Like warehouse.build, computed by Spark: a new Parquet version, made current when complete."""
    progress = progress or (lambda fraction, message: None)
    own_session = spark is None and _active_session() is None  # stop only a session started here
    try:
        with warehouse.parquet_build(data_dir) as version:
            _stage(chunks, version, progress)
            spark = spark or session(master)
            for key, value in SQL_SETTINGS.items():
                spark.conf.set(key, value)
            try:
                _base_tables(spark, version, progress)
            except Exception as error:  # Py4J errors: one readable line, not a Java stack trace
                raise SparkBuildError(f"writing the base tables failed in Spark: {_first_line(error)}") from error
            shutil.rmtree(version / "_staging")
            params = {"source": source, "built_at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
                      "inactive_after_days": inactive_after_days, "marts_version": warehouse.marts_version()}
            marts = spark_sql.marts(params)
            for i, mart in enumerate(marts):
                progress(0.8 + 0.15 * i / len(marts), f"Building {mart.name}")
                try:
                    _write(spark, spark.sql(mart.sql), version / mart.name)
                except Exception as error:
                    raise SparkBuildError(f"building mart {mart.file} failed in Spark: {_first_line(error)}") from error
            progress(0.97, "Publishing the Parquet version")
            path = warehouse.publish_parquet(version, import_log=import_log)
    finally:
        if own_session and spark is not None:
            spark.stop()
    progress(1.0, "Warehouse ready")
    return path


def _active_session():
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return None
    return SparkSession.getActiveSession()


def _stage(chunks, version: Path, progress: Progress) -> None:
    """Each chunk as Parquet files in the contract's column order and types (bounded memory): the
    warehouse's columns in `_staging/<table>/`, the identity columns (personal data) apart in
    `_identities/<table>/`, which publish_parquet moves into the identities file."""
    personal = warehouse.personal_columns()
    contract = importer.contract()
    schemas = {table: pa.schema([(c.name, importer.ARROW_TYPES[c.sql_type]) for c in columns.values()])
               for table, columns in contract.items()}
    counts, rows = dict.fromkeys(schemas, 0), dict.fromkeys(schemas, 0)

    def write(folder: Path, table: pa.Table, number: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / f"part-{number:05d}.parquet")

    def split(table: str, data: pa.Table) -> None:
        if table in personal:
            write(version / warehouse.IDENTITIES_STAGED / table, data.select(warehouse.identity_columns(table)),
                  counts[table])
            data = data.drop_columns(personal[table])
        write(version / "_staging" / table, data, counts[table])

    for table, chunk in chunks:
        if not isinstance(chunk, pa.Table):
            chunk = pa.Table.from_pandas(chunk, preserve_index=False)
        schema = schemas[table]
        columns = [chunk[name].cast(field.type) if name in chunk.column_names else pa.nulls(chunk.num_rows, field.type)
                   for name, field in zip(schema.names, schema)]
        columns.append(pa.array(np.arange(rows[table], rows[table] + chunk.num_rows, dtype=np.int64)))
        split(table, pa.table(columns, schema=schema.append(INPUT_ORDER)))
        counts[table] += 1
        rows[table] += chunk.num_rows
    for table, schema in schemas.items():
        if not counts[table]:  # not given: an empty table, as in the DuckDB build
            split(table, schema.append(INPUT_ORDER).empty_table())
    progress(0.6, "Staged the input for Spark")


# Each staged row's position in the input. Rows with the same date are written in input order, as
# the DuckDB build has them, whatever the cluster's layout: a query that picks "the latest" of two
# rows on one day (arg_max) then picks the same row on both warehouses.
INPUT_ORDER = pa.field("_input_order", pa.int64())


def _base_tables(spark, version: Path, progress: Progress) -> None:
    tables = warehouse.base_tables()
    for i, name in enumerate(tables):
        progress(0.6 + 0.2 * i / len(tables), f"Sorting {name}")
        frame = spark.read.parquet(str(version / "_staging" / name))
        keys = [warehouse.SORT_KEYS[name]] if name in warehouse.SORT_KEYS else []
        _write(spark, frame.orderBy(*keys, INPUT_ORDER.name).drop(INPUT_ORDER.name), version / name)


def _write(spark, frame, folder: Path) -> None:
    """Write one table and serve the written files to the marts that follow (no recomputation)."""
    frame.write.mode("error").parquet(str(folder))
    spark.read.parquet(str(folder)).createOrReplaceTempView(folder.name)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


# --- checking a Spark build against DuckDB's ---------------------------------------------------

def differences(expected, got, ignore=("built_at",)) -> str | None:
    """None when two query results (DataFrames) hold the same rows in any order, else the first
    difference. Floats are equal to 1e-9 relative: sums taken in another order differ in the last
    bits. `ignore`: columns that differ by nature (the time of the build)."""
    expected = expected.drop(columns=[c for c in ignore if c in expected.columns])
    got = got.drop(columns=[c for c in ignore if c in got.columns])
    if list(got.columns) != list(expected.columns):
        return f"columns {list(got.columns)} instead of {list(expected.columns)}"
    if len(got) != len(expected):
        return f"{len(got):,} rows instead of {len(expected):,}"
    for want, have in zip(_sorted_rows(expected), _sorted_rows(got)):
        if not all(_close(a, b) for a, b in zip(want, have)):
            return f"row {have} instead of {want}"
    return None


def _sorted_rows(frame) -> list[tuple]:
    rows = [tuple(_cell(v) for v in row) for row in frame.itertuples(index=False)]
    return sorted(rows, key=lambda row: repr(tuple(f"{v:.6g}" if isinstance(v, float) else v for v in row)))


def _cell(value):
    if isinstance(value, (list, tuple)) or (hasattr(value, "tolist") and not isinstance(value, (int, float))):
        listed = value.tolist() if hasattr(value, "tolist") else value
        return tuple(_cell(v) for v in listed) if isinstance(listed, (list, tuple)) else listed
    try:
        if value is None or value != value:  # None, NaN, NaT
            return None
    except (TypeError, ValueError):
        pass
    return float(value) if isinstance(value, float) else value


def _close(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    return a == b
