"""The analysts' export, against real DuckDB, offline, from the recorded dev results (tests/data/dev-results.jsonl,
written by benchmarks/dev_results.py from the dev cassettes)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import summarizer
from summarizer.cli import app
from summarizer.entities import merge_actors
from summarizer.exporter import TABLES, export, sector_of, target_format, to_frames
from summarizer.report import load_results
from summarizer.schema import Actor, ActorKind, Evidence

from .conftest import ROOT

DEV = ROOT / "tests" / "data" / "dev-results.jsonl"
LINES = DEV.read_text(encoding="utf-8").splitlines()


def _readme_queries():
    spec = importlib.util.spec_from_file_location("readme_queries", ROOT / "benchmarks" / "readme_queries.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def dev_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("export") / "dev.duckdb"
    result = export(DEV, path)
    assert len(result.added) == 13 and not result.problems
    return path


def connect(path: Path):
    return duckdb.connect(str(path), read_only=True)


def rows(con, table: str, source: str | None = None) -> list[str]:
    """Every row of a table (or of a file read as that table), as sorted reprs."""
    return sorted(repr(r) for r in con.sql(f"SELECT * FROM {source or table}").fetchall())


def csv_source(path: Path, table: str) -> str:
    types = ", ".join(f"'{c}': '{t}'" for c, t in TABLES[table])
    return f"read_csv('{path}', header = true, columns = {{{types}}}, allow_quoted_nulls = false)"


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


# --- the tables -------------------------------------------------------------------------------------------------


def test_tables_hold_one_row_per_thing_with_unique_ids(dev_db):
    records = [json.loads(line)["summary"] for line in LINES]
    con = connect(dev_db)
    count = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    assert count("SELECT count(*) FROM articles") == 13
    assert count("SELECT count(*) FROM actors") == sum(len(s["actors"]) for s in records)
    assert count("SELECT count(*) FROM conflicts") == sum(len(s["conflicts"]) for s in records)
    assert count("SELECT count(*) FROM events WHERE event_type = 'CONSULT'") == sum(len(s["meetings"]) for s in records)
    assert count("SELECT count(*) FROM events WHERE event_type IN ('FIGHT', 'ASSAULT')") == sum(
        len(c["events"]) for s in records for c in s["conflicts"])
    spans = sum(len(x["evidence"]) for s in records for x in [*s["actors"], *s["meetings"], *s["conflicts"]])
    spans += sum(len(e["evidence"]) for s in records for c in s["conflicts"] for e in c["events"])
    assert count("SELECT count(*) FROM evidence") == spans
    for table in ("articles", "actors", "events", "conflicts", "evidence"):
        assert count(f"SELECT count(*) - count(DISTINCT id) FROM {table}") == 0, table
    assert count("SELECT count(*) - count(DISTINCT entity) FROM entities") == 0
    assert count("SELECT count(*) - count(DISTINCT (event, actor)) FROM event_actors") == 0
    # Every reference resolves.
    assert count("SELECT count(*) FROM actors WHERE entity IS NULL OR entity NOT IN (SELECT entity FROM entities)") == 0
    assert count("SELECT count(*) FROM event_actors WHERE actor NOT IN (SELECT id FROM actors) "
                 "OR event NOT IN (SELECT id FROM events)") == 0
    assert count("SELECT count(*) FROM events WHERE actor1_ref IS NOT NULL AND actor1 IS NULL") == 0
    assert count("SELECT count(*) FROM events WHERE event_type <> 'CONSULT' AND conflict NOT IN (SELECT id FROM conflicts)") == 0
    assert count("SELECT count(*) FROM evidence WHERE item NOT IN (SELECT id FROM actors UNION ALL SELECT id FROM events "
                 "UNION ALL SELECT id FROM conflicts)") == 0
    # Evidence offsets point into the article text.
    assert count("SELECT count(*) FROM evidence") > 400
    assert count("SELECT count(*) FROM evidence v JOIN articles a ON a.id = v.article WHERE v.alignment = 'exact' "
                 "AND substr(a.text, v.char_start + 1, v.char_end - v.char_start) <> v.quote") == 0


def test_events_are_plover_records(dev_db):
    con = connect(dev_db)
    cairo = con.execute("SELECT status, place, country, date_text, actor1, actor1_country, actor1_sector, actor2, "
                        "actor2_country FROM events WHERE id = 'lavrov-cairo:m1'").fetchone()
    # The host (Egypt) is PLOVER's recipient, a visitor the actor.
    assert cairo == ("held", "Cairo", "EGY", "on Monday", "sergei-lavrov", "RUS", "GOV", "egypt", "EGY")
    roles = dict(con.execute("SELECT entity, role FROM event_actors WHERE event = 'lavrov-cairo:m1'").fetchall())
    assert roles == {"egypt": "host", "sergei-lavrov": "visitor", "sameh-shoukry": "visitor"}
    strike = con.execute("SELECT event_type, type, killed, conflict, actor1, actor2 FROM events "
                         "WHERE article = 'lavrov-cairo' AND type = 'air_strike'").fetchone()
    # The conflict's sides are the model's that the grammar has fight ("Egypt carried out air strikes"); Libya, only
    # the place of the strikes there, is no longer one.
    assert strike == ("FIGHT", "air_strike", 29, "lavrov-cairo:c1", "syria", "egypt")
    sides = con.execute("SELECT list(entity ORDER BY entity) FROM event_actors WHERE event = "
                        "(SELECT id FROM events WHERE article = 'lavrov-cairo' AND type = 'air_strike')").fetchone()[0]
    assert sides == ["egypt", "syria"]  # every side (the meeting above has three participants, all listed)
    assert con.execute("SELECT DISTINCT event_type FROM events WHERE type IN ('bombing', 'hostage_taking') "
                       "").fetchall() == [("ASSAULT",)]


def test_actors_are_linked_across_articles_by_the_report_rule(dev_db):
    batch = load_results(DEV)
    merged = merge_actors(batch.docs)
    report_groups = sorted(sorted(f"{d.record_id}:{a.id}" for d, a in m.members) for m in merged)
    con = connect(dev_db)
    export_groups = sorted(sorted(ids) for (ids,) in con.execute(
        "SELECT list(id) FROM actors GROUP BY entity").fetchall())
    assert export_groups == report_groups
    names = {m.name for m in merged}
    assert set(r[0] for r in con.execute("SELECT name FROM entities").fetchall()) == names
    putin = con.execute("SELECT count(DISTINCT article), list(DISTINCT name ORDER BY name) FROM actors "
                        "WHERE entity = 'vladimir-putin'").fetchone()
    assert putin[0] == 3
    assert con.execute("SELECT articles, forms FROM entities WHERE entity = 'vladimir-putin'").fetchone() == (3, ["Putin"])


def test_sectors_where_they_map():
    def actor(kind: str, title: str | None = None) -> Actor:
        return Actor(id="a1", name="X Y", kind=ActorKind(kind), title=title, evidence=[Evidence(quote="X Y")])

    assert sector_of(actor("person", "Foreign Minister")) == "GOV"
    assert sector_of(actor("person", "Lieutenant General")) == "MIL"
    assert sector_of(actor("person", "Republican Representative")) == "LEG"
    assert sector_of(actor("person", "Attorney General")) == "JUD"
    assert sector_of(actor("person", "Professor")) is None
    assert sector_of(actor("person")) is None
    assert sector_of(actor("armed_group")) == "REB"
    assert sector_of(actor("international_body")) == "IGO"
    assert sector_of(actor("state")) is None and sector_of(actor("organization")) is None


# --- the README's queries ---------------------------------------------------------------------------------------


def test_readme_queries_run_and_show_their_real_output(dev_db):
    rq = _readme_queries()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = rq.queries(readme)
    assert len(blocks) == 3
    con = connect(dev_db)
    for block in blocks:
        columns, found = rq.run(con, block.group("sql"))
        assert block.group("table") == rq.markdown(columns, found), block.group("sql")
    (met_cols, met), (by_cols, by_country), (month_cols, months) = (rq.run(con, b.group("sql")) for b in blocks)
    assert met_cols[0] == "meeting" and met_cols[-1] == "participants" and len(met) == 16
    cairo = next(r for r in met if r[0] == "lavrov-cairo:m1")
    assert "Sergei Lavrov (visitor)" in cairo[-1] and "Sameh Shoukry (visitor)" in cairo[-1] and cairo[3] == "Cairo"
    assert by_cols[:2] == ["country", "conflicts"]
    somalia = next(r for r in by_country if r[0] == "SOM")
    assert somalia[1] == 2 and "al-Shabab insurgency" in somalia[3]
    assert [r[1] for r in by_country] == sorted((r[1] for r in by_country), reverse=True)
    assert month_cols[:2] == ["month", "meetings"] and sum(r[1] for r in months) == 16
    assert ("2025-03", 5) in [(r[0], r[1]) for r in months]


def test_readme_documents_every_table_and_column():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for table, columns in TABLES.items():
        section = readme.split(f"#### `{table}`\n", 1)[1].split("\n#", 1)[0]
        documented = re.findall(r"^\| `(\w+)` \| (\S+) \|", section, re.MULTILINE)
        assert documented == columns, table


# --- formats ----------------------------------------------------------------------------------------------------


def test_parquet_and_csv_hold_the_same_rows_as_the_duckdb_file(dev_db, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["export", str(DEV), "-o", f"{tmp_path}/pq/"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["export", str(DEV), "-o", str(tmp_path / "csv"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    con = connect(dev_db)
    for table in TABLES:
        expected = rows(con, table)
        assert expected, table
        assert rows(con, table, f"read_parquet('{tmp_path}/pq/{table}.parquet')") == expected, table
        assert rows(con, table, csv_source(tmp_path / "csv" / f"{table}.csv", table)) == expected, table


def test_to_frames_gives_the_tables_as_duckdb_relations(dev_db):
    frames = to_frames(DEV)
    assert list(frames) == list(TABLES)
    con = connect(dev_db)
    for table, rel in frames.items():
        assert isinstance(rel, duckdb.DuckDBPyRelation)
        assert rel.columns == [c for c, _ in TABLES[table]]
        assert sorted(repr(r) for r in rel.fetchall()) == rows(con, table)
    assert summarizer.export is export and summarizer.to_frames is to_frames


def test_format_from_the_target(tmp_path):
    assert target_format(tmp_path / "x.duckdb") == "duckdb"
    assert target_format(f"{tmp_path}/new/") == "parquet"
    assert target_format(tmp_path) == "parquet"
    assert target_format(tmp_path / "t", "csv") == "csv"


# --- incremental ------------------------------------------------------------------------------------------------


def _store(path: Path, fmt: str) -> dict[str, list[str]]:
    """Every table of an export, as sorted row reprs."""
    con = duckdb.connect()
    if fmt == "duckdb":
        con = connect(path)
        return {t: rows(con, t) for t in TABLES}
    if fmt == "parquet":
        return {t: rows(con, t, f"read_parquet('{path}/{t}.parquet')") for t in TABLES}
    return {t: rows(con, t, csv_source(path / f"{t}.csv", t)) for t in TABLES}


@pytest.mark.parametrize("fmt", ["duckdb", "parquet", "csv"])
def test_a_second_export_adds_new_articles_and_replaces_resummarized_ones(tmp_path, fmt):
    # First the batch's first 8 articles, the first one in an older version without its meetings; then the grown
    # batch with all 13 and the first one re-summarized.
    older = json.loads(LINES[0])
    older["summary"]["meetings"] = []
    first = write_lines(tmp_path / "first.jsonl", [json.dumps(older), *LINES[1:8]])
    target = tmp_path / ("store.duckdb" if fmt == "duckdb" else fmt)
    done = export(first, target, format=fmt)
    assert len(done.added) == 8 and done.rows["events"] == _count_events(LINES[1:8])
    again = export(DEV, target, format=fmt)
    assert sorted(again.added) == sorted(json.loads(line)["id"] for line in LINES[8:])
    assert sorted(again.replaced) == sorted(json.loads(line)["id"] for line in LINES[:8])
    grown = _store(target, fmt)
    fresh = tmp_path / ("fresh.duckdb" if fmt == "duckdb" else "fresh")
    export(DEV, fresh, format=fmt)
    assert grown == _store(fresh, fmt)  # every article once, the re-summarized one as it is now
    assert len(grown["articles"]) == 13
    # Exporting the same results again changes nothing.
    export(DEV, target, format=fmt)
    assert _store(target, fmt) == grown


def _count_events(lines: list[str]) -> int:
    summaries = [json.loads(line)["summary"] for line in lines]
    return sum(len(s["meetings"]) + sum(len(c["events"]) for c in s["conflicts"]) for s in summaries)


def test_malformed_lines_are_reported_and_skipped_and_nothing_exported_is_lost(tmp_path):
    target = tmp_path / "store.duckdb"
    export(write_lines(tmp_path / "a.jsonl", LINES[:5]), target)
    error = json.dumps({"id": "x1", "source": "s", "ok": False, "error": {"reason": "llm", "message": "down"}})
    bad = write_lines(tmp_path / "b.jsonl", [LINES[5], "{not json", error, LINES[6][: len(LINES[6]) // 2],
                                             json.dumps({"id": json.loads(LINES[0])["id"], "ok": True, "summary": {}}), LINES[7]])
    result = CliRunner().invoke(app, ["export", str(bad), "-o", str(target)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert [re.search(r"b\.jsonl:(\d+): ", w).group(1) for w in warnings] == ["2", "4", "5"], warnings
    assert all(w.endswith("(skipped)") for w in warnings)
    assert "2 articles added" in result.stderr and "1 error record skipped" in result.stderr
    con = connect(target)
    ids = [r[0] for r in con.execute("SELECT id FROM articles ORDER BY position").fetchall()]
    assert ids == [json.loads(line)["id"] for line in [*LINES[:6], LINES[7]]]
    con.close()
    strict = CliRunner().invoke(app, ["export", str(bad), "-o", str(target), "--strict"])
    assert strict.exit_code == 2 and strict.stderr.startswith("error:") and len(strict.stderr.splitlines()) == 1
    assert ":2: not valid JSON" in strict.stderr


def test_a_failed_export_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    import summarizer.exporter as module

    target = tmp_path / "store.duckdb"
    export(write_lines(tmp_path / "a.jsonl", LINES[:4]), target)
    before = _store(target, "duckdb")

    def broken(con):
        raise RuntimeError("disk full")

    monkeypatch.setattr(module, "_link_entities", broken)
    with pytest.raises(RuntimeError):
        export(DEV, target)
    assert _store(target, "duckdb") == before


# --- command-line errors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("args, fragment", [
    (["missing.jsonl", "-o", "{tmp}/x.duckdb"], "no such file"),
    ([str(DEV), "-o", "{tmp}/x", "--format", "xml"], "unknown export format 'xml'"),
    ([str(DEV), "-o", "{tmp}/x.txt"], "cannot tell the export format"),
    ([str(DEV), "-o", "{tmp}/file.txt", "--format", "csv"], "is a file; a csv export is a folder"),
    ([str(DEV), "-o", "{tmp}/dir", "--format", "duckdb"], "is a folder"),
    ([str(DEV), "-o", "{tmp}/file.txt", "--format", "duckdb"], "cannot open as a DuckDB database"),
])
def test_export_errors_are_one_line(tmp_path, monkeypatch, args, fragment):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file.txt").write_text("not a database\n")
    (tmp_path / "dir").mkdir()
    result = CliRunner().invoke(app, ["export", *[a.format(tmp=tmp_path) for a in args]])
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert err.startswith("error:") and len(err.splitlines()) == 1 and fragment in err, err
    assert "Traceback" not in result.output


def test_an_id_given_twice_is_exported_once_in_its_last_version(tmp_path):
    newer = json.loads(LINES[0])
    older = json.loads(LINES[0])
    older["summary"]["meetings"] = []
    path = write_lines(tmp_path / "twice.jsonl", [json.dumps(older), LINES[1], json.dumps(newer)])
    result = export(path, tmp_path / "store.duckdb")
    assert result.duplicates == [newer["id"]] and sorted(result.added) == sorted([newer["id"], json.loads(LINES[1])["id"]])
    con = connect(tmp_path / "store.duckdb")
    assert con.execute("SELECT count(*) FROM events WHERE article = ? AND event_type = 'CONSULT'",
                       [newer["id"]]).fetchone()[0] == len(newer["summary"]["meetings"]) > 0


def test_pairs_from_the_summarize_command_export_like_their_batch_records(dev_db):
    batch = load_results(DEV)
    frames = to_frames([(d.article, d.summary) for d in batch.docs])
    con = connect(dev_db)
    for table, rel in frames.items():
        assert sorted(repr(r) for r in rel.fetchall()) == rows(con, table), table


def test_a_store_of_another_shape_is_refused_in_one_line(tmp_path):
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE articles (id VARCHAR, body VARCHAR)")
    con.close()
    result = CliRunner().invoke(app, ["export", str(DEV), "-o", str(other)])
    assert result.exit_code == 2 and "table articles has columns ['id', 'body']" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    partial = tmp_path / "partial"
    partial.mkdir()
    export(DEV, f"{partial}/")
    (partial / "events.parquet").unlink()
    with pytest.raises(summarizer.InputError, match="not a complete earlier export"):
        export(DEV, f"{partial}/")
