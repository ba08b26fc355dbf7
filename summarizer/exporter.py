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
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .entities import cluster_actors, count_mentions, entity_country, entity_forms, entity_kind, entity_name, state_code
from .errors import InputError
from .grounding import fold_accents, place_country
from .report import Batch, Doc, Problem, docs_from_results, load_results
from .schema import Actor, ActorKind, ArticleSummary, Conflict, EventType, Evidence, Meeting

log = logging.getLogger(__name__)

FORMATS = ("duckdb", "parquet", "csv")

#: Every table's columns and DuckDB types, in order (the README documents each).
TABLES: dict[str, list[tuple[str, str]]] = {
    "articles": [
        ("id", "VARCHAR"), ("position", "INTEGER"), ("source", "VARCHAR"), ("url", "VARCHAR"), ("title", "VARCHAR"),
        ("published", "DATE"), ("headline", "VARCHAR"), ("summary", "VARCHAR"), ("model", "VARCHAR"),
        ("template", "VARCHAR"), ("template_version", "VARCHAR"), ("schema_version", "VARCHAR"),
        ("prompt_tokens", "INTEGER"), ("completion_tokens", "INTEGER"), ("requests", "INTEGER"),
        ("reasks", "INTEGER"), ("seconds", "DOUBLE"), ("warnings", "VARCHAR[]"), ("text", "VARCHAR"),
    ],
    "actors": [
        ("id", "VARCHAR"), ("article", "VARCHAR"), ("actor", "VARCHAR"), ("entity", "VARCHAR"), ("name", "VARCHAR"),
        ("aliases", "VARCHAR[]"), ("kind", "VARCHAR"), ("sector", "VARCHAR"), ("title", "VARCHAR"),
        ("country", "VARCHAR"), ("mentions", "INTEGER"),
    ],
    "entities": [
        ("entity", "VARCHAR"), ("name", "VARCHAR"), ("kind", "VARCHAR"), ("sector", "VARCHAR"), ("country", "VARCHAR"),
        ("forms", "VARCHAR[]"), ("articles", "INTEGER"), ("actors", "INTEGER"), ("mentions", "INTEGER"),
    ],
    "events": [
        ("id", "VARCHAR"), ("article", "VARCHAR"), ("item", "VARCHAR"), ("event_type", "VARCHAR"), ("mode", "VARCHAR"),
        ("type", "VARCHAR"), ("status", "VARCHAR"), ("conflict", "VARCHAR"), ("place", "VARCHAR"),
        ("country", "VARCHAR"), ("date_text", "VARCHAR"), ("date", "DATE"), ("reported", "DATE"),
        ("actor1", "VARCHAR"), ("actor1_ref", "VARCHAR"), ("actor1_name", "VARCHAR"), ("actor1_country", "VARCHAR"),
        ("actor1_sector", "VARCHAR"), ("actor2", "VARCHAR"), ("actor2_ref", "VARCHAR"), ("actor2_name", "VARCHAR"),
        ("actor2_country", "VARCHAR"), ("actor2_sector", "VARCHAR"), ("killed", "INTEGER"), ("injured", "INTEGER"),
        ("topics", "VARCHAR[]"),
    ],
    "event_actors": [
        ("event", "VARCHAR"), ("article", "VARCHAR"), ("actor", "VARCHAR"), ("entity", "VARCHAR"), ("role", "VARCHAR"),
        ("name", "VARCHAR"), ("country", "VARCHAR"), ("sector", "VARCHAR"),
    ],
    "conflicts": [
        ("id", "VARCHAR"), ("article", "VARCHAR"), ("conflict", "VARCHAR"), ("name", "VARCHAR"), ("status", "VARCHAR"),
        ("locations", "VARCHAR[]"), ("parties", "VARCHAR[]"), ("party_refs", "VARCHAR[]"),
        ("party_names", "VARCHAR[]"), ("countries", "VARCHAR[]"), ("events", "INTEGER"),
    ],
    "evidence": [
        ("id", "VARCHAR"), ("article", "VARCHAR"), ("item", "VARCHAR"), ("item_type", "VARCHAR"), ("n", "INTEGER"),
        ("quote", "VARCHAR"), ("char_start", "INTEGER"), ("char_end", "INTEGER"), ("sentence", "INTEGER"),
        ("alignment", "VARCHAR"), ("score", "DOUBLE"),
    ],
}
#: Tables with one set of rows per article (the others are derived from the whole store).
PER_ARTICLE = ("articles", "actors", "events", "event_actors", "conflicts", "evidence")
#: Row order of the Parquet and CSV files (a DuckDB table keeps no order).
ORDER = {"articles": "position", "entities": "articles DESC, mentions DESC, lower(name), entity",
         "event_actors": "article, event, actor"}

#: PLOVER sectors of the actor kinds that have one. A state is coded by its country alone (CAMEO's "RUS"), an
#: organization may be a business, an NGO or a religious body, and a person takes the sector of the office.
KIND_SECTORS = {
    "government": "GOV", "military": "MIL", "armed_group": "REB", "political_party": "PTY",
    "international_body": "IGO", "media": "JRN", "civilians": "CVL",
}
#: A person's sector from the office written next to the name, first match wins ("Defence Minister" is GOV,
#: "Lieutenant General" MIL, "Attorney General" JUD). Offices not listed ("Professor", "policy chief") give none.
TITLE_SECTORS = [(re.compile(pattern, re.IGNORECASE), sector) for pattern, sector in [
    (r"\b(opposition)\b", "OPP"),
    (r"\b(rebel|insurgent|militant|militia)", "REB"),
    (r"\b(attorney[- ]general|judge|justice|prosecutor|magistrate)\b", "JUD"),
    (r"\b(minister|president|premier|chancellor|secretary|ambassador|envoy|diplomat|governor|mayor|king|queen|"
     r"emir|sultan|crown prince|commissioner|advis[eo]r|spokes(man|woman|person)|head of state|director[- ]general|"
     r"consul)\b", "GOV"),
    (r"\b(general|gen\.|colonel|col\.|commander|admiral|lieutenant|lt\.|brigadier|marshal|military|army|sergeant|"
     r"captain)(?!\w)", "MIL"),
    (r"\b(police|policeman|policewoman)\b", "COP"),
    (r"\b(lawmaker|legislator|senator|congress(man|woman)|representative|parliament\w*|deputies|mp|speaker)\b", "LEG"),
    (r"\b(intelligence|spy)\b", "SPY"),
    (r"\b(cleric|imam|bishop|pope|rabbi|priest|ayatollah|patriarch)\b", "REL"),
    (r"\b(journalist|reporter|editor|correspondent)\b", "JRN"),
]]
#: PLOVER's split of violent events: FIGHT is conventional force between armed actors, ASSAULT the rest.
FIGHT_TYPES = {EventType.clash, EventType.shelling, EventType.air_strike, EventType.drone_strike,
               EventType.missile_strike}


def sector_of(actor: Actor) -> str | None:
    """The PLOVER sector of an actor where it maps: by kind, or by a person's office."""
    if actor.kind.value == "person":
        for pattern, sector in TITLE_SECTORS:
            if actor.title and pattern.search(actor.title):
                return sector
        return None
    return KIND_SECTORS.get(actor.kind.value)


def plover_type(event_type: EventType) -> str:
    """FIGHT or ASSAULT for a violent event's type."""
    return "FIGHT" if event_type in FIGHT_TYPES else "ASSAULT"


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


# --- rows of one article -------------------------------------------------------------------------------------


def _article_id(doc: Doc) -> str:
    """The article's id: the batch record's, else the provenance's or the article's, else its text's digest."""
    ident = doc.record_id or doc.summary.provenance.article_id or doc.article.id
    return ident or "sha256:" + hashlib.sha256(doc.article.text.encode()).hexdigest()[:16]


def _meeting_dyad(m: Meeting) -> tuple[str | None, str | None]:
    """PLOVER's actor and recipient of a meeting: a visitor and the host; with no host, the first two participants."""
    if m.host:
        others = [i for i in [*m.visitors, *m.participants] if i != m.host]
        return (others[0] if others else None), m.host
    ids = list(dict.fromkeys([*m.participants, *m.visitors]))
    return (ids[0] if ids else None), (ids[1] if len(ids) > 1 else None)


def _country(actor: Actor) -> str | None:
    return actor.country or state_code(actor)


class _ArticleRows:
    """The rows of one summarized article in every per-article table (entity ids are linked later, over the store)."""

    def __init__(self, doc: Doc, article_id: str, position: int):
        self.doc, self.id, self.position = doc, article_id, position
        self.actors = {a.id: a for a in doc.summary.actors}
        self.sectors = {a.id: sector_of(a) for a in doc.summary.actors}
        self.rows: dict[str, list[tuple]] = {t: [] for t in PER_ARTICLE}

    def build(self) -> dict[str, list[tuple]]:
        s = self.doc.summary
        self.article()
        for a in s.actors:
            self.actor(a)
        for m in s.meetings:
            self.meeting(m)
        for c in s.conflicts:
            self.conflict(c)
        return self.rows

    def ref(self, local: str) -> str:
        """The row id of an item of this article: 'article:item'."""
        return f"{self.id}:{local}"

    def article(self) -> None:
        doc, s = self.doc, self.doc.summary
        p = s.provenance
        self.rows["articles"].append((
            self.id, self.position, doc.article.source or p.source, doc.article.url, doc.article.title or p.title,
            doc.published, s.headline, s.summary, p.model, p.template, p.template_version, p.schema_version,
            p.usage.prompt_tokens, p.usage.completion_tokens, p.usage.requests, p.usage.reasks, p.seconds,
            list(p.warnings), doc.article.text,
        ))

    def actor(self, a: Actor) -> None:
        self.rows["actors"].append((
            self.ref(a.id), self.id, a.id, None, a.name, list(a.aliases), a.kind.value, self.sectors[a.id], a.title,
            _country(a), count_mentions(self.doc.article.text, a),
        ))
        self.evidence(self.ref(a.id), "actor", a.evidence)

    def meeting(self, m: Meeting) -> None:
        event = self.ref(m.id)
        one, two = _meeting_dyad(m)
        self.rows["events"].append((
            event, self.id, m.id, "CONSULT", m.mode.value, None, m.status.value, None, m.location, m.country,
            m.date_text, m.date, self.doc.published, *self.dyad_side(one), *self.dyad_side(two), None, None,
            list(m.topics),
        ))
        for local in dict.fromkeys([*m.participants, *m.visitors, *([m.host] if m.host else [])]):
            self.participant(event, local, "host" if local == m.host else "visitor" if local in m.visitors
                             else "participant")
        self.evidence(event, "meeting", m.evidence)

    def conflict(self, c: Conflict) -> None:
        conflict = self.ref(c.id)
        parties = list(dict.fromkeys(c.parties))
        countries = {_country(self.actors[i]) for i in parties} | {place_country(loc) for loc in c.locations}
        self.rows["conflicts"].append((
            conflict, self.id, c.id, c.name, c.status.value, list(c.locations), None, [self.ref(i) for i in parties],
            [self.actors[i].name for i in parties], sorted(x for x in countries if x), len(c.events),
        ))
        self.evidence(conflict, "conflict", c.evidence)
        one, two = (parties + [None, None])[:2]
        for n, e in enumerate(c.events, 1):
            item = f"{c.id}-e{n}"
            event = self.ref(item)
            self.rows["events"].append((
                event, self.id, item, plover_type(e.type), None, e.type.value, None, conflict, e.location,
                place_country(e.location), e.date_text, e.date, self.doc.published, *self.dyad_side(one),
                *self.dyad_side(two), e.killed, e.injured, [],
            ))
            for local in parties:
                self.participant(event, local, "side")
            self.evidence(event, "event", e.evidence)

    def dyad_side(self, local: str | None) -> tuple:
        """An event's actor1 or actor2 columns: entity (linked later), row id, name, country, sector."""
        a = self.actors.get(local) if local else None
        if a is None or local is None:
            return (None, None, None, None, None)
        return (None, self.ref(local), a.name, _country(a), self.sectors[local])

    def participant(self, event: str, local: str, role: str) -> None:
        a = self.actors[local]
        self.rows["event_actors"].append((event, self.id, self.ref(local), None, role, a.name, _country(a),
                                          self.sectors[local]))

    def evidence(self, item: str, item_type: str, spans: Sequence[Evidence]) -> None:
        for n, ev in enumerate(spans, 1):
            self.rows["evidence"].append((f"{item}#{n}", self.id, item, item_type, n, ev.quote, ev.start, ev.end,
                                          ev.sentence, ev.match.value if ev.match else None, ev.score))


def article_rows(doc: Doc, article_id: str, position: int) -> dict[str, list[tuple]]:
    """The rows of one summarized article in every per-article table (entity ids are linked later)."""
    return _ArticleRows(doc, article_id, position).build()


# --- the store ------------------------------------------------------------------------------------------------


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


# --- inputs and targets ---------------------------------------------------------------------------------------


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
