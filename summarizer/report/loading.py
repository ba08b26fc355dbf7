"""Reading batch results (``summarizer report RESULTS.jsonl``): the records of :mod:`summarizer.records`.

Error records are listed in the report. A line that cannot be read (not JSON, not such a record, a summary that
does not validate) is listed as unreadable with its line number, or is a one-line error with ``strict=True``."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..records import (
    Unreadable,
    parse_line,
    record_article,
    record_error,
    record_id,
    record_ok,
    record_source,
    record_summary,
)
from .docs import Batch, Doc, Problem


def load_results(path: str | Path, *, strict: bool = False) -> Batch:
    """Read a batch results JSONL file. Unreadable lines are kept as problems (an InputError if ``strict``)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file" if not p.exists() else f"{p}: is not a file")
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{p}: not UTF-8 text (invalid byte at offset {err.start})") from None
    except OSError as err:
        raise InputError(f"{p}: cannot read ({err.strerror})") from None
    batch = Batch()
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            _add_record(batch, parse_line(line), n)
        except Unreadable as bad:
            if strict:
                raise InputError(f"{p}:{n}: {bad}") from None
            batch.problems.append(Problem(n, "unreadable", bad.reason, str(bad), id=bad.record_id))
    if not batch.docs and not batch.problems:
        raise InputError(f"{p}: no records (expected one JSON object per line)")
    return batch



def _add_record(batch: Batch, record: dict, line: int) -> None:
    """Add a success record as a Doc, an error record as a Problem."""
    rid, source = record_id(record), record_source(record)
    if not record_ok(record, rid):
        reason, message = record_error(record)
        batch.problems.append(Problem(line, "error", reason, message, id=rid, source=source))
        return
    article = record_article(record, rid, source)
    summary = record_summary(record, rid)
    batch.docs.append(Doc(len(batch.docs), article, summary, record_id=rid))
