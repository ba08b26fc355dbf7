"""Self-contained HTML reports: evidence highlighted in the article text, linked both ways to the actors, meetings
and conflicts it supports; for several articles, an actor index merged across articles, a who-met-whom network
(inline SVG laid out here with networkx) and a timeline of meetings and conflict events.

One HTML file, nothing fetched from a network: CSS and JS are inlined from ``templates/``. Every string from the
data is escaped: Jinja2 autoescapes, the highlighted text is built from escaped segments and our own ``<mark>``
tags, JSON inside ``<script>`` has ``<``, ``>`` and ``&`` escaped, only http(s) URLs become links, and a
Content-Security-Policy allows no script but ours (by hash) and no network request at all.

The modules, by job: ``docs`` (the documents), ``loading`` (batch results, :mod:`summarizer.records`),
``highlight`` (evidence spans in the text), ``labels``, ``views`` (one article; the actor index; actors across
articles are merged by :mod:`summarizer.entities`, the rule the data export shares), ``graph`` (who met whom and
its layout), ``timeline`` and ``page`` (the HTML file).
"""

from ..entities import MergedActor, count_mentions, merge_actors
from ..names import norm_name
from .docs import Batch, Doc, Problem, Result, docs_from_results
from .graph import KIND_COLOURS, meeting_graph, network_view
from .highlight import TYPES, Span, doc_items, doc_spans, event_key, highlight, locate
from .labels import actor_names, event_label, item_label, meeting_label, safe_url, when
from .loading import load_results
from .page import article_report, batch_report, render_page, script_json
from .timeline import timeline
from .views import actor_index, article_view

__all__ = [
    "KIND_COLOURS",
    "TYPES",
    "Batch",
    "Doc",
    "MergedActor",
    "Problem",
    "Result",
    "Span",
    "actor_index",
    "actor_names",
    "article_report",
    "article_view",
    "batch_report",
    "count_mentions",
    "doc_items",
    "doc_spans",
    "docs_from_results",
    "event_key",
    "event_label",
    "highlight",
    "item_label",
    "load_results",
    "locate",
    "meeting_graph",
    "meeting_label",
    "merge_actors",
    "network_view",
    "norm_name",
    "render_page",
    "safe_url",
    "script_json",
    "timeline",
    "when",
]
