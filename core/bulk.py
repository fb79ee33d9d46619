"""INSERT ... ON CONFLICT for many rows in few statements, on Django's connection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import Model

# (model, columns, PostgreSQL array types for unnest)
Target = tuple[type[Model], tuple[str, ...], tuple[str, ...]]
_ROWS_PER_STATEMENT = 500  # SQLite: x 7 parameters, far below its limit


def insert_many(
    target: Target,
    rows: list[tuple[Any, ...]],
    conflict: Callable[[Callable[[str], str]], str],
) -> None:
    """INSERT ... ON CONFLICT for many rows in few statements.

    executemany costs a statement per row (~60 us each on PostgreSQL), and Django's psycopg
    cursor binds client-side, quoting every value with regexes (~25 us a row). So PostgreSQL
    gets one binary array per column (`unnest`, ~5 us a row, on Django's connection and
    transaction) and SQLite multi-row VALUES.
    """
    if not rows:
        return
    model, columns, types = target
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(map(quote, columns))
    head = f"INSERT INTO {table} ({names}) "  # our identifiers, quoted
    if connection.vendor == "postgresql":
        import psycopg

        arrays = ", ".join(f"%b::{kind}[]" for kind in types)
        connection.ensure_connection()
        columns_data: list[Any] = [list(column) for column in zip(*rows, strict=True)]
        sql = f"{head}SELECT * FROM unnest({arrays}) {conflict(quote)}"  # noqa: S608
        with psycopg.Cursor(connection.connection) as raw:
            raw.execute(sql, columns_data)
        return
    with connection.cursor() as cursor:
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(rows), _ROWS_PER_STATEMENT):
            chunk = rows[start : start + _ROWS_PER_STATEMENT]
            sql = f"{head}VALUES {', '.join([one] * len(chunk))} {conflict(quote)}"
            cursor.execute(sql, [value for row in chunk for value in row])
