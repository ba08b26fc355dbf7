"""CPU seconds to export the 13 dev articles' batch results (tests/data/dev-results.jsonl) into a new DuckDB file.

    python benchmarks/export_bench.py [--runs 5] [--results tests/data/dev-results.jsonl]

Prints the first export's CPU time in this process (it also loads the lookup tables that linking actors and placing
events need: country names and GeoNames, once per process) and the median of the following runs, each into a fresh
file, with time.process_time (CPU of this process, every thread: DuckDB's own included). Imports are not counted.
Also the CPU of a second export into the same file (every article replaced). Target: under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402, F401  (imported before timing, as the package is)

from summarizer.exporter import export  # noqa: E402


def cpu(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--results", type=Path, default=ROOT / "tests" / "data" / "dev-results.jsonl")
    args = parser.parse_args()
    articles = sum(1 for line in args.results.read_text(encoding="utf-8").splitlines() if line.strip())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first = cpu(lambda: export(args.results, folder / "first.duckdb"))
        runs = [cpu(lambda n=n: export(args.results, folder / f"run{n}.duckdb")) for n in range(args.runs)]
        again = [cpu(lambda: export(args.results, folder / "run0.duckdb")) for _ in range(args.runs)]
    median = statistics.median(runs)
    print(f"export of {articles} results ({args.results.name}) to a new DuckDB file, CPU seconds (process_time):")
    print(f"  first in this process (with the lookup tables' loading): {first:.3f}")
    print(f"  median of {args.runs} more, each to a new file: {median:.3f}  (runs: {', '.join(f'{r:.3f}' for r in runs)})")
    print(f"  median of {args.runs} re-exports into the same file (every article replaced): {statistics.median(again):.3f}")
    print(f"target under 1 s (median): {'met' if median < 1.0 else 'NOT met'}; the first export in a fresh process "
          f"{'also meets it' if first < 1.0 else 'does not (the lookup tables load once per process)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
