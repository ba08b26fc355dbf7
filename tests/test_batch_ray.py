"""`summarizer batch --engine ray` on a local Ray, against the stub server with the seed article's recorded answers.

Skipped with a reason when Ray is not installed (``pip install 'summarizer[ray]'``). Runs the CLI in a subprocess:
Ray's own processes talk over the machine's address, which pytest-socket would refuse inside the test process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .test_batch import answers, check_ok_record, env_for, read_records, seed_records, stub_server, write_jsonl  # noqa: F401

pytest.importorskip("ray", reason="Ray is not installed: pip install 'summarizer[ray]' to test --engine ray")


def test_ray_engine_on_a_local_ray(answers, tmp_path):  # noqa: F811 - the fixture imported above
    src = write_jsonl(tmp_path / "in.jsonl", [*seed_records(3), {"id": "empty", "text": ""}])
    out = tmp_path / "results.jsonl"
    with stub_server.StubLLMServer(answers) as server:
        env = {**os.environ, **env_for(server.base_url), "RAY_ADDRESS": "", "RAY_USAGE_STATS_ENABLED": "0"}
        proc = subprocess.run(
            [sys.executable, "-c", "from summarizer.cli import main; main()", "batch", str(src), "-o", str(out),
             "--engine", "ray", "--ray-workers", "2", "-c", "2", "--refresh"],
            env=env, capture_output=True, text=True, timeout=240,
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = read_records(out)
    assert sorted(r["id"] for r in records) == ["empty", "seed-0", "seed-1", "seed-2"]
    for record in records:
        if record["id"] != "empty":
            check_ok_record(record)
    assert server.stats["requests"] == 6
    side = json.loads((tmp_path / "results.jsonl.summary.json").read_text())
    assert side["engine"] == "ray" and side["ok"] == 3 and side["failures_by_reason"] == {"input": 1}
