"""Reading articles safely and splitting them into numbered sentences with character offsets."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from dateutil import parser as dateparser
from sentencex import segment

from .errors import InputError

DEFAULT_MAX_CHARS = 60_000


@dataclass(frozen=True)
class Sentence:
    number: int
    start: int
    end: int
    text: str


@dataclass
class Article:
    """An article's text with what is known about it. Offsets everywhere refer to ``text``."""

    text: str
    id: str | None = None
    title: str | None = None
    published: dt.date | None = None
    source: str | None = None
    url: str | None = None

    @cached_property
    def sentences(self) -> list[Sentence]:
        return split_sentences(self.text)

    @cached_property
    def dateline(self) -> int:
        """Where the story's dateline ends (0 when it has none): see :func:`dateline_end`."""
        return dateline_end(self.text)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    def numbered(self, sentences: list[Sentence] | None = None) -> str:
        """The article (or some of its sentences) as the model sees it: one numbered sentence per line."""
        return "\n".join(f"[{s.number}] {s.text}" for s in (self.sentences if sentences is None else sentences))

    def chunks(self, max_chars: int, overlap: int = 2) -> list[list[Sentence]]:
        """Runs of whole sentences of at most ``max_chars`` (but never fewer than ``overlap`` + 1 sentences), each
        repeating the last ``overlap`` sentences of the one before so that a fact told across the cut is seen whole."""
        chunks: list[list[Sentence]] = []
        current: list[Sentence] = []
        size = 0
        for sentence in self.sentences:
            length = len(sentence.text) + 1
            if current and size + length > max_chars and len(current) > overlap:
                chunks.append(current)
                current = current[-overlap:] if overlap else []
                size = sum(len(s.text) + 1 for s in current)
            current.append(sentence)
            size += length
        if current and (not chunks or current[-1] is not chunks[-1][-1]):
            chunks.append(current)
        return chunks


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of each non-empty line (paragraph), so headings and captions stay on their own. sentencex
    splits (rule-based, ~0.2 ms an article where pysbd took ~30 ms); an opening quote it leaves at the end of a
    sentence ('... aggressor. "We') is moved to the sentence it opens."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        for found, piece in _pieces(line.group()):
            start = line.start() + found + len(piece) - len(piece.lstrip())
            end = line.start() + found + len(piece.rstrip())
            if end > start:
                spans.append((start, end))
    fixed: list[tuple[int, int]] = []
    for start, end in spans:
        quote = _OPENING_QUOTE.search(text, fixed[-1][0], fixed[-1][1]) if fixed else None
        if quote is not None:
            prev_start, prev_end = fixed[-1]
            cut = quote.start() + 1
            if (
                text[prev_end - 1] in '"“'
                and cut < prev_end
                and text[cut - 1].isspace()
                and "\n" not in text[prev_end:start]
            ):
                fixed[-1] = (prev_start, cut - 1)
                start = prev_end - 1
        fixed.append((start, end))
    sentences: list[Sentence] = []
    for start, end in fixed:
        start += len(text[start:end]) - len(text[start:end].lstrip())
        end -= len(text[start:end]) - len(text[start:end].rstrip())
        if end > start:
            sentences.append(Sentence(len(sentences) + 1, start, end, text[start:end]))
    return sentences


_OPENING_QUOTE = re.compile(r'\s["“]$')
#: A "sentence" this long is a quote that never closes, or opens with one kind of mark and closes with the other
#: ('"... a year.” Bennett'), which the splitter runs on to the end of the paragraph: it is split again with its
#: quotation marks set aside (one space for one mark: offsets stay).
RUN_ON_CHARS = 600
_QUOTE_MARKS = str.maketrans({'"': " ", "“": " ", "”": " "})


def _pieces(line: str) -> list[tuple[int, str]]:
    """sentencex's sentences of one line, with their offsets in it."""
    out: list[tuple[int, str]] = []
    at = 0
    for piece in segment("en", line):
        found = line.find(piece, at)
        if found < 0:
            continue
        at = found + len(piece)
        if len(piece) <= RUN_ON_CHARS:
            out.append((found, piece))
            continue
        bare = piece.translate(_QUOTE_MARKS)
        inner = 0
        for part in segment("en", bare):
            where = bare.find(part, inner)
            if where >= 0:
                inner = where + len(part)
                out.append((found + where, line[found + where: found + inner]))
    return out


def parse_date(value) -> dt.date | None:
    """A publication date from a date, datetime or string ('2025-03-13 21:46:06Z'); None if unparseable."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dateparser.parse(str(value)).date()
    except (ValueError, OverflowError):
        return None


def check_text(text: str, *, source: str, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    if not text.strip():
        raise InputError(f"{source}: the article is empty")
    if "\x00" in text:
        raise InputError(f"{source}: looks like a binary file, not an article")
    if len(text) > max_chars:
        raise InputError(
            f"{source}: the article is too long ({len(text):,} characters, limit {max_chars:,})",
            hint="raise --max-chars",
        )
    return text


def decode(data: bytes, *, source: str) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(f"{source}: looks like a binary file, not an article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{source}: not UTF-8 text (invalid byte at offset {err.start})") from None


# A wire story's dateline: the place it was filed from, in capitals, maybe with its region or country and the
# agency, then a dash and the first sentence ("MARANCHON, SPAIN — The", "ISLAMABAD/PENTAGON — A", "KYIV, Ukraine
# (AP) -- Russia", "WASHINGTON (Reuters) - The").
_DATELINE = re.compile(r"""\s*[A-Z][A-Z.'’/ -]+[A-Z.](?:,\s*[A-Z][\w.'’ -]*?)?(?:\s*\([\w .-]+\))?"""
                       r"""(?:\s*(?:[—–]|--)|(?<=\))\s-)\s*(?=[A-Z"“])""")


def dateline_end(text: str) -> int:
    """The offset where a dateline that opens ``text`` ends, or 0. A name in a dateline tells where the story was
    filed, not who acts in it."""
    match = _DATELINE.match(text)
    return match.end() if match else 0


def title_from_text(text: str) -> str | None:
    """A first line that reads like a headline: short, no final period, followed by a blank line."""
    match = re.match(r"\s*([^\n]{3,200})\n\s*\n", text)
    if match and not match.group(1).rstrip().endswith((".", ":", ";")):
        return match.group(1).strip()
    return None


def read_bytes(path: str | Path, *, max_bytes: int, hint: str | None = None) -> bytes:
    """A file's bytes, with one-line errors for a missing file, a folder, an oversize file or a read failure."""
    p, source = Path(path), str(path)
    if not p.exists():
        raise InputError(f"{source}: no such file")
    if p.is_dir():
        raise InputError(f"{source}: is a folder, not a file")
    size = p.stat().st_size
    if size > max_bytes:
        raise InputError(f"{source}: the file is too large ({size:,} bytes)", hint=hint)
    try:
        return p.read_bytes()
    except OSError as err:
        raise InputError(f"{source}: cannot read ({err.strerror})") from None


def read_text_file(path: str | Path, *, max_chars: int = DEFAULT_MAX_CHARS) -> Article:
    """Read one plain-text article (or '-' for stdin) with one-line errors for every bad input."""
    source = str(path)
    if source == "-":
        data = sys.stdin.buffer.read(max_chars * 4 + 1)
        name = "stdin"
    else:
        data = read_bytes(path, max_bytes=max_chars * 4, hint="raise --max-chars")
        name = Path(path).stem
    text = check_text(decode(data, source=source), source=source, max_chars=max_chars)
    article = Article(text=text, id=name, title=title_from_text(text), source=source)
    if source != "-":
        _apply_sidecar(article, Path(path))
    return article


def _apply_sidecar(article: Article, path: Path) -> None:
    """Metadata kept alongside an article as <stem>.meta.json: id, title, published, url."""
    meta_path = path.with_name(path.stem + ".meta.json")
    if not meta_path.is_file():
        return
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(f"{meta_path}: not valid JSON ({err})") from None
    if not isinstance(meta, dict):
        raise InputError(f"{meta_path}: must hold a JSON object")
    article.id = str(meta.get("id") or article.id)
    article.title = meta.get("title") or article.title
    article.published = parse_date(meta.get("published")) or article.published
    article.url = meta.get("url") or article.url


def from_record(record: dict, *, source: str, max_chars: int = DEFAULT_MAX_CHARS) -> Article:
    """An article from a JSON record with id, text and optional title, published, url."""
    if not isinstance(record, dict):
        raise InputError(f"{source}: a record must be a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        raise InputError(f"{source}: the record has no 'text' string")
    check_text(text, source=source, max_chars=max_chars)
    rid = record.get("id")
    return Article(
        text=text,
        id=str(rid) if rid is not None else None,
        title=record.get("title") or None,
        published=parse_date(record.get("published")),
        source=source,
        url=record.get("url"),
    )


def read_articles(path: str | Path, *, max_chars: int = DEFAULT_MAX_CHARS) -> list[Article]:
    """Articles from a .txt/.md file or a JSONL file of records (id, text, title, published, url)."""
    p = Path(path)
    if p.suffix != ".jsonl":
        return [read_text_file(p, max_chars=max_chars)]
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    articles = []
    for n, line in enumerate(decode(p.read_bytes(), source=str(p)).splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise InputError(f"{p}:{n}: malformed JSON line") from None
        articles.append(from_record(record, source=f"{p}:{n}", max_chars=max_chars))
    return articles
