"""Where articles come from: files, folders, globs, URLs and JSONL records, read into Articles.

- ``.txt`` / ``.md`` files are read by :func:`summarizer.article.read_text_file` (same checks and messages);
- ``.html`` / ``.htm`` files and web pages go through trafilatura, which finds the article's text, title and date;
- ``.jsonl`` files hold one record per line: ``id``, ``text`` and optional ``title``, ``published``, ``url``;
- folders are searched recursively for .txt, .md, .html and .htm files; globs (``news/**/*.html``) are expanded.

A batch never stops for one bad article: :func:`iter_items` yields an :class:`Item` carrying either the article
(or, for a URL, what is needed to fetch it) or the one-line error that explains why it cannot be read. Arguments
that name nothing at all (a missing path, a glob without a match) are errors of the whole command instead.
"""

from __future__ import annotations

import glob
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .article import Article, check_text, decode, from_record, parse_date, read_bytes, read_text_file, title_from_text
from .errors import InputError

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
FOLDER_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
MAX_HTML_BYTES = 10_000_000
FETCH_TIMEOUT = 30.0
USER_AGENT = "summarizer/0.1 (+https://pypi.org/project/summarizer)"
_URL = re.compile(r"^https?://", re.IGNORECASE)
_GLOB_CHARS = re.compile(r"[*?\[]")


class FetchError(InputError):
    """A web page cannot be fetched (unreachable, HTTP error, not HTML or text)."""


# --- one article ------------------------------------------------------------------------------------------------


def is_url(spec: str) -> bool:
    """True for http:// and https:// addresses."""
    return bool(_URL.match(spec))


def article_from_html(
    html: str | bytes, *, source: str, url: str | None = None, max_chars: int, id: str | None = None
) -> Article:
    """The article in an HTML page (text, title, date) through trafilatura; InputError if it holds none."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False, include_tables=False)
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not text:
        raise InputError(f"{source}: no article text found in the page")
    check_text(text, source=source, max_chars=max_chars)
    page_title, page_date = getattr(doc, "title", None), getattr(doc, "date", None)
    return Article(
        text=text, id=id, title=(page_title or None) or title_from_text(text), published=parse_date(page_date),
        source=source, url=url or getattr(doc, "url", None) or None,
    )


def read_html_file(path: str | Path, *, max_chars: int) -> Article:
    """One saved web page (.html/.htm) as an article; its id is the file name without the suffix."""
    p = Path(path)
    source = str(path)
    data = read_bytes(p, max_bytes=MAX_HTML_BYTES)
    if b"\x00" in data[:8192]:
        raise InputError(f"{source}: looks like a binary file, not an article")
    return article_from_html(data, source=source, max_chars=max_chars, id=p.stem)


def read_file(path: str | Path, *, max_chars: int) -> Article:
    """A .txt/.md/.html/.htm file (or '-' for stdin) as an article, by its suffix."""
    if str(path) != "-" and Path(path).suffix.lower() in HTML_SUFFIXES:
        return read_html_file(path, max_chars=max_chars)
    return read_text_file(path, max_chars=max_chars)


def _page_to_article(url: str, status: int, content_type: str, body: bytes, *, max_chars: int) -> Article:
    """The article in a fetched page: HTML through trafilatura, plain text as it is."""
    if status >= 400:
        raise FetchError(f"{url}: the server answered HTTP {status}")
    kind = content_type.split(";")[0].strip().lower()
    if kind == "text/plain":
        text = check_text(decode(body, source=url), source=url, max_chars=max_chars)
        return Article(text=text, id=url, title=title_from_text(text), source=url, url=url)
    if kind and kind not in ("text/html", "application/xhtml+xml"):
        raise FetchError(f"{url}: not a web page or text ({kind})")
    return article_from_html(body, source=url, url=url, max_chars=max_chars, id=url)


def _fetch_failed(url: str, err: Exception) -> FetchError:
    import httpx2

    if isinstance(err, httpx2.TimeoutException):
        return FetchError(f"{url}: no answer in time")
    return FetchError(
        f"{url}: cannot fetch ({type(err).__name__}: {str(err).splitlines()[0] if str(err) else 'failed'})"
    )


def fetch_url(url: str, *, max_chars: int, timeout: float = FETCH_TIMEOUT) -> Article:
    """Fetch one web page and extract its article (for `summarize URL`)."""
    import httpx2

    try:
        with httpx2.Client(follow_redirects=True, timeout=timeout, headers={"user-agent": USER_AGENT}) as client:
            with client.stream("GET", url) as response:
                body = _read_capped(response.iter_bytes(), url)
                return _page_to_article(
                    url, response.status_code, response.headers.get("content-type", ""), body, max_chars=max_chars
                )
    except InputError:
        raise
    except Exception as err:  # noqa: BLE001 - every transport failure becomes one line
        raise _fetch_failed(url, err) from None


async def afetch_url(url: str, client, *, max_chars: int) -> Article:
    """Fetch one web page with an httpx2.AsyncClient and extract its article (for the batch)."""
    try:
        async with client.stream("GET", url) as response:
            chunks = [chunk async for chunk in _acapped(response.aiter_bytes(), url)]
            body = b"".join(chunks)
            return _page_to_article(
                url, response.status_code, response.headers.get("content-type", ""), body, max_chars=max_chars
            )
    except InputError:
        raise
    except Exception as err:  # noqa: BLE001
        raise _fetch_failed(url, err) from None


def _read_capped(chunks: Iterable[bytes], url: str) -> bytes:
    out, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_HTML_BYTES:
            raise FetchError(f"{url}: the page is too large (over {MAX_HTML_BYTES:,} bytes)")
        out.append(chunk)
    return b"".join(out)


async def _acapped(chunks, url: str):
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > MAX_HTML_BYTES:
            raise FetchError(f"{url}: the page is too large (over {MAX_HTML_BYTES:,} bytes)")
        yield chunk


def read_one(spec: str, *, max_chars: int) -> Article:
    """One article from a file path, '-' (stdin) or a URL: what `summarize` accepts."""
    if is_url(spec):
        return fetch_url(spec, max_chars=max_chars)
    return read_file(spec, max_chars=max_chars)


# --- many articles ----------------------------------------------------------------------------------------------


@dataclass
class Item:
    """One unit of batch work: an article, a URL still to fetch, or the reason it cannot be read."""

    id: str
    source: str
    article: Article | None = None
    url: str | None = None
    error: InputError | None = None

    @property
    def reason(self) -> str | None:
        """'fetch' or 'input' when the item is an error, else None."""
        if self.error is None:
            return None
        return "fetch" if isinstance(self.error, FetchError) else "input"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form (to ship the item to another process, e.g. a Ray worker)."""
        a = self.article
        return {
            "id": self.id, "source": self.source, "url": self.url,
            "error": [self.reason, self.error.one_line()] if self.error else None,
            "article": None if a is None else {
                "text": a.text, "id": a.id, "title": a.title,
                "published": a.published.isoformat() if a.published else None, "source": a.source, "url": a.url,
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Item:
        """The inverse of :meth:`to_dict`."""
        error = None
        if data.get("error"):
            reason, message = data["error"]
            error = (FetchError if reason == "fetch" else InputError)(message)
        a = data.get("article")
        article = None if a is None else Article(
            text=a["text"], id=a["id"], title=a["title"], published=parse_date(a["published"]), source=a["source"],
            url=a["url"],
        )
        return cls(id=data["id"], source=data["source"], article=article, url=data.get("url"), error=error)


def expand(specs: Iterable[str | Path]) -> list[str]:
    """Every file and URL named by the arguments, in order: folders searched, globs expanded (sorted).

    A missing path or a glob without a match is an InputError: the command was given a wrong name.
    """
    out: list[str] = []
    for spec in map(str, specs):
        if is_url(spec):
            out.append(spec)
            continue
        path = Path(spec).expanduser()
        if path.is_dir():
            out.extend(_folder(path))
        elif path.exists():
            out.append(str(path))
        elif _GLOB_CHARS.search(spec):
            matches = sorted(glob.glob(str(path), recursive=True))
            if not matches:
                raise InputError(f"{spec}: no file matches")
            for match in matches:
                out.extend(_folder(Path(match)) if Path(match).is_dir() else [match])
        else:
            raise InputError(f"{spec}: no such file or folder")
    return out


def _folder(path: Path) -> list[str]:
    """Article files under a folder, recursively, in sorted order (.meta.json sidecars are not articles)."""
    files = [p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES]
    if not files:
        log.warning("%s: no .txt, .md or .html files in this folder", path)
    return [str(p) for p in sorted(files)]


def count(sources: Iterable[str]) -> int:
    """How many items the sources hold (JSONL: non-blank lines), without parsing them."""
    total = 0
    for source in sources:
        if not is_url(source) and source.lower().endswith(".jsonl"):
            try:
                with open(source, "rb") as fh:
                    total += sum(1 for line in fh if line.strip())
            except OSError:
                total += 1
        else:
            total += 1
    return total


def iter_items(sources: Iterable[str], *, max_chars: int) -> Iterator[Item]:
    """The items of every source, lazily, with unique ids."""
    return unique_ids(item for source in sources for item in _items_of(source, max_chars=max_chars))


def items_from(values: Iterable[Any], *, max_chars: int) -> Iterator[Item]:
    """Items from Python values: Articles, dict records, or path/URL strings (expanded like the command line)."""
    return unique_ids(
        item for n, value in enumerate(values, 1) for item in _items_of_value(value, n, max_chars=max_chars)
    )


def unique_ids(items: Iterable[Item]) -> Iterator[Item]:
    """Items with unique ids: a repeat of an earlier article (same id, same text) is dropped; another item with
    an id seen before is renamed to its source, which is unique. Both are logged."""
    seen: dict[str, str | None] = {}
    for item in items:
        digest = item.article.sha256 if item.article is not None else None
        if item.id in seen:
            if digest is not None and seen[item.id] == digest:
                log.info("%s: the same article as id %r given before; skipped", item.source, item.id)
                continue
            log.warning("%s: id %r is used more than once; this one is kept as %r", item.source, item.id, item.source)
            item.id = item.source
            if item.article is not None:
                item.article.id = item.source
        seen[item.id] = digest
        yield item


def _items_of_value(value: Any, n: int, *, max_chars: int) -> Iterable[Item]:
    if isinstance(value, Article):
        return [_article_item(value, fallback=f"article-{n}", max_chars=max_chars)]
    if isinstance(value, dict):
        return [_record_item(value, source=f"record {n}", fallback=f"record-{n}", max_chars=max_chars)]
    if isinstance(value, (str, Path)):
        return (item for source in expand([value]) for item in _items_of(source, max_chars=max_chars))
    raise InputError(f"input {n}: expected a path, URL, Article or dict, got {type(value).__name__}")


def _article_item(article: Article, *, fallback: str, max_chars: int) -> Item:
    aid = article.id or fallback
    source = article.source or aid
    try:
        check_text(article.text, source=source, max_chars=max_chars)
    except InputError as err:
        return Item(id=aid, source=source, error=err)
    article.id = aid
    return Item(id=aid, source=source, article=article)


def _items_of(source: str, *, max_chars: int) -> Iterator[Item]:
    if is_url(source):
        yield Item(id=source, source=source, url=source)
    elif source.lower().endswith(".jsonl"):
        yield from _jsonl_items(source, max_chars=max_chars)
    else:
        fallback = Path(source).stem
        try:
            article = read_file(source, max_chars=max_chars)
        except InputError as err:
            yield Item(id=fallback, source=source, error=err)
            return
        yield Item(id=article.id or fallback, source=source, article=article)


def _jsonl_items(path: str, *, max_chars: int) -> Iterator[Item]:
    """One item per non-blank line; a malformed line or record is an error item, not the end of the file."""
    stem = Path(path).stem
    try:
        fh = open(path, "rb")
    except OSError as err:
        yield Item(id=stem, source=path, error=InputError(f"{path}: cannot read ({err.strerror})"))
        return
    with fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            source = f"{path}:{n}"
            try:
                record = json.loads(decode(raw, source=source))
            except InputError as err:
                yield Item(id=f"{stem}:{n}", source=source, error=err)
                continue
            except ValueError:
                yield Item(id=f"{stem}:{n}", source=source, error=InputError(f"{source}: malformed JSON line"))
                continue
            yield _record_item(record, source=source, fallback=f"{stem}:{n}", max_chars=max_chars)


def _record_item(record: Any, *, source: str, fallback: str, max_chars: int) -> Item:
    rid = record.get("id") if isinstance(record, dict) else None
    item_id = str(rid) if rid not in (None, "") else fallback
    try:
        article = from_record(record, source=source, max_chars=max_chars)
    except InputError as err:
        return Item(id=item_id, source=source, error=err)
    article.id = item_id
    return Item(id=item_id, source=source, article=article)
