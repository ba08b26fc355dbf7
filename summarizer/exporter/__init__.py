"""A batch as data: event records in a DuckDB file, or one Parquet or CSV file per table.

Tables (every column is documented in the README, section "Data export"): ``articles``, ``actors``, ``entities``
(actors linked across the batch by the report's own rule, :mod:`summarizer.entities`), ``events`` (PLOVER-style:
one CONSULT row per meeting, one ASSAULT or FIGHT row per violent event of a conflict), ``event_actors`` (every
participant or side of an event), ``conflicts`` and ``evidence``. Every row has a stable id made of the article
id and the item id (``8010030:a5``, ``8010030:m1``, ``8010030:c1-e2``).

Exporting is incremental: an article already in the store is replaced (delete, then insert, by article id), a new
one is added, the others stay; then the batch-wide entities are linked again over everything the store holds, all
in one transaction. A results line that cannot be read is reported and skipped, as the report does. DuckDB does
all the writing, including Parquet and CSV (``COPY ... TO``).

The modules, by job: ``tables`` (every table's columns and types), ``rows`` (one article's rows; the PLOVER
sectors and event types), ``store`` (the DuckDB file or the Parquet or CSV folder, read and written; the entities
linked over the store). Here: :func:`export` and :func:`to_frames`, and the transaction that replaces or adds a
batch's articles (:func:`_merge`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..report import Batch, Doc, Problem, docs_from_results, load_results
from ..schema import ArticleSummary
from .rows import FIGHT_TYPES, KIND_SECTORS, TITLE_SECTORS, _article_id, article_rows, plover_type, sector_of
from .store import (
    _article_key,
    _check_tables,
    _connect,
    _create_tables,
    _duckdb,
    _insert,
    _link_entities,
    _read_folder,
    _write_folder,
    slug,
    target_format,
)
from .tables import FORMATS, ORDER, PER_ARTICLE, TABLES

__all__ = [
    "FIGHT_TYPES",
    "FORMATS",
    "KIND_SECTORS",
    "ORDER",
    "PER_ARTICLE",
    "TABLES",
    "TITLE_SECTORS",
    "ExportResult",
    "Frames",
    "article_rows",
    "export",
    "plover_type",
    "sector_of",
    "slug",
    "target_format",
    "to_frames",
]

log = logging.getLogger(__name__)


# --- what was exported ---------------------------------------------------------------------------------------


@dataclass
class ExportResult:
    """What an export did: the store written, the articles added and replaced, and what was skipped."""

    path: Path
    format: str
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # unreadable lines, skipped
    errors: list[Problem] = field(default_factory=list)  # the batch job's error records (no summary), skipped
    duplicates: list[str] = field(default_factory=list)  # ids given more than once: the last record is kept
    rows: dict[str, int] = field(default_factory=dict)  # rows per table in the store after the export

    def lines(self, results: str | None = None) -> list[str]:
        """One-line messages for the command line: each problem (at ``results:line``), then the summary."""
        where = (lambda n: f"{results}:{n}") if results else (lambda n: f"line {n}")
        out = [f"warning: {where(p.line)}: {p.message} (skipped)" for p in self.problems]
        out += [f"warning: id {i!r} is given more than once; the last record is exported" for i in self.duplicates]
        tables = ", ".join(f"{n} {t}" for t, n in self.rows.items() if t != "articles")
        out.append(f"wrote {self.path} ({self.format}): {_count(len(self.added), 'article')} added, "
                   f"{len(self.replaced)} replaced"
                   + (f", {_count(len(self.errors), 'error record')} skipped" if self.errors else "")
                   + (f", {_count(len(self.problems), 'unreadable line')} skipped" if self.problems else "")
                   + f"; the store holds {_count(self.rows.get('articles', 0), 'article')}, {tables}")
        return out


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# --- the merge: a batch's articles replaced or added, in one transaction ---------------------------------------
# It calls _link_entities through this module's namespace: tests replace it here to check the rollback.


def _merge(con, docs: Sequence[Doc], result: ExportResult) -> None:
    """Replace or add the documents' articles and link the entities again, in one transaction."""
    latest: dict[str, Doc] = {}
    for doc in docs:
        aid = _article_id(doc)
        if aid in latest:
            result.duplicates.append(aid)
        latest.pop(aid, None)
        latest[aid] = doc  # the last record of an id wins, at its own place in the order
    result.duplicates = list(dict.fromkeys(result.duplicates))
    con.begin()
    try:
        ids = list(latest)
        known = dict(con.execute("SELECT id, position FROM articles WHERE id IN (SELECT unnest($1::VARCHAR[]))",
                                 [ids]).fetchall())
        top = con.execute("SELECT coalesce(max(position), 0) FROM articles").fetchone()[0]
        rows: dict[str, list[tuple]] = {t: [] for t in PER_ARTICLE}
        for aid, doc in latest.items():
            if aid in known:
                position = known[aid]
                result.replaced.append(aid)
            else:
                top += 1
                position = top
                result.added.append(aid)
            for table, table_rows in article_rows(doc, aid, position).items():
                rows[table] += table_rows
        for table in PER_ARTICLE:
            con.execute(f"DELETE FROM {table} WHERE {_article_key(table)} IN (SELECT unnest($1::VARCHAR[]))", [ids])
            _insert(con, table, rows[table])
        _link_entities(con)
        result.rows = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        con.commit()
    except BaseException:
        con.rollback()
        raise



# --- inputs ---------------------------------------------------------------------------------------------------


def _batch(results: Any, strict: bool) -> Batch:
    """Batch results from a results JSONL path, a Batch, or (Article, ArticleSummary) pairs."""
    if isinstance(results, Batch):
        return results
    if isinstance(results, (str, Path)):
        return load_results(results, strict=strict)
    pairs = list(results)
    if not all(isinstance(p, tuple) and len(p) == 2 and isinstance(p[1], ArticleSummary) for p in pairs):
        raise InputError("results: expected a results JSONL path, a Batch or (Article, ArticleSummary) pairs")
    return Batch(docs=docs_from_results(pairs))



# --- the API --------------------------------------------------------------------------------------------------


def export(results: Any, path: str | Path, *, format: str | None = None, strict: bool = False) -> ExportResult:
    """Export batch results (a results JSONL path, a :class:`~summarizer.report.Batch`, or (Article,
    ArticleSummary) pairs) to ``path``: a DuckDB file ('.duckdb'), or a folder of one Parquet or CSV file per table
    (a path ending in '/', or ``format='parquet'|'csv'``).

    An existing store is updated: its articles given again are replaced, new ones added, the others kept, and the
    entities linked again over all of them. Unreadable lines are skipped and listed in ``problems`` (an
    InputError with ``strict``); the batch job's error records are skipped and listed in ``errors``."""
    fmt = target_format(path, format)
    batch = _batch(results, strict)
    target = Path(path)
    result = ExportResult(target, fmt, problems=list(batch.unreadable), errors=list(batch.errors))
    try:
        _export(batch, target, fmt, result)
    except _duckdb().Error as err:  # a full disk, a file locked by another process: one line, nothing half-done
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise InputError(f"{target}: the export failed ({first})") from None
    for problem in result.problems:
        log.warning("line %s: %s (skipped)", problem.line, problem.message)
    return result


def _export(batch: Batch, target: Path, fmt: str, result: ExportResult) -> None:
    if fmt == "duckdb":
        con = _connect(target)
        try:
            _check_tables(con, target)
            _create_tables(con)
            _merge(con, batch.docs, result)
        finally:
            con.close()
    else:
        con = _duckdb().connect()
        try:
            _create_tables(con)
            _read_folder(con, target, fmt)
            _merge(con, batch.docs, result)
            _write_folder(con, target, fmt)
        finally:
            con.close()


class Frames(dict):
    """The tables as DuckDB relations by name, and the in-memory connection they live on (``connection``): keep this
    mapping while you use them (DuckDB before 2.0 closes the connection, and its relations, when it is collected)."""

    def __init__(self, connection, relations: dict[str, Any]):
        super().__init__(relations)
        self.connection = connection


def to_frames(results: Any, *, strict: bool = False) -> Frames:
    """The export's tables of batch results as DuckDB relations (on an in-memory database), by table name.
    ``.arrow()``, ``.pl()`` or ``.df()`` convert them where pyarrow, polars or pandas are installed."""
    batch = _batch(results, strict)
    con = _duckdb().connect()
    _create_tables(con)
    _merge(con, batch.docs, ExportResult(Path(":memory:"), "duckdb"))
    for problem in batch.unreadable:
        log.warning("line %s: %s (skipped)", problem.line, problem.message)
    return Frames(con, {table: con.table(table) for table in TABLES})
