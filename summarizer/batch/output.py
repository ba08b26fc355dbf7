"""Where records go: in memory, or an append-only JSONL file that a later run resumes.

Resume: every record is written whole with one ``write`` on an append-only file. On restart a torn last line is
dropped, error records are taken out (their articles are tried again) and ids already summarized are skipped,
so killing the job at any moment and running the same command again loses and duplicates nothing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path

from ..errors import InputError
from ..records import id_and_ok

log = logging.getLogger(__name__)


class Results:
    """Where records go. This base keeps them in memory (for the Python API without an output file)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.done: set[str] = set()
        self.order: dict[str, int] = {}

    def started(self, item_id: str) -> None:
        """An article is taken up (in input order): in-memory records come back in this order."""
        self.order.setdefault(item_id, len(self.order))

    def write(self, line: str) -> None:
        self.lines.append(line)

    def close(self) -> None:
        pass

    def records(self) -> list[dict]:
        records = [json.loads(line) for line in self.lines]
        return sorted(records, key=lambda r: self.order.get(r.get("id"), len(self.order)))


class ResultsFile(Results):
    """An append-only JSONL file of records, one whole line per ``os.write``, recovered on open.

    Recovery: a last line without its newline (a write cut short by a kill) is cut off; records that are not
    successes are taken out (their articles are tried again), through a temporary file and an atomic rename.
    """

    def __init__(self, path: str | Path):
        super().__init__()
        self.path = Path(path)
        self.previous_errors = 0
        self._fd: int | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as err:
            raise InputError(f"{self.path}: cannot write ({err.strerror})") from None
        self._lock()
        self._recover()

    @property
    def fd(self) -> int:
        """The open file's descriptor; an error once the file is closed."""
        if self._fd is None:
            raise ValueError(f"{self.path}: the results file is closed")
        return self._fd

    def _lock(self) -> None:
        """One batch per output file: a second one is refused (an advisory lock, released when the process ends)."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            self._fd = None
            raise InputError(f"{self.path}: another batch is writing to this file") from None

    def _recover(self) -> None:
        """Read what earlier runs wrote: keep each id's success once, cut a torn last line, take errors out."""
        complete, kept, torn = 0, 0, False
        with open(self.path, "rb") as fh:
            for raw in fh:
                if not raw.endswith(b"\n"):
                    torn = True
                    break
                complete += 1
                rid, ok = id_and_ok(raw.rstrip(b"\n"))
                if rid is not None and ok and rid not in self.done:
                    self.done.add(rid)
                    kept += 1
        if torn:
            log.warning("%s: the last line was cut short (an interrupted run); it is dropped and redone", self.path)
        self.previous_errors = complete - kept
        if kept != complete or torn:
            self._rewrite()

    def _rewrite(self) -> None:
        """Keep only the first success of each id, through a temporary file and an atomic rename."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        seen: set[str] = set()
        with open(self.path, "rb") as src, open(tmp, "wb") as dst:
            for raw in src:
                if not raw.endswith(b"\n"):
                    break
                rid, ok = id_and_ok(raw.rstrip(b"\n"))
                if rid is not None and ok and rid not in seen:
                    seen.add(rid)
                    dst.write(raw)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, self.path)
        os.close(self.fd)  # the lock stays with the old file: open and lock the new one
        self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND, 0o644)
        self._lock()

    def write(self, line: str) -> None:
        data = (line + "\n").encode()
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None

    def records(self) -> list[dict]:
        with open(self.path, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

