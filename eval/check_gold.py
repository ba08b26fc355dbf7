#!/usr/bin/env python3
"""Check the hand-made gold annotations in eval/gold/ against their source articles.

Every gold file must have the agreed shape, use only the agreed enum values, refer only to
actors it defines, and quote the article verbatim: each evidence string, each alias, each
place name and the name-or-an-alias of each actor must occur in the article text.

Article text: a VOA story's `text` field from the corpus JSON Lines file (looked up by id),
or, for the seed "lavrov-cairo", the seed file without its first line (the title).

Usage: python eval/check_gold.py [--gold DIR] [--corpus FILE] [--seed FILE]
Prints one line per problem and exits 1, or prints a summary line and exits 0. Stdlib only.
"""
from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parent
REPO_ROOT = EVAL_DIR.parent
SEED_ID = "lavrov-cairo"
CORPUS_REL = Path("corpus") / "voa_stories.jsonl"
SEED_REL = Path("seeds") / "lavrov-cairo.txt"
SHARED_DIRS = (REPO_ROOT.parent / "shared", Path("/work/shared"))

ACTOR_KINDS = {"person", "state", "government", "military", "armed_group", "political_party",
               "organization", "international_body", "media", "civilians", "other"}
MEETING_STATUS = {"held", "planned", "ongoing", "cancelled"}
MEETING_MODES = {"in_person", "phone", "video", "multilateral"}
CONFLICT_STATUS = {"ongoing", "ceasefire", "ended", "escalating"}

DOC_KEYS = {"id", "title", "published", "actors", "meetings", "conflicts"}
ACTOR_KEYS = {"id", "name", "aliases", "kind", "title", "country", "evidence"}
MEETING_KEYS = {"participants", "host", "location", "date_text", "date", "status", "mode",
                "topics", "evidence"}
CONFLICT_KEYS = {"name", "locations", "parties", "status", "evidence"}
COUNTRY_RE = re.compile(r"^[A-Z]{3}$")


def default_path(rel: Path) -> Path:
    """First existing shared/<rel>: next to the repo root, then /work/shared; else the first."""
    for base in SHARED_DIRS:
        if (base / rel).exists():
            return base / rel
    return SHARED_DIRS[0] / rel


def load_corpus(path: Path) -> dict[str, dict]:
    """Map story id -> record for the corpus JSON Lines file."""
    with path.open(encoding="utf-8") as fh:
        records = (json.loads(line) for line in fh if line.strip())
        return {str(r["id"]): r for r in records}


def load_seed(path: Path) -> dict:
    """The seed article as a record: first line is the title, the rest is the text."""
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    return {"id": SEED_ID, "title": title.strip(), "published": None, "text": body}


def is_iso_date(value) -> bool:
    """True for a valid YYYY-MM-DD string."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


class FileChecker:
    """Collects the problems of one gold file against its article."""

    def __init__(self, name: str, doc: dict, article: dict):
        self.name, self.doc, self.article = name, doc, article
        self.text = article["text"]
        self.problems: list[str] = []
        self.actor_ids: set[str] = set()

    def problem(self, where: str, msg: str) -> None:
        self.problems.append(f"{self.name}: {where}: {msg}")

    def keys(self, where: str, obj, expected: set[str]) -> bool:
        if not isinstance(obj, dict):
            self.problem(where, "is not an object")
            return False
        if set(obj) != expected:
            missing, extra = sorted(expected - set(obj)), sorted(set(obj) - expected)
            self.problem(where, f"keys differ (missing {missing}, unexpected {extra})")
        return True

    def verbatim(self, where: str, value) -> None:
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"not a non-empty string: {value!r}")
        elif value not in self.text:
            self.problem(where, f"not verbatim in article: {value!r}")

    def string_list(self, where: str, value, verbatim: bool) -> list:
        if not isinstance(value, list):
            self.problem(where, "is not a list")
            return []
        for i, item in enumerate(value):
            if verbatim:
                self.verbatim(f"{where}[{i}]", item)
            elif not isinstance(item, str) or not item.strip():
                self.problem(f"{where}[{i}]", f"not a non-empty string: {item!r}")
        return value

    def evidence(self, where: str, obj: dict) -> None:
        ev = obj.get("evidence")
        if not isinstance(ev, list) or not 1 <= len(ev) <= 3:
            self.problem(f"{where}.evidence", "needs 1-3 quotes")
        self.string_list(f"{where}.evidence", ev, verbatim=True)

    def enum(self, where: str, value, allowed: set[str]) -> None:
        if value not in allowed:
            self.problem(where, f"{value!r} not one of {sorted(allowed)}")

    def ref(self, where: str, value) -> None:
        if value not in self.actor_ids:
            self.problem(where, f"unknown actor id {value!r}")

    def optional_str(self, where: str, value) -> None:
        if value is not None and (not isinstance(value, str) or not value.strip()):
            self.problem(where, f"must be a non-empty string or null: {value!r}")

    def check_header(self) -> None:
        doc, art = self.doc, self.article
        self.keys("document", doc, DOC_KEYS)
        if doc.get("id") != art["id"] or Path(self.name).stem != art["id"]:
            self.problem("id", f"{doc.get('id')!r} does not match file name / article")
        if doc.get("title") != art.get("title"):
            self.problem("title", f"{doc.get('title')!r} != article title {art.get('title')!r}")
        published = (art.get("published") or "")[:10] or None
        if doc.get("published") != published:
            self.problem("published", f"{doc.get('published')!r} != {published!r}")

    def check_actors(self) -> None:
        for i, actor in enumerate(self.doc.get("actors") or []):
            where = f"actors[{i}]"
            if not self.keys(where, actor, ACTOR_KEYS):
                continue
            aid = actor.get("id")
            if not isinstance(aid, str) or aid in self.actor_ids:
                self.problem(f"{where}.id", f"missing or duplicate id {aid!r}")
            self.actor_ids.add(aid)
            self.enum(f"{where}.kind", actor.get("kind"), ACTOR_KINDS)
            country = actor.get("country")
            if country is not None and not (isinstance(country, str) and COUNTRY_RE.match(country)):
                self.problem(f"{where}.country", f"not 3 uppercase letters or null: {country!r}")
            self.optional_str(f"{where}.title", actor.get("title"))
            aliases = self.string_list(f"{where}.aliases", actor.get("aliases"), verbatim=True)
            name = actor.get("name")
            if not isinstance(name, str) or not name.strip():
                self.problem(f"{where}.name", f"not a non-empty string: {name!r}")
            elif not any(isinstance(s, str) and s and s in self.text for s in [name, *aliases]):
                self.problem(f"{where}.name", f"neither name {name!r} nor an alias occurs in article")
            self.evidence(where, actor)

    def check_meetings(self) -> None:
        for i, meeting in enumerate(self.doc.get("meetings") or []):
            where = f"meetings[{i}]"
            if not self.keys(where, meeting, MEETING_KEYS):
                continue
            participants = meeting.get("participants")
            if not isinstance(participants, list) or len(set(participants)) < 2:
                self.problem(f"{where}.participants", "needs at least 2 distinct actor ids")
            for j, pid in enumerate(participants or []):
                self.ref(f"{where}.participants[{j}]", pid)
            host = meeting.get("host")
            if host is not None:
                self.ref(f"{where}.host", host)
                if host not in (participants or []):
                    self.problem(f"{where}.host", f"{host!r} is not a participant")
            if meeting.get("location") is not None:
                self.verbatim(f"{where}.location", meeting["location"])
            self.optional_str(f"{where}.date_text", meeting.get("date_text"))
            if meeting.get("date") is not None and not is_iso_date(meeting["date"]):
                self.problem(f"{where}.date", f"not YYYY-MM-DD or null: {meeting['date']!r}")
            self.enum(f"{where}.status", meeting.get("status"), MEETING_STATUS)
            self.enum(f"{where}.mode", meeting.get("mode"), MEETING_MODES)
            self.string_list(f"{where}.topics", meeting.get("topics"), verbatim=False)
            self.evidence(where, meeting)

    def check_conflicts(self) -> None:
        for i, conflict in enumerate(self.doc.get("conflicts") or []):
            where = f"conflicts[{i}]"
            if not self.keys(where, conflict, CONFLICT_KEYS):
                continue
            self.optional_str(f"{where}.name", conflict.get("name"))
            self.string_list(f"{where}.locations", conflict.get("locations"), verbatim=True)
            parties = conflict.get("parties")
            if not isinstance(parties, list):
                self.problem(f"{where}.parties", "is not a list")
            for j, pid in enumerate(parties or []):
                self.ref(f"{where}.parties[{j}]", pid)
            self.enum(f"{where}.status", conflict.get("status"), CONFLICT_STATUS)
            self.evidence(where, conflict)

    def run(self) -> list[str]:
        self.check_header()
        for key in ("actors", "meetings", "conflicts"):
            if not isinstance(self.doc.get(key), list):
                self.problem(key, "is not a list")
        self.check_actors()
        self.check_meetings()
        self.check_conflicts()
        return self.problems


def check_all(gold_dir: Path, corpus_path: Path, seed_path: Path) -> tuple[list[str], list[int]]:
    """Check every gold file; return (problems, [files, actors, meetings, conflicts])."""
    articles = load_corpus(corpus_path)
    articles[SEED_ID] = load_seed(seed_path)
    problems: list[str] = []
    counts = [0, 0, 0, 0]
    files = sorted(gold_dir.glob("*.json"))
    if not files:
        problems.append(f"{gold_dir}: no gold files")
    for path in files:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(f"{path.name}: unreadable JSON: {exc}")
            continue
        article = articles.get(path.stem)
        if article is None:
            problems.append(f"{path.name}: no article with id {path.stem!r}")
            continue
        problems += FileChecker(path.name, doc, article).run()
        counts[0] += 1
        for k, key in enumerate(("actors", "meetings", "conflicts"), start=1):
            counts[k] += len(doc.get(key) or []) if isinstance(doc, dict) else 0
    return problems, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=EVAL_DIR / "gold")
    parser.add_argument("--corpus", type=Path, default=default_path(CORPUS_REL))
    parser.add_argument("--seed", type=Path, default=default_path(SEED_REL))
    args = parser.parse_args(argv)
    for path in (args.corpus, args.seed):
        if not path.is_file():
            print(f"missing input file: {path}")
            return 1
    problems, (n, a, m, c) = check_all(args.gold, args.corpus, args.seed)
    for line in problems:
        print(line)
    if problems:
        return 1
    print(f"gold OK: {n} files, {a} actors, {m} meetings, {c} conflicts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
