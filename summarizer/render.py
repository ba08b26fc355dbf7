"""Human-readable output: rich panels and tables for the terminal, Markdown, and the evaluation table."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .article import Article
from .schema import ArticleSummary

Result = tuple[Article, ArticleSummary]


def render(results: Sequence[Result], fmt: str, *, color: bool = False) -> str:
    """Render summaries as 'text' (rich), 'json', 'markdown' or 'html'."""
    if fmt == "json":
        docs = [s.model_dump(mode="json") for _, s in results]
        return json.dumps(docs[0] if len(docs) == 1 else docs, indent=2, ensure_ascii=False)
    if fmt == "markdown":
        return "\n\n---\n\n".join(markdown(s) for _, s in results)
    if fmt == "html":
        from .report import article_report

        return article_report(results)
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=110)
    for _, summary in results:
        console.print(terminal(summary))
    return buffer.getvalue()


def _names(summary: ArticleSummary, ids: Sequence[str]) -> str:
    known = {a.id: a.name for a in summary.actors}
    return ", ".join(known.get(i, i) for i in ids)


def terminal(summary: ArticleSummary) -> Group:
    """Rich renderables: headline and summary panel, then actors, meetings, conflicts, warnings."""
    parts: list = [Panel(Text(summary.summary), title=Text(summary.headline, style="bold"), title_align="left")]
    actors = Table(title="Actors", title_justify="left", expand=True)
    for col in ("id", "name", "kind", "title", "country", "aliases"):
        actors.add_column(col)
    for a in summary.actors:
        actors.add_row(a.id, a.name, a.kind.value, a.title or "", a.country or "", ", ".join(a.aliases))
    parts.append(actors)
    if summary.meetings:
        table = Table(title="Meetings", title_justify="left", expand=True)
        for col in ("participants", "host", "where", "when", "status", "mode", "topics"):
            table.add_column(col)
        for m in summary.meetings:
            when = m.date.isoformat() if m.date else m.date_text or ""
            table.add_row(_names(summary, m.participants), _names(summary, [m.host]) if m.host else "", m.location or "",
                          when, m.status.value, m.mode.value, ", ".join(m.topics))
        parts.append(table)
    if summary.conflicts:
        table = Table(title="Conflicts", title_justify="left", expand=True)
        for col in ("name", "where", "sides", "status", "events"):
            table.add_column(col)
        for c in summary.conflicts:
            events = "; ".join(_event_line(e) for e in c.events)
            table.add_row(c.name, ", ".join(c.locations), _names(summary, c.parties), c.status.value, events)
        parts.append(table)
    if summary.provenance.warnings:
        parts.append(Panel(Text("\n".join(summary.provenance.warnings)), title="Warnings", border_style="yellow"))
    u = summary.provenance.usage
    parts.append(Text(
        f"{summary.provenance.model} · template {summary.provenance.template}@{summary.provenance.template_version} · "
        f"{u.prompt_tokens} prompt + {u.completion_tokens} completion tokens, {u.requests} requests, {u.reasks} re-asks"
        + (f" · {summary.provenance.seconds:.1f}s" if summary.provenance.seconds else ""),
        style="dim",
    ))
    return Group(*parts)


def _event_line(e) -> str:
    bits = [e.type.value.replace("_", " ")]
    if e.location:
        bits.append(f"in {e.location}")
    if e.date or e.date_text:
        bits.append(e.date.isoformat() if e.date else e.date_text)
    if e.killed is not None:
        bits.append(f"{e.killed} killed")
    if e.injured is not None:
        bits.append(f"{e.injured} injured")
    return " ".join(bits)


def _md(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def markdown(summary: ArticleSummary) -> str:
    """A Markdown document: headline, summary, tables, evidence quotes, provenance."""
    lines = [f"# {_md(summary.headline)}", "", summary.summary, "", "## Actors", "",
             "| id | name | kind | title | country | aliases |", "|---|---|---|---|---|---|"]
    lines += [f"| {a.id} | {_md(a.name)} | {a.kind.value} | {_md(a.title)} | {a.country or ''} | {_md(', '.join(a.aliases))} |"
              for a in summary.actors]
    if summary.meetings:
        lines += ["", "## Meetings", "", "| participants | host | where | when | status | mode | topics |",
                  "|---|---|---|---|---|---|---|"]
        for m in summary.meetings:
            when = m.date.isoformat() if m.date else m.date_text or ""
            lines.append(f"| {_md(_names(summary, m.participants))} | {_md(_names(summary, [m.host]) if m.host else '')} | "
                         f"{_md(m.location)} | {_md(when)} | {m.status.value} | {m.mode.value} | {_md(', '.join(m.topics))} |")
    if summary.conflicts:
        lines += ["", "## Conflicts", "", "| name | where | sides | status | events |", "|---|---|---|---|---|"]
        for c in summary.conflicts:
            lines.append(f"| {_md(c.name)} | {_md(', '.join(c.locations))} | {_md(_names(summary, c.parties))} | "
                         f"{c.status.value} | {_md('; '.join(_event_line(e) for e in c.events))} |")
    lines += ["", "## Evidence", ""]
    for item in [*summary.meetings, *summary.conflicts, *summary.actors]:
        label = getattr(item, "name", None) or f"meeting {item.id}"
        for ev in item.evidence[:1]:
            lines.append(f"- **{_md(label)}** ({item.id}): > {_md(ev.quote)}")
    if summary.provenance.warnings:
        lines += ["", "## Warnings", ""] + [f"- {_md(w)}" for w in summary.provenance.warnings]
    p = summary.provenance
    lines += ["", f"_{p.model}, template {p.template}@{p.template_version}, schema {p.schema_version}, "
                  f"{p.usage.prompt_tokens}+{p.usage.completion_tokens} tokens_"]
    return "\n".join(lines) + "\n"


def eval_table(report) -> Table:
    """The evaluation report as a rich table: one row per article and the overall row."""
    table = Table(title="Evaluation (relaxed matching)", title_justify="left")
    for col in ("article", "actors P/R/F1", "meetings P/R/F1", "conflicts P/R/F1", "mean F1", "status acc",
                "verbatim", "seconds"):
        table.add_column(col, justify="right" if col != "article" else "left")

    def prf(c) -> str:
        return f"{c.precision:.2f}/{c.recall:.2f}/{c.f1:.2f}"

    def row(a, style=None) -> None:
        status = f"{a.status_right / a.status_total:.2f}" if a.status_total else "-"
        verbatim = f"{a.quotes_verbatim / a.quotes_total:.2f}" if a.quotes_total else "-"
        secs = f"{a.seconds:.0f}" if a.seconds is not None else "-"
        table.add_row(a.id, prf(a.actors), prf(a.meetings), prf(a.conflicts), f"{a.mean_f1:.2f}", status, verbatim,
                      secs, style=style)

    for a in report.articles:
        row(a)
    row(report.total(), style="bold")
    return table
