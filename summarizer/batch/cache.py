"""The persistent summary cache: summaries already made, keyed by what determines them.

Summaries are kept in ``<cache_dir>/summaries`` (diskcache) under the sha256 of the article text with its title and
date, the model, the template name and version, the schema version and the pipeline version (the code and rules
that turn the model's answers into a summary); ``refresh`` ignores it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import version
from ..article import Article
from ..config import cache_dir
from ..records import dumps
from ..schema import SCHEMA_VERSION

CACHE_SIZE_LIMIT = 4 * 2**30


def cache_key(article: Article, *, model: str, template: str, template_version: str,
              schema_version: str = SCHEMA_VERSION, pipeline_version: str | None = None) -> str:
    """The cache key: the article text's sha256 (with title and date, which the prompt shows), the model, the
    template name and version, the schema version and the pipeline version (a change to the rules that turn an
    answer into a summary must not serve summaries the old rules made; by default
    :data:`summarizer.version.PIPELINE_VERSION`)."""
    parts = {
        "text": article.sha256, "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "model": model, "template": template, "template_version": template_version, "schema_version": schema_version,
        "pipeline_version": pipeline_version or version.PIPELINE_VERSION,
    }
    return hashlib.sha256(dumps(parts).encode()).hexdigest()


class ResultCache:
    """Summaries already made, on disk, shared by every run and process of this user (diskcache, SQLite)."""

    def __init__(self, directory: str | Path | None = None):
        import diskcache

        self.directory = Path(directory) if directory else cache_dir() / "summaries"
        self._cache = diskcache.Cache(str(self.directory), size_limit=CACHE_SIZE_LIMIT)

    def get(self, key: str) -> str | None:
        """The summary JSON stored under key, or None."""
        value = self._cache.get(key)
        return value if isinstance(value, str) else None

    def put(self, key: str, summary_json: str) -> None:
        self._cache.set(key, summary_json)

    def close(self) -> None:
        self._cache.close()


def relabel(summary_json: str, article: Article) -> str:
    """A cached summary with this article's id and source (the same text may come under another id)."""
    doc = json.loads(summary_json)
    prov = doc.get("provenance", {})
    if prov.get("article_id") == article.id and prov.get("source") == article.source:
        return summary_json
    prov["article_id"], prov["source"] = article.id, article.source
    return dumps(doc)

