"""Terminal (rich) and Markdown output of summaries built from real articles."""

from __future__ import annotations

import re

from summarizer.render import markdown, render

from .test_report import make_summary
from .test_report_data import gold_result, seed_article


def test_markdown_has_tables_and_every_quote_with_offsets():
    article, summary = gold_result("lavrov-cairo", warnings=["meeting m9 dropped: no participant in the text"])
    md = markdown(summary)
    assert md.startswith("# Russian ministers in Egypt") and "| a1 | Sergei Lavrov | person |" in md
    assert "## Meetings" in md and "## Conflicts" in md and "## Evidence" in md
    assert "> - meeting m9 dropped: no participant in the text" in md.split("## Actors")[0]
    for ev in summary.evidence():
        assert f"  > {ev.quote.replace('|', chr(92) + '|')} <sub>chars {ev.start}–{ev.end}</sub>" in md


def test_markdown_never_passes_html_through():
    article = seed_article("lavrov-cairo")
    summary = make_summary(article, headline="<script>alert(1)</script> | pipes",
                           actors=[("a1", "<img src=x onerror=alert(2)>", [], "person", None, "Sergei Lavrov")])
    md = markdown(summary)
    assert "<script" not in md and "<img" not in md
    assert md.startswith("# &lt;script&gt;alert(1)&lt;/script&gt; \\| pipes")


def test_terminal_plain_without_a_tty_and_coloured_with_one():
    result = [gold_result("lavrov-cairo", warnings=["a dropped meeting"])]
    plain = render(result, "text", color=False)
    assert "\x1b[" not in plain
    assert re.search(r"Warnings \(1\)", plain) and "a dropped meeting" in plain
    assert "Actors (14)" in plain and "Meetings (3)" in plain and "Conflicts (3)" in plain
    assert "Sameh Shoukry (host)" in plain and "• shooting in" in plain and "• air strike in" in plain
    assert "\x1b[" in render(result, "text", color=True)
