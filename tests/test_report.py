"""The HTML report: escaping, evidence highlighting, the cross-article actor merge, network, timeline, batch input
and the `report` command. Fixtures are real ArticleSummary objects built from real article texts."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import re
from html.parser import HTMLParser
from importlib import resources

import pytest
from typer.testing import CliRunner

from summarizer.article import Article
from summarizer.cli import app
from summarizer.errors import InputError
from summarizer.render import render
from summarizer.report import (
    Doc,
    Span,
    article_report,
    batch_report,
    docs_from_results,
    highlight,
    load_results,
    meeting_graph,
    merge_actors,
    network_view,
    render_page,
    safe_url,
    script_json,
    timeline,
)
from summarizer.schema import ArticleSummary, Evidence

from .test_report_data import BATCH_IDS, batch_record, evidence, gold_result, seed_article, write_batch


def make_summary(article: Article, actors=(), meetings=(), conflicts=(), headline: str | None = None,
                 warnings=()) -> ArticleSummary:
    """A summary of a real article. actors: (id, name, aliases, kind, country, quote); meetings: (participants,
    status, date, quote); conflicts: (name, parties, quote, events as (type, date, quote))."""
    text = article.text
    return ArticleSummary.model_validate({
        "headline": headline or article.title or "untitled", "summary": "A test summary.",
        "actors": [{"id": i, "name": n, "aliases": list(al), "kind": k, "country": c, "evidence": [evidence(text, q)]}
                   for i, n, al, k, c, q in actors],
        "meetings": [{"id": f"m{n}", "participants": p, "status": st, "date": d, "evidence": [evidence(text, q)]}
                     for n, (p, st, d, q) in enumerate(meetings, 1)],
        "conflicts": [{"id": f"c{n}", "name": name, "parties": parties, "evidence": [evidence(text, q)],
                       "events": [{"type": t, "date": d, "evidence": [evidence(text, eq)]} for t, d, eq in events]}
                      for n, (name, parties, q, events) in enumerate(conflicts, 1)],
        "provenance": {"model": "test", "template": "test", "template_version": "1", "warnings": list(warnings)},
    }, context={"article": text})


class Tags(HTMLParser):
    """Every start tag (name, attrs) and all text data, as a browser's tokenizer sees them."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.data: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.data).append(data)

    def named(self, name: str) -> list[dict]:
        return [a for t, a in self.tags if t == name]


# --- escaping ----------------------------------------------------------------------------------------------------

HOSTILE = ('Officials met in Cairo.\n<script>alert(1)</script> Then <img src=x onerror="alert(2)"> appeared, '
           'and <a href="javascript:alert(3)">a link</a> & "quotes".\nSergei Lavrov met Sameh Shoukry on Monday.')
HOSTILE_TITLE = '</script><script>alert(4)</script> <!-- title'


def hostile_page() -> tuple[str, Article]:
    article = Article(text=HOSTILE, id="evil", title=HOSTILE_TITLE, url="javascript:alert(5)",
                      published=dt.date(2025, 3, 13))
    summary = make_summary(
        article, headline='<b onmouseover="alert(6)">headline</b>',
        actors=[("a1", "Sergei Lavrov", ["<i>Lavrov</i>"], "person", "RUS", "Sergei Lavrov"),
                ("a2", 'Evil "Actor" <svg onload=alert(7)>', [], "organization", None, '<img src=x onerror="alert(2)">'),
                ("a3", "Sameh Shoukry", [], "person", "EGY", "Sameh Shoukry")],
        meetings=[(["a1", "a3"], "held", None, "Sergei Lavrov met Sameh Shoukry on Monday.")],
        conflicts=[("</script> conflict", ["a2"], "<script>alert(1)</script>", [("attack", None, "alert(1)")])],
        warnings=["<script>alert(8)</script> dropped"],
    )
    return article_report([(article, summary)]), article


def test_article_html_is_text_never_tags():
    page, _ = hostile_page()
    parsed = Tags(page)
    assert parsed.named("img") == [] and parsed.named("svg") == [] and parsed.named("i") == []
    assert not [a for _, attrs in parsed.tags for a in attrs if a.startswith("on")], "an event handler attribute"
    assert len(parsed.named("script")) == 2  # our data block and our code, nothing else
    text = "".join(parsed.data)
    assert "<script>alert(1)</script>" in text and '<img src=x onerror="alert(2)">' in text
    assert '<b onmouseover="alert(6)">headline</b>' in text and "<script>alert(8)</script> dropped" in text


def test_title_cannot_break_out_of_title_or_script():
    page, _ = hostile_page()
    parsed = Tags(page)
    assert page.count("</script>") == 2
    assert parsed.named("title") and HOSTILE_TITLE in "".join(parsed.data)
    data = json.loads(next(s for s in parsed.scripts if s.strip().startswith("{")))
    assert any(v.get("article") == HOSTILE_TITLE or "</script> conflict" in v["label"] for v in data.values())


def test_only_http_links_from_the_data():
    page, _ = hostile_page()
    hrefs = [a.get("href", "") for a in Tags(page).named("a")]
    assert not [h for h in hrefs if "javascript" in h.lower()]
    assert safe_url("https://voanews.com/a/1") == "https://voanews.com/a/1"
    assert safe_url("javascript:alert(1)") is None and safe_url("data:text/html,x") is None and safe_url(None) is None


def test_script_json_cannot_close_its_element():
    value = {"t": "</script><!-- <script> & \u2028", "n": [1, "é"]}
    text = str(script_json(value))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value


def test_csp_allows_our_script_only_and_no_network():
    page, _ = hostile_page()
    csp = next(m["content"] for m in Tags(page).named("meta") if m.get("http-equiv") == "Content-Security-Policy")
    code = page.rsplit("<script>", 1)[1].split("</script>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1]
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.replace('href="https://', ""))


def test_inlined_assets_are_not_templates_and_cannot_end_a_script():
    folder = resources.files("summarizer") / "templates"
    js = (folder / "report.js").read_text(encoding="utf-8")
    assert "</script" not in js.lower() and "<!--" not in js
    for name in ("report.html", "_article.html", "_index.html", "_network.html", "_timeline.html", "report.css"):
        assert (folder / name).is_file(), name


# --- highlighting ------------------------------------------------------------------------------------------------


def test_overlapping_and_identical_spans_split_into_marks():
    text = "0123456789abcdefghij"
    spans = [Span(0, 10, "d0-a1", "actor"), Span(5, 15, "d0-m1", "meeting"), Span(5, 15, "d0-c1", "conflict")]
    out = str(highlight(text, spans, {"d0-a1": "Actor: <x>"}))
    marks = re.findall(r'<mark class="([^"]*)" data-items="([^"]*)"(?: data-starts="([^"]*)")? title="([^"]*)">([^<]*)</mark>', out)
    assert [(m[1], m[2], m[4]) for m in marks] == [
        ("d0-a1", "d0-a1", "01234"), ("d0-a1 d0-m1 d0-c1", "d0-m1 d0-c1", "56789"), ("d0-m1 d0-c1", "", "abcde")]
    assert marks[1][0] == "ev hl-actor hl-meeting hl-conflict"
    assert "Actor: &lt;x&gt;" in marks[0][3]
    assert out.endswith("</mark>fghij")


def test_highlighted_text_keeps_the_article_and_marks_every_span():
    article, summary = gold_result("lavrov-cairo")
    page = article_report([(article, summary)])
    body = page.split('<div class="article-text" lang="en">', 1)[1].split("</div>", 1)[0]
    assert html.unescape(re.sub(r"<[^>]+>", "", body)) == article.text
    for item in [*summary.actors, *summary.meetings, *summary.conflicts]:
        starts = {e.start for e in item.evidence}
        marked = re.findall(rf'data-starts="[^"]*(?<![\w-])d0-{item.id}(?![\w-])[^"]*"', body)
        assert len(marked) == len(starts), item.id
    events = [e for c in summary.conflicts for e in c.events]
    assert len(re.findall(r'data-starts="[^"]*\bd0-c3-e\d\b', body)) == len(events) == 2


def test_evidence_with_wrong_offsets_is_found_and_absent_evidence_is_a_warning():
    article = seed_article("lavrov-cairo")
    summary = make_summary(article, actors=[("a1", "Sergei Lavrov", [], "person", "RUS", "Sergei Lavrov")])
    summary.actors[0].evidence = [
        Evidence(quote="Sameh Shoukry", start=0, end=13, match="exact"),  # wrong offsets: found by the quote
        Evidence(quote="Vladimir Putin", start=5, end=19, match="exact"),  # not in the article at all
    ]
    page = article_report([(article, summary)])
    body = page.split('<div class="article-text" lang="en">', 1)[1].split("</div>", 1)[0]
    assert re.search(r'data-starts="d0-a1"[^>]*>Sameh Shoukry</mark>', body)
    assert "evidence not found in the text: &#39;Vladimir Putin&#39;" in page
    assert body.count("<mark") == 1


# --- actors across articles --------------------------------------------------------------------------------------


def docs(*pairs) -> list[Doc]:
    return docs_from_results(list(pairs))


def by_name(merged, name):
    return next(m for m in merged if m.name == name)


def test_merge_aliases_surnames_states_and_counts():
    a, b, c = seed_article("8008456"), seed_article("6180015"), seed_article("6184244")
    sa = make_summary(a, actors=[("a1", "Donald Trump", ["Trump"], "person", "USA", "President Donald Trump"),
                                 ("a2", "Vladimir Putin", [], "person", "RUS", "Vladimir Putin"),
                                 ("a3", "Russia", [], "state", "RUS", "Russia")])
    sb = make_summary(b, actors=[("a1", "Trump", [], "person", "USA", "Trump"),
                                 ("a2", "Putin", [], "person", None, "Putin"),
                                 ("a3", "Moscow", [], "state", "RUS", "Moscow")])
    sc = make_summary(c, actors=[("a1", "President Donald Trump", [], "person", None, "President Donald Trump"),
                                 ("a2", "Kim Jong Un", [], "person", "PRK", "Kim Jong Un")])
    merged = merge_actors(docs((a, sa), (b, sb), (c, sc)))
    assert len(merged) == 4
    trump, putin, russia = by_name(merged, "President Donald Trump"), by_name(merged, "Vladimir Putin"), by_name(merged, "Russia")
    assert [len(m.docs) for m in (trump, putin, russia)] == [3, 2, 2]
    assert set(trump.forms) == {"Donald Trump", "Trump"} and putin.forms == ["Putin"] and russia.forms == ["Moscow"]
    assert trump.country == "USA" and putin.country == "RUS" and russia.kind == "state"
    words = lambda form, text: len(re.findall(rf"(?<!\w){re.escape(form)}(?!\w)", text))  # noqa: E731
    assert putin.mentions == words("Vladimir Putin", a.text) + words("Putin", b.text) == 4
    assert russia.mentions == words("Russia", a.text) + words("Moscow", b.text)
    assert trump.mentions == words("Trump", a.text) + words("Trump", b.text) + words("President Donald Trump", c.text)
    assert merged[0] is trump  # most articles first


def test_lone_surname_merges_only_when_one_full_name_ends_with_it():
    bilai, sahra = seed_article("6184384"), seed_article("8006503")
    s1 = make_summary(bilai, actors=[("a1", "Bilai Abdi", [], "person", "SOM", "Bilai Abdi")])
    s2 = make_summary(bilai, actors=[("a1", "Abdi", [], "person", None, "Abdi says")])
    s3 = make_summary(sahra, actors=[("a1", "Sahra Abdi", [], "person", None, "Sahra Abdi")])
    assert [len(m.docs) for m in merge_actors(docs((bilai, s1), (bilai, s2)))] == [2]
    ambiguous = merge_actors(docs((bilai, s1), (bilai, s2), (sahra, s3)))
    assert sorted(m.name for m in ambiguous) == ["Abdi", "Bilai Abdi", "Sahra Abdi"]


def test_no_merge_across_persons_and_states_or_countries_or_different_full_names():
    a = seed_article("lavrov-cairo")
    s1 = make_summary(a, actors=[("a1", "Egypt", [], "state", "EGY", "Egypt"),
                                 ("a2", "Sergei Lavrov", ["Sergei"], "person", "RUS", "Sergei Lavrov")])
    s2 = make_summary(a, actors=[("a1", "Egypt", [], "person", None, "Egypt"),
                                 ("a2", "Sergei Shoigu", ["Sergei"], "person", "RUS", "Sergei Shoigu"),
                                 ("a3", "Russia", [], "state", "RUS", "Russia")])
    s3 = make_summary(a, actors=[("a1", "Egypt", [], "state", "LBY", "Egypt")])
    merged = merge_actors(docs((a, s1), (a, s2), (a, s3)))
    assert sorted((m.name, m.kind, len(m.docs)) for m in merged) == [
        ("Egypt", "person", 1), ("Egypt", "state", 1), ("Egypt", "state", 1), ("Russia", "state", 1),
        ("Sergei Lavrov", "person", 1), ("Sergei Shoigu", "person", 1)]


# --- network and timeline ----------------------------------------------------------------------------------------


def network_docs() -> list[Doc]:
    a = seed_article("lavrov-cairo")
    s1 = make_summary(a, actors=[("a1", "Sergei Lavrov", ["Lavrov"], "person", "RUS", "Sergei Lavrov"),
                                 ("a2", "Sameh Shoukry", [], "person", "EGY", "Sameh Shoukry"),
                                 ("a3", "Sergei Shoigu", [], "person", "RUS", "Sergei Shoigu"),
                                 ("a4", "Abdel Fattah al-Sisi", [], "person", "EGY", "Abdel Fattah al-Sisi")],
                      meetings=[(["a1", "a2"], "held", "2017-05-29", "they met in Cairo on Monday"),
                                (["a1", "a3", "a4"], "planned", None, "were also due to meet President")])
    b = Article(text=a.text, id="again", title="The same story, summarized again", published=dt.date(2017, 5, 30))
    s2 = make_summary(b, actors=[("a1", "Lavrov", [], "person", None, "Lavrov"),
                                 ("a2", "Ahmed Aboul Gheit", [], "person", None, "Ahmed Aboul Gheit"),
                                 ("a3", "Shoukry", [], "person", None, "Shoukry")],
                      meetings=[(["a1", "a2"], "held", None, "Lavrov also met Arab League head"),
                                (["a1", "a3"], "held", None, "Lavrov and Shoukry discussed Libya")],
                      conflicts=[("Libya", [], "rival administrations and militias have fought",
                                  [("air_strike", None, "Egypt carried out air strikes")])])
    return docs((a, s1), (b, s2))


def test_meeting_graph_merges_actors_and_counts_meetings():
    ds = network_docs()
    graph = meeting_graph(ds, merge_actors(ds))
    assert graph.number_of_nodes() == 5 and graph.number_of_edges() == 5  # 1 + 3 (clique of three) + 1
    lavrov = next(n for n in graph if graph.degree(n) == 4)
    shoukry_edge = next(d for u, v, d in graph.edges(lavrov, data=True) if len(d["meetings"]) == 2)
    assert shoukry_edge["meetings"] == ["d0-m1", "d1-m2"]


def test_network_layout_is_deterministic_and_inside_the_box():
    ds = network_docs()
    first, second = network_view(ds, merge_actors(ds)), network_view(ds, merge_actors(ds))
    assert first == second
    assert len(first["edges"]) == 5 and len(first["nodes"]) == 5
    assert all(0 <= n["x"] <= first["width"] and 0 <= n["y"] <= first["height"] for n in first["nodes"])
    assert len({(n["x"], n["y"]) for n in first["nodes"]}) == 5
    planned = [e for e in first["edges"] if e["planned"]]
    assert len(planned) == 3  # the three pairs of the planned meeting only


def test_timeline_dates_fallback_and_undated():
    ds = network_docs()
    groups, undated = timeline(ds)
    dated = [(g["date"], e["key"], e["basis"]) for g in groups for e in g["entries"]]
    assert dated == [("2017-05-29", "d0-m1", "resolved"), ("2017-05-30", "d1-m1", "published"),
                     ("2017-05-30", "d1-m2", "published"), ("2017-05-30", "d1-c1-e1", "published")]
    assert [e["key"] for e in undated] == ["d0-m2"]  # the first article has no publication date


def test_several_articles_render_index_network_and_timeline():
    page = render([(d.article, d.summary) for d in network_docs()], "html")
    parsed = Tags(page)
    assert len([g for g in parsed.named("g") if "edge" in g.get("class", "").split()]) == 5
    assert len([t for t in parsed.named("tr") if t.get("data-key", "").startswith("x")]) == 5
    assert 'id="timeline"' in page and 'id="art-1"' in page


def test_single_article_has_no_cross_article_views():
    page = article_report([gold_result("lavrov-cairo")])
    assert 'id="network"' not in page and 'id="actors"' not in page and 'id="art-0"' in page
    assert "Conflict c3: Egypt and Libyan allies" in page


# --- batch results and the command -------------------------------------------------------------------------------


def test_load_results_lists_error_records_and_unreadable_lines(tmp_path):
    batch = load_results(write_batch(tmp_path / "results.jsonl"))
    assert [d.ident for d in batch.docs] == BATCH_IDS
    assert [(p.line, p.kind, p.reason) for p in batch.problems] == [
        (2, "unreadable", "malformed_json"), (4, "error", "llm_timeout"), (7, "unreadable", "invalid_summary")]
    assert batch.errors[0].message == "the server did not answer in 120 s" and batch.errors[0].id == "6181235"


def test_strict_load_names_the_line(tmp_path):
    with pytest.raises(InputError, match=r"results.jsonl:2: not valid JSON"):
        load_results(write_batch(tmp_path / "results.jsonl"), strict=True)


@pytest.mark.parametrize("content, fragment", [
    ("", "no records"), ("\n\n", "no records"), (b"\xff\xfe{}", "not UTF-8"),
])
def test_unusable_results_files(tmp_path, content, fragment):
    path = tmp_path / "r.jsonl"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(InputError, match=fragment):
        load_results(path)


def test_report_lists_problems_and_articles(tmp_path):
    page, batch = batch_report(write_batch(tmp_path / "results.jsonl"))
    parsed = Tags(page)
    rows = [t for t in parsed.named("tr") if "problem" in t.get("class", "")]
    assert len(rows) == 3 and "the server did not answer in 120 s" in page
    assert len(parsed.named("details")) == len(batch.docs) == 4
    assert "Problems (3)" in page


def test_report_command_writes_one_file(tmp_path):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", str(write_batch(tmp_path / "results.jsonl")), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "results.jsonl:2: not valid JSON" in result.stderr and "4 articles, 1 error records" in result.stderr


@pytest.mark.parametrize("args, fragment", [
    (["missing.jsonl"], "missing.jsonl: no such file"),
    (["{results}", "--strict"], "results.jsonl:2: not valid JSON"),
    (["{results}", "-o", "{tmp}/no/such/dir/r.html"], "cannot write"),
])
def test_report_command_errors_are_one_line(tmp_path, args, fragment):
    results = write_batch(tmp_path / "results.jsonl")
    args = [a.format(results=results, tmp=tmp_path) for a in args]
    result = CliRunner().invoke(app, ["report", *args])
    assert result.exit_code == 2
    err = result.stderr.strip()
    assert err.startswith("error:") and len(err.splitlines()) == 1 and fragment in err, err
    assert "Traceback" not in result.output


def test_batch_record_round_trip_keeps_offsets(tmp_path):
    article, summary = gold_result("8010030")
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(batch_record(article, summary)) + "\n", encoding="utf-8")
    doc = load_results(path).docs[0]
    assert doc.published == dt.date(2025, 3, 13) and doc.article.url == article.url
    assert doc.summary == summary
    assert render_page([doc]).count('class="ev ') > 0
