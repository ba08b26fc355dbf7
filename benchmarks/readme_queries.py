"""The README's example queries against the export of the dev results, with their real output.

    python benchmarks/readme_queries.py            # print each query's output as a Markdown table
    python benchmarks/readme_queries.py --write    # put those outputs under the queries in README.md
    python benchmarks/readme_queries.py --check    # exit 1 if README.md shows other outputs (tests/test_export.py)

The queries are the ```sql blocks between the README's ``<!-- export-queries -->`` markers; each block's output
is the Markdown table that follows it. The export is made from tests/data/dev-results.jsonl (written by
benchmarks/dev_results.py from the dev cassettes) with `summarizer export`, into a temporary DuckDB file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.exporter import export  # noqa: E402

README = ROOT / "README.md"
DEV_RESULTS = ROOT / "tests" / "data" / "dev-results.jsonl"
START, END = "<!-- export-queries -->", "<!-- /export-queries -->"
BLOCK = re.compile(r"```sql\n(?P<sql>.*?)```\n(?:\n(?P<table>(?:\|[^\n]*\n)+))?", re.DOTALL)


def cell(value) -> str:
    """A value as a Markdown table cell."""
    if value is None:
        return "NULL"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown(columns: list[str], rows: list[tuple]) -> str:
    """Rows as a Markdown table."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def queries(readme: str) -> list[re.Match]:
    """The SQL blocks (with the tables under them) of the README's export section."""
    start, end = readme.index(START), readme.index(END)
    return [m for m in BLOCK.finditer(readme, start, end)]


def run(con, sql: str) -> tuple[list[str], list[tuple]]:
    """A query's column names and rows."""
    rel = con.sql(sql)
    return list(rel.columns), rel.fetchall()


def outputs(readme: str, database: Path) -> list[str]:
    """Each README query's output, as a Markdown table, from the DuckDB file ``database``."""
    import duckdb

    con = duckdb.connect(str(database), read_only=True)
    try:
        return [markdown(*run(con, m.group("sql"))) for m in queries(readme)]
    finally:
        con.close()


def dev_export(folder: Path) -> Path:
    """The dev results exported into ``folder/dev.duckdb``."""
    path = folder / "dev.duckdb"
    export(DEV_RESULTS, path)
    return path


def updated(readme: str, tables: list[str]) -> str:
    """README text with each query followed by its output."""
    out, last = [], 0
    for m, table in zip(queries(readme), tables, strict=True):
        out.append(readme[last : m.start()])
        out.append(f"```sql\n{m.group('sql')}```\n\n{table}")
        last = m.end()
    out.append(readme[last:])
    return "".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="write the outputs into README.md")
    group.add_argument("--check", action="store_true", help="exit 1 if README.md shows other outputs")
    args = parser.parse_args()
    readme = README.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        tables = outputs(readme, dev_export(Path(tmp)))
    new = updated(readme, tables)
    if args.check:
        if new != readme:
            print("README.md: the export queries' outputs differ from a run (python benchmarks/readme_queries.py --write)")
            return 1
        print(f"README.md: {len(tables)} query outputs match a run")
        return 0
    if args.write:
        README.write_text(new, encoding="utf-8")
        print(f"README.md: wrote {len(tables)} query outputs")
        return 0
    for m, table in zip(queries(readme), tables, strict=True):
        print(m.group("sql") + "\n" + table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
