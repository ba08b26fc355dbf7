"""The documents of a report: summarized articles (:class:`Doc`) and the lines of a results file that gave
none (:class:`Problem`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..article import Article
from ..schema import ArticleSummary

Result = tuple[Article, ArticleSummary]

@dataclass
class Doc:
    """One summarized article of the report; ``index`` makes every key on the page unique."""

    index: int
    article: Article
    summary: ArticleSummary
    record_id: str | None = None

    @property
    def key(self) -> str:
        """'d0': the prefix of every page key of this document."""
        return f"d{self.index}"

    @property
    def anchor(self) -> str:
        """The HTML id of the article's section."""
        return f"art-{self.index}"

    @property
    def title(self) -> str:
        """The article's title, else the summary's."""
        return self.article.title or self.summary.provenance.title or self.summary.headline

    @property
    def published(self) -> dt.date | None:
        """The publication date from the article, else from the provenance."""
        return self.article.published or self.summary.provenance.published

    @property
    def ident(self) -> str:
        """A short name: the record id, the article id, or its number."""
        return self.record_id or self.article.id or self.summary.provenance.article_id or str(self.index + 1)

    def item_key(self, item_id: str) -> str:
        """The page key of an actor, meeting or conflict of this document: 'd0-a1'."""
        return f"{self.key}-{item_id}"


@dataclass
class Problem:
    """A batch line without a summary: an error record from the batch job, or a line that cannot be read."""

    line: int
    kind: str  # "error" (the batch job's error record) or "unreadable"
    reason: str
    message: str
    id: str | None = None
    source: str | None = None


@dataclass
class Batch:
    """What a results file holds: the summarized articles and the lines that produced none."""

    docs: list[Doc] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def unreadable(self) -> list[Problem]:
        """Lines that could not be read."""
        return [p for p in self.problems if p.kind == "unreadable"]

    @property
    def errors(self) -> list[Problem]:
        """The batch job's error records."""
        return [p for p in self.problems if p.kind == "error"]


def docs_from_results(results: Sequence[Result]) -> list[Doc]:
    """Docs from (Article, ArticleSummary) pairs, as the summarize command produces them."""
    return [Doc(i, article, summary) for i, (article, summary) in enumerate(results)]

