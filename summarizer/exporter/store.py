"""The store: a DuckDB file, or a folder of one Parquet or CSV file per table (read into an in-memory DuckDB and
written back). Its tables created and checked, rows inserted, the target's format told from its path, and the
batch-wide entities linked over every actor the store holds. DuckDB does all the writing (``COPY ... TO``).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..entities import cluster_actors, entity_country, entity_forms, entity_kind, entity_name
from ..errors import InputError
from ..grounding import fold_accents
from ..schema import ActorKind
from .tables import FORMATS, ORDER, TABLES


def _duckdb():
    import duckdb

    return duckdb


def _create_tables(con) -> None:
    for table, columns in TABLES.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(f'{c} {t}' for c, t in columns)})")


def _check_tables(con, where: Path) -> None:
    """An existing store must have this version's tables and columns (or none of them)."""
    found = con.execute("SELECT table_name, list(column_name ORDER BY ordinal_position) "
                        "FROM information_schema.columns WHERE table_schema = 'main' GROUP BY table_name").fetchall()
    for table, columns in found:
        expected = [c for c, _ in TABLES.get(table, [])]
        if table in TABLES and columns != expected:
            raise InputError(f"{where}: table {table} has columns {columns}, not those of this version's export; "
                             f"export into a new file")


def _insert(con, table: str, rows: list[tuple]) -> None:
    """Insert rows column by column (one statement per table; lists are bound as parameters and unnested)."""
    if not rows:
        return
    columns = TABLES[table]
    values = [list(col) for col in zip(*rows, strict=True)]
    select = ", ".join(f"unnest(${n}::{t}[])" for n, (_, t) in enumerate(columns, 1))
    con.execute(f"INSERT INTO {table} ({', '.join(c for c, _ in columns)}) SELECT {select}", values)


def _article_key(table: str) -> str:
    return "id" if table == "articles" else "article"


# --- entities: the actors of the store linked across articles --------------------------------------------------


@dataclass
class _StoredActor:
    """An actor as the store holds it: what the merging rule reads (name, aliases, kind, country)."""

    id: str
    article: str
    name: str
    aliases: list[str]
    kind: ActorKind
    country: str | None
    sector: str | None
    mentions: int


def slug(name: str) -> str:
    """A readable id for a name: 'Sergei Lavrov' -> 'sergei-lavrov', 'U.S.' -> 'u-s'."""
    return re.sub(r"[\W_]+", "-", fold_accents(name).casefold()).strip("-") or "entity"


def _link_entities(con) -> None:
    """Link every actor of the store to its batch-wide entity (the report's rule, over the articles in the store's
    order), rebuild ``entities`` and set the entity ids wherever actors are referred to."""
    stored = [_StoredActor(i, art, name, aliases or [], ActorKind(kind), country, sector, mentions or 1)
              for i, art, name, aliases, kind, country, sector, mentions in con.execute(
                  "SELECT a.id, a.article, a.name, a.aliases, a.kind, a.country, a.sector, a.mentions FROM actors a "
                  "JOIN articles r ON r.id = a.article "
                  "ORDER BY r.position, length(a.actor), a.actor").fetchall()]
    groups = [[stored[i] for i in g] for g in cluster_actors(stored)]
    summaries = []
    for members in groups:
        name, kind = entity_name(members), entity_kind(members)
        # The sector of the entity's own kind: the organs folded into a state ("State Department") leave it none.
        sectors = Counter(m.sector for m in members if m.sector and m.kind.value == kind)
        summaries.append((members, name, len({m.article for m in members}), sum(m.mentions for m in members),
                          sectors.most_common(1)[0][0] if sectors else None))
    summaries.sort(key=lambda g: (-g[2], -g[3], g[1].casefold()))
    taken: Counter = Counter()
    entity_rows, ids, entities = [], [], []
    for members, name, articles, mentions, sector in summaries:
        base = slug(name)
        taken[base] += 1
        entity = base if taken[base] == 1 else f"{base}-{taken[base]}"
        entity_rows.append((entity, name, entity_kind(members), sector, entity_country(members), entity_forms(members),
                            articles, len(members), mentions))
        for m in members:
            ids.append(m.id)
            entities.append(entity)
    con.execute("DELETE FROM entities")
    _insert(con, "entities", entity_rows)
    con.execute("UPDATE actors SET entity = m.entity FROM (SELECT unnest($1::VARCHAR[]) AS id, "
                "unnest($2::VARCHAR[]) AS entity) m WHERE actors.id = m.id", [ids, entities])
    con.execute("UPDATE event_actors SET entity = a.entity FROM actors a WHERE event_actors.actor = a.id")
    con.execute("UPDATE events SET actor1 = a.entity FROM actors a WHERE events.actor1_ref = a.id")
    con.execute("UPDATE events SET actor2 = a.entity FROM actors a WHERE events.actor2_ref = a.id")
    by_actor = dict(zip(ids, entities, strict=True))
    conflicts = con.execute("SELECT id, party_refs FROM conflicts").fetchall()
    if conflicts:
        con.execute("UPDATE conflicts SET parties = m.parties FROM (SELECT unnest($1::VARCHAR[]) AS id, "
                    "unnest($2::VARCHAR[][]) AS parties) m WHERE conflicts.id = m.id",
                    [[c for c, _ in conflicts], [[by_actor.get(r) for r in refs or []] for _, refs in conflicts]])



# --- the target: a DuckDB file, or a folder of Parquet or CSV files --------------------------------------------


def target_format(path: str | Path, format: str | None = None) -> str:
    """The export format of a target: ``format`` if given, else from the path: '.duckdb' is a DuckDB file, a
    folder (an existing one, or a path ending in '/') takes Parquet files."""
    text = str(path)
    p = Path(path)
    if format is not None:
        fmt = format.lower()
        if fmt not in FORMATS:
            raise InputError(f"unknown export format {format!r}: use one of {', '.join(FORMATS)}")
        if fmt == "duckdb" and p.is_dir():
            raise InputError(f"{path}: is a folder; a DuckDB export is a file (e.g. events.duckdb)")
        if fmt != "duckdb" and p.exists() and not p.is_dir():
            raise InputError(f"{path}: is a file; a {fmt} export is a folder with one file per table")
        return fmt
    if p.suffix.lower() in (".duckdb", ".ddb", ".db") and not p.is_dir():
        return "duckdb"
    if text.endswith(("/", os.sep)) or p.is_dir():
        return "parquet"
    raise InputError(f"{path}: cannot tell the export format: name a .duckdb file, a folder ending in '/', "
                     f"or give --format {'|'.join(FORMATS)}")


def _connect(path: Path):
    duckdb = _duckdb()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(path))
    except OSError as err:
        raise InputError(f"{path}: cannot write ({err.strerror})") from None
    except duckdb.Error as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise InputError(f"{path}: cannot open as a DuckDB database ({first})") from None


def _read_folder(con, folder: Path, fmt: str) -> None:
    """Load an earlier export in ``folder`` (one file per table) into the tables of ``con``."""
    files = {t: folder / f"{t}.{fmt}" for t in TABLES}
    present = [t for t, f in files.items() if f.is_file()]
    if not present:
        return
    missing = [t for t in TABLES if t not in present]
    if missing:
        raise InputError(f"{folder}: holds {', '.join(files[t].name for t in present)} but not "
                         f"{', '.join(files[t].name for t in missing)}: not a complete earlier export")
    for table, columns in TABLES.items():
        path = str(files[table]).replace("'", "''")
        if fmt == "parquet":
            source = f"read_parquet('{path}')"
        else:
            types = ", ".join(f"'{c}': '{t}'" for c, t in columns)
            source = f"read_csv('{path}', header = true, columns = {{{types}}}, allow_quoted_nulls = false)"
        names = [c for c, _ in columns]
        try:
            found = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
            if found != names:
                raise InputError(f"{files[table]}: columns {found} are not those of this version's export; "
                                 f"export into a new folder")
            con.execute(f"INSERT INTO {table} SELECT * FROM {source}")
        except _duckdb().Error as err:
            first = str(err).strip().splitlines()[0]
            raise InputError(f"{files[table]}: cannot read the earlier export ({first})") from None


def _write_folder(con, folder: Path, fmt: str) -> None:
    """Every table as ``folder/<table>.<fmt>``, written by DuckDB to a temporary name, then renamed over the old."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"{folder}: cannot create ({err.strerror})") from None
    options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
    written = []
    try:
        for table in TABLES:
            tmp = folder / f".{table}.{fmt}.tmp"
            order = ORDER.get(table, "article, id")
            path = str(tmp).replace("'", "''")
            con.execute(f"COPY (SELECT * FROM {table} ORDER BY {order}) TO '{path}' ({options})")
            written.append((tmp, folder / f"{table}.{fmt}"))
        for tmp, final in written:
            os.replace(tmp, final)
    except (OSError, _duckdb().Error) as err:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
        message = err.strerror if isinstance(err, OSError) else str(err).strip().splitlines()[0]
        raise InputError(f"{folder}: cannot write ({message})") from None

