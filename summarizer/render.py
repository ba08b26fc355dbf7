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
    """Actor names for ids, comma-separated (the id itself if unknown)."""
    known = {a.id: a.name for a in summary.actors}
    return ", ".join(known.get(i, i) for i in ids)


STATUS_STYLES = {"held": "green", "ended": "green", "planned": "blue", "ongoing": "yellow", "cancelled": "dim",
                 "escalating": "bold red", "ceasefire": "cyan"}


def _when(date, date_text: str | None) -> str:
    """The resolved date, with the article's words when they differ."""
    if date and date_text and date_text != date.isoformat():
        return f"{date.isoformat()} ({date_text})"
    return date.isoformat() if date else date_text or ""


def _about(summary: ArticleSummary) -> str:
    """Article title, date and source from the provenance, as one line."""
    p = summary.provenance
    bits = [p.title or "", p.published.isoformat() if p.published else "", p.source or p.article_id or ""]
    return " · ".join(b for b in bits if b)


def _table(title: str, style: str, columns: Sequence[str]) -> Table:
    """A full-width table with a coloured title; counts right-aligned."""
    table = Table(title=Text(title, style=f"bold {style}"), title_justify="left", expand=True, header_style="bold")
    for col in columns:
        table.add_column(col, justify="right" if col in ("ev.", "killed", "injured") else "left",
                         no_wrap=col in ("id", "status", "country"))
    return table


def terminal(summary: ArticleSummary) -> Group:
    """Rich renderables: headline and summary panel, warnings, then actors, meetings, conflicts and provenance."""
    about = _about(summary)
    parts: list = [Panel(Text(summary.summary), title=Text(summary.headline, style="bold"), title_align="left",
                         subtitle=Text(about, style="dim") if about else None, subtitle_align="left")]
    if summary.provenance.warnings:
        parts.append(Panel(Text("\n".join(f"• {w}" for w in summary.provenance.warnings)),
                           title=Text(f"Warnings ({len(summary.provenance.warnings)})", style="bold yellow"),
                           title_align="left", border_style="yellow"))
    parts.append(_actors_table(summary))
    if summary.meetings:
        parts.append(_meetings_table(summary))
    if summary.conflicts:
        parts.append(_conflicts_table(summary))
    u = summary.provenance.usage
    parts.append(Text(
        f"{summary.provenance.model} · template {summary.provenance.template}@{summary.provenance.template_version} · "
        f"{u.prompt_tokens} prompt + {u.completion_tokens} completion tokens, {u.requests} requests, {u.reasks} re-asks"
        + (f" · {summary.provenance.seconds:.1f}s" if summary.provenance.seconds else ""),
        style="dim",
    ))
    return Group(*parts)


def _actors_table(summary: ArticleSummary) -> Table:
    """Actors: name with aliases, kind, office, country, number of evidence quotes."""
    table = _table(f"Actors ({len(summary.actors)})", "blue", ("id", "name", "kind", "title", "country", "ev."))
    for a in summary.actors:
        name = Text(a.name, style="bold")
        if a.aliases:
            name.append(f"\naka {', '.join(a.aliases)}", style="dim")
        table.add_row(a.id, name, a.kind.value.replace("_", " "), a.title or "", a.country or "", str(len(a.evidence)))
    return table


def _meetings_table(summary: ArticleSummary) -> Table:
    """Meetings: participants (host marked), place, date, status, mode, topics."""
    table = _table(f"Meetings ({len(summary.meetings)})", "dark_orange",
                   ("id", "participants", "where", "when", "status", "mode", "topics"))
    for m in summary.meetings:
        people = [f"{n} (host)" if i == m.host else n
                  for i, n in zip(m.participants, _names(summary, m.participants).split(", "), strict=False)]
        where = ", ".join(x for x in (m.location, m.country) if x)
        table.add_row(m.id, "\n".join(people), where, _when(m.date, m.date_text),
                      Text(m.status.value, style=STATUS_STYLES.get(m.status.value, "")),
                      m.mode.value.replace("_", " "), "; ".join(m.topics))
    return table


def _conflicts_table(summary: ArticleSummary) -> Table:
    """Conflicts: name, places, sides, status and one line per event."""
    table = _table(f"Conflicts ({len(summary.conflicts)})", "red", ("id", "name", "where", "sides", "status", "events"))
    for c in summary.conflicts:
        events = "\n".join(f"• {_event_line(e)}" for e in c.events)
        table.add_row(c.id, Text(c.name, style="bold"), ", ".join(c.locations), _names(summary, c.parties),
                      Text(c.status.value, style=STATUS_STYLES.get(c.status.value, "")), events)
    return table


def _event_line(e) -> str:
    """'air strike in eastern Libya late Friday 29 killed'."""
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
    """A table cell: no pipes or line breaks, no raw HTML."""
    return _md_text(text).replace("|", "\\|").replace("\n", " ")


def _md_text(text: str | None) -> str:
    """Text from the data, so that Markdown renderers show it and never run it as HTML."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markdown(summary: ArticleSummary) -> str:
    """A Markdown document: headline, summary, warnings, tables, every evidence quote with its offsets, provenance."""
    lines = [f"# {_md(summary.headline)}", ""]
    about = _about(summary)
    if about:
        lines += [f"_{_md(about)}_", ""]
    lines += [_md_text(summary.summary), ""]
    if summary.provenance.warnings:
        lines += ["> **Warnings**", ">"] + [f"> - {_md(w)}" for w in summary.provenance.warnings] + [""]
    lines += ["## Actors", "", "| id | name | kind | title | country | aliases |", "|---|---|---|---|---|---|"]
    lines += [
        f"| {a.id} | {_md(a.name)} | {a.kind.value} | {_md(a.title)} | {a.country or ''} | "
        f"{_md(', '.join(a.aliases))} |"
        for a in summary.actors
    ]
    if summary.meetings:
        lines += ["", "## Meetings", "", "| id | participants | host | where | when | status | mode | topics |",
                  "|---|---|---|---|---|---|---|---|"]
        for m in summary.meetings:
            where = ", ".join(x for x in (m.location, m.country) if x)
            lines.append(
                f"| {m.id} | {_md(_names(summary, m.participants))} | "
                f"{_md(_names(summary, [m.host]) if m.host else '')} | {_md(where)} | "
                f"{_md(_when(m.date, m.date_text))} | "
                f"{m.status.value} | {m.mode.value} | {_md('; '.join(m.topics))} |"
            )
    if summary.conflicts:
        lines += ["", "## Conflicts", "", "| id | name | where | sides | status | events |",
                  "|---|---|---|---|---|---|"]
        for c in summary.conflicts:
            lines.append(
                f"| {c.id} | {_md(c.name)} | {_md(', '.join(c.locations))} | {_md(_names(summary, c.parties))} | "
                f"{c.status.value} | {_md('; '.join(_event_line(e) for e in c.events))} |"
            )
    lines += ["", "## Evidence", ""] + _md_evidence(summary)
    p = summary.provenance
    lines += ["", f"_{_md(p.model)}, template {_md(p.template)}@{_md(p.template_version)}, schema {p.schema_version}, "
                  f"{p.usage.prompt_tokens}+{p.usage.completion_tokens} tokens_"]
    return "\n".join(lines) + "\n"


def _md_evidence(summary: ArticleSummary) -> list[str]:
    """Every item with all its quotes as block quotes, and where each stands in the article."""
    lines: list[str] = []
    items = [(f"meeting {m.id}: {_names(summary, m.participants)}", m.evidence) for m in summary.meetings]
    for c in summary.conflicts:
        items.append((f"conflict {c.id}: {c.name}", c.evidence))
        items += [(f"event in {c.id}: {_event_line(e)}", e.evidence) for e in c.events]
    items += [(f"actor {a.id}: {a.name}", a.evidence) for a in summary.actors]
    for label, evidence in items:
        lines.append(f"- **{_md(label)}**")
        for ev in evidence:
            where = f" <sub>chars {ev.start}–{ev.end}</sub>" if ev.start is not None else ""
            lines += ["", f"  > {_md(ev.quote)}{where}"]
        lines.append("")
    return lines


def _interval(bounds: tuple[float, float] | None) -> str:
    return f"{bounds[0]:.2f}–{bounds[1]:.2f}" if bounds else "-"


def eval_table(report) -> Table:
    """The evaluation report as a rich table: one row per article and the overall row, with the overall figures'
    95 % bootstrap intervals in the caption."""
    ranges = report.intervals()
    table = Table(title="Evaluation (relaxed matching)", title_justify="left", caption_justify="left",
                  caption="95 % intervals over articles (bootstrap): " + ", ".join(
                      f"{key.replace('mean_f1', 'mean F1')} {_interval(ranges.get(key))}"
                      for key in ("actors", "meetings", "conflicts", "mean_f1")))
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


def splits_table(reports: dict) -> Table:
    """Several evaluation reports side by side (dev and validation): one row per split, its overall scores."""
    table = Table(title="Splits side by side (relaxed matching)", title_justify="left")
    for col in ("split", "articles", "actors P/R/F1", "meetings P/R/F1", "conflicts P/R/F1", "mean F1",
                "95 % interval", "status acc", "verbatim", "median s"):
        table.add_column(col, justify="right" if col != "split" else "left")
    for name, report in reports.items():
        t = report.total()
        status = f"{t.status_right / t.status_total:.2f}" if t.status_total else "-"
        verbatim = f"{t.quotes_verbatim / t.quotes_total:.2f}" if t.quotes_total else "-"
        table.add_row(name, str(len(report.articles)), *(f"{c.precision:.2f}/{c.recall:.2f}/{c.f1:.2f}"
                                                          for c in (t.actors, t.meetings, t.conflicts)),
                      f"{t.mean_f1:.2f}", _interval(report.intervals().get("mean_f1")), status, verbatim,
                      f"{t.seconds:.0f}" if t.seconds is not None else "-")
    return table


def difference_line(split: str, diff) -> str:
    """One paired comparison (evaluate.paired_difference) as a sentence."""
    lo, hi = diff.interval
    return (f"{split}: this run's mean F1 minus the other's {diff.mean_f1:+.3f} over {diff.articles} articles, 95 % "
            f"interval {lo:+.3f} to {hi:+.3f}; higher on {diff.b_better:.0%} of resampled article sets")
