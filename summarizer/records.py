"""The one format of a batch results line (JSONL): the batch job writes it, resume and the report read it.

One record per article, one line each::

    {"id": ..., "source": ..., "ok": true, "summary": {ArticleSummary},
     "article": {"title", "published", "url", "text"}}
    {"id": ..., "source": ..., "ok": false, "error": {"reason": "input"|"fetch"|"llm"|"invalid_output"|"budget"|"error",
                                                       "message": one line}}

The keys come in this order, so a reader can tell a line's id and success from its start (:func:`id_and_ok`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from .article import Article, parse_date
from .schema import ArticleSummary


def dumps(value: Any) -> str:
    """Compact JSON, non-ASCII kept as is (the form of every record line)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# --- writing -----------------------------------------------------------------------------------------------------


def ok_line(record_id: str, source: str | None, article: Article, summary_json: str) -> str:
    """The record of a summarized article, serialized (the summary is already JSON text)."""
    meta = {
        "title": article.title, "published": article.published.isoformat() if article.published else None,
        "url": article.url, "text": article.text,
    }
    return (f'{{"id":{dumps(record_id)},"source":{dumps(source)},"ok":true,'
            f'"summary":{summary_json},"article":{dumps(meta)}}}')


def error_line(record_id: str, source: str | None, reason: str, message: str) -> str:
    """The record of an article that was not summarized."""
    return dumps({"id": record_id, "source": source, "ok": False, "error": {"reason": reason, "message": message}})


# --- reading -----------------------------------------------------------------------------------------------------


_PREFIX = re.compile(rb'^\{"id":("(?:[^"\\]|\\.)*"),"source":"(?:[^"\\]|\\.)*","ok":(true|false)')


def id_and_ok(raw: bytes) -> tuple[str | None, bool]:
    """The id and success of one stored record line; (None, False) for a line that is not a record. Lines this
    module wrote are read from their start; others are parsed whole."""
    match = _PREFIX.match(raw)
    if match:
        return json.loads(match.group(1)), match.group(2) == b"true"
    try:
        record = json.loads(raw)
    except ValueError:
        return None, False
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        return None, False
    return record["id"], record.get("ok") is True and isinstance(record.get("summary"), dict)


class Unreadable(Exception):
    """A results line that is not a usable record; the message names what is wrong."""

    def __init__(self, reason: str, message: str, record_id: str | None = None):
        super().__init__(message)
        self.reason = reason
        self.record_id = record_id


def parse_line(line: str) -> dict:
    """A line as a JSON object."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise Unreadable("malformed_json", f"not valid JSON ({err.msg} at column {err.colno})") from None
    if not isinstance(record, dict):
        raise Unreadable("not_a_record", f"expected a JSON object, got {type(record).__name__}")
    return record


def record_id(record: dict) -> str | None:
    """The record's id as text, if it has one."""
    return str(record["id"]) if record.get("id") is not None else None


def record_source(record: dict) -> str | None:
    """The record's source as text, if it has one."""
    return str(record["source"]) if record.get("source") is not None else None


def record_ok(record: dict, rid: str | None = None) -> bool:
    """Is this a success record (True) or an error record (False)? Unreadable without a boolean 'ok'."""
    ok = record.get("ok")
    if ok is True or ok is False:
        return ok
    raise Unreadable("not_a_record", "the record has no boolean 'ok'", rid)


def record_error(record: dict) -> tuple[str, str]:
    """The reason and message of an error record ('unknown' and '' where they are missing)."""
    error = record.get("error")
    if not isinstance(error, dict):
        error = {}
    return str(error.get("reason") or "unknown"), str(error.get("message") or "")


def record_article(record: dict, rid: str | None, source: str | None) -> Article:
    """The article of a success record."""
    data = record.get("article")
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise Unreadable("no_article", "the record has no 'article' with a 'text' string", rid)
    title = data.get("title")
    url = data.get("url")
    return Article(
        text=data["text"], id=rid, title=str(title) if title else None, published=parse_date(data.get("published")),
        source=source, url=str(url) if url else None,
    )


def record_summary(record: dict, rid: str | None) -> ArticleSummary:
    """The summary of a success record, validated."""
    data = record.get("summary")
    if not isinstance(data, dict):
        raise Unreadable("no_summary", "the record has no 'summary' object", rid)
    try:
        return ArticleSummary.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "summary"
        raise Unreadable("invalid_summary", f"the summary does not validate ({err.error_count()} errors; "
                                            f"{where}: {first['msg']})", rid) from None
