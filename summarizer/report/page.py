"""The page: one self-contained HTML file (CSS and JS inlined from ``templates/``, nothing fetched)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from ..entities import MergedActor, merge_actors
from .docs import Batch, Doc, Problem, Result, docs_from_results
from .graph import KIND_COLOURS, network_view
from .highlight import doc_items
from .labels import item_label
from .loading import load_results
from .timeline import timeline
from .views import actor_index, article_view


def _env() -> Environment:
    """Templates from the package, autoescaped (every one of them)."""
    env = Environment(loader=PackageLoader("summarizer", "templates"), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["kind"] = lambda v: str(v).replace("_", " ")
    env.filters["count"] = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"
    return env


def _asset(env: Environment, name: str) -> str:
    """A CSS or JS file inlined as is (not parsed as a template)."""
    assert env.loader is not None  # _env() gives every environment its loader
    return env.loader.get_source(env, name)[0]


def script_json(data: object) -> Markup:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' (so no '</script>' or '<!--')."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for ch, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                     ("\u2029", "\\u2029")):
        text = text.replace(ch, code)
    return Markup(text)


def _labels(docs: Sequence[Doc], merged: Sequence[MergedActor]) -> dict[str, dict]:
    """Key -> label and type, for the selection bar."""
    labels: dict[str, dict[str, str | None]] = {
        key: {"label": item_label(d, kind, item), "type": kind, "article": d.title}
        for d in docs for key, kind, item in doc_items(d)
    }
    for m in merged:
        labels[m.key] = {"label": f"Actor: {m.name} ({len(m.docs)} article(s), {m.mentions} mentions)",
                         "type": "actor", "article": None}
    return labels


def render_page(docs: Sequence[Doc], problems: Sequence[Problem] = (), *, title: str | None = None) -> str:
    """The whole report: cross-article views when there are several articles, then each article, then problems."""
    env = _env()
    js = _asset(env, "report.js")
    several = len(docs) > 1
    merged = merge_actors(docs) if several else []
    groups, undated = timeline(docs) if several else ([], [])
    network = network_view(docs, merged) if several else None
    page_title = title or (docs[0].title if len(docs) == 1 else f"Summaries of {len(docs)} articles")
    totals = {"articles": len(docs), "actors": len(merged) if several else sum(len(d.summary.actors) for d in docs),
              "meetings": sum(len(d.summary.meetings) for d in docs),
              "conflicts": sum(len(d.summary.conflicts) for d in docs),
              "events": sum(len(c.events) for d in docs for c in d.summary.conflicts),
              "problems": len(problems)}
    return env.get_template("report.html").render(
        title=page_title, several=several, articles=[article_view(d) for d in docs], index=actor_index(merged),
        network=network, timeline=groups, undated=undated, problems=list(problems), totals=totals,
        css=Markup(_asset(env, "report.css")), js=Markup(js), data=script_json(_labels(docs, merged)),
        script_hash=base64.b64encode(hashlib.sha256(js.encode()).digest()).decode(),
        kind_colours=KIND_COLOURS, generated=dt.date.today().isoformat(),
    )


def article_report(results: Sequence[Result]) -> str:
    """The HTML report of summaries made by ``summarize --format html``: one or several articles."""
    return render_page(docs_from_results(results))


def batch_report(path: str | Path, *, strict: bool = False, title: str | None = None) -> tuple[str, Batch]:
    """The HTML report of a batch results file, and what was read from it."""
    batch = load_results(path, strict=strict)
    return render_page(batch.docs, batch.problems, title=title or f"Report of {Path(path).name}"), batch
