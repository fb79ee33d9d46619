"""Load validated text rows into ``labeling_item`` in one statement.

Rows are first staged in a temporary table (PostgreSQL: ``COPY``; SQLite: ``executemany``),
then a single ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` moves them: the database does
the bulk work in C, re-imported external ids are skipped by the unique constraint, and ids
within one file that repeat are found with one ``GROUP BY`` instead of a set in memory.
The same SQL runs on both backends, so both have the same semantics.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.db import connection
from django.utils import timezone

from labeling.imports.problems import Problems
from labeling.models import Item

STAGE = "annolake_import_rows"
# Staged columns: TextRow.as_list() and then the order key.
STAGED = ("row", "external_id", "text", "meta", "priority", "pre_annotation", "order_key")
BATCH = 1000
_STAGE_SQL = {
    "postgresql": (
        f"CREATE TEMPORARY TABLE {STAGE} (row integer, external_id text, text text,"
        " meta jsonb, priority integer, pre_annotation jsonb, order_key bigint) ON COMMIT DROP"
    ),
    "sqlite": (
        f"CREATE TEMPORARY TABLE {STAGE} (row integer, external_id text, text text,"
        " meta text, priority integer, pre_annotation text, order_key integer)"
    ),
}


def copy_field(value: str | int | None) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if type(value) is int:
        return str(value)
    text = str(value)
    if "\\" in text or "\n" in text or "\r" in text or "\t" in text:
        text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        text = text.replace("\t", "\\t")
    return text


_ESCAPED = re.compile(r"\\(.)")
_UNESCAPE = {"n": "\n", "r": "\r", "t": "\t"}


def _uncopy(field: str) -> str | None:
    if field == "\\N":
        return None
    if "\\" not in field:
        return field
    return _ESCAPED.sub(lambda m: _UNESCAPE.get(m[1], m[1]), field)


class RowSpool:
    """Validated rows parked in a temporary file between validation and loading.

    Validation must see every row before anything is written (all-or-nothing), and keeping
    the rows in a list would grow memory with the import; a file keeps it flat. Rows are
    written in COPY text format, so PostgreSQL loads the file as it is, in large blocks,
    with no per-row Python work in the second pass.
    """

    def __init__(self) -> None:
        self.file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")  # noqa: SIM115
        self.count = 0

    def write(self, values: Sequence[str | int | None]) -> None:
        self.file.write("\t".join(map(copy_field, values)))
        self.file.write("\n")
        self.count += 1

    def blocks(self, size: int = 256 * 1024) -> Iterator[str]:
        self.file.flush()
        self.file.seek(0)
        while block := self.file.read(size):
            yield block

    def __iter__(self) -> Iterator[list[str | None]]:
        """The rows back, every value a string (or None); for backends without COPY."""
        self.file.flush()
        self.file.seek(0)
        for line in self.file:
            yield [_uncopy(field) for field in line[:-1].split("\t")]

    def close(self) -> None:
        self.file.close()


@dataclass(frozen=True)
class LoadResult:
    created: int
    skipped_duplicates: int
    pre_annotations: int


def _stage(cursor: Any, spool: RowSpool) -> None:
    # A stage left by an earlier import in the same outer transaction would be in the way.
    cursor.execute(f"DROP TABLE IF EXISTS {'temp' if _sqlite() else 'pg_temp'}.{STAGE}")
    cursor.execute(_STAGE_SQL[connection.vendor])
    columns = ", ".join(STAGED)
    if not _sqlite():
        with cursor.cursor.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy:
            for block in spool.blocks():
                copy.write(block)
        return
    insert = f"INSERT INTO {STAGE} ({columns}) VALUES ({', '.join('%s' for _ in STAGED)})"  # noqa: S608
    batch: list[list[str | None]] = []
    for values in spool:
        batch.append(values)
        if len(batch) >= BATCH:
            cursor.executemany(insert, batch)
            batch.clear()
    if batch:
        cursor.executemany(insert, batch)


def _sqlite() -> bool:
    return connection.vendor == "sqlite"


def _repeated_ids(cursor: Any, problems: Problems) -> None:
    """Report rows whose external id appeared on an earlier row of the same import."""
    firsts = (
        f"SELECT external_id, MIN(row) AS first FROM {STAGE} WHERE external_id IS NOT NULL"  # noqa: S608
        " GROUP BY external_id HAVING COUNT(*) > 1"
    )
    cursor.execute(
        f"SELECT s.row, f.first FROM {STAGE} s JOIN ({firsts}) f"  # noqa: S608
        " ON s.external_id = f.external_id WHERE s.row > f.first ORDER BY s.row"
    )
    for row, first in cursor.fetchall():
        problems.add(row, "external_id", f"repeats the external_id of row {first}")


def _insert_sql(project_id: int) -> tuple[str, list[Any]]:
    """INSERT ... SELECT from the stage; columns not staged get their model default."""
    qn = connection.ops.quote_name
    now = timezone.now()
    columns, values, params = [], [], []
    for field in Item._meta.concrete_fields:
        if field.primary_key or field.column is None or field.generated:
            continue
        columns.append(qn(field.column))
        if field.column in STAGED:
            values.append(f"s.{field.column}")
            continue
        if field.column == "project_id":
            value: Any = project_id
        elif getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            value = now
        else:
            value = field.get_default()
        values.append("%s")
        params.append(field.get_db_prep_save(value, connection))
    sql = (
        f"INSERT INTO {qn(Item._meta.db_table)} ({', '.join(columns)})"  # noqa: S608
        f" SELECT {', '.join(values)} FROM {STAGE} s WHERE true ORDER BY s.row"
        " ON CONFLICT DO NOTHING"
    )
    return sql, params


def load_text_rows(*, project_id: int, spool: RowSpool, problems: Problems) -> LoadResult:
    """Insert the spooled rows; call in a transaction that holds the project's import lock.

    Each row is ``TextRow.as_list()`` followed by its order key.

    Repeated external ids within the rows are added to ``problems`` and nothing is inserted;
    the caller raises and the transaction rolls back.
    """
    table = connection.ops.quote_name(Item._meta.db_table)
    with connection.cursor() as cursor:
        _stage(cursor, spool)
        _repeated_ids(cursor, problems)
        if problems:
            return LoadResult(0, 0, 0)
        cursor.execute(f"SELECT COUNT(*) FROM {STAGE}")  # noqa: S608
        total = cursor.fetchone()[0]
        # Under the import lock no other import adds items, so this counts exactly the
        # pre-annotated rows that the insert below will not skip.
        cursor.execute(
            f"SELECT COUNT(s.pre_annotation) FROM {STAGE} s WHERE s.external_id IS NULL"  # noqa: S608
            f" OR NOT EXISTS (SELECT 1 FROM {table} i WHERE i.project_id = %s"
            " AND i.external_id = s.external_id)",
            [project_id],
        )
        pre = cursor.fetchone()[0]
        sql, params = _insert_sql(project_id)
        cursor.execute(sql, params)
        created = cursor.rowcount
        cursor.execute(f"DROP TABLE {STAGE}")
    return LoadResult(created, total - created, pre)
