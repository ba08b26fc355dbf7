"""Reading the batch's inputs: folders (recursive), globs, .txt/.md, .html through trafilatura, URLs served on
loopback, JSONL records; bad records become error items and missing names are one-line errors."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx2
import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.errors import InputError
from summarizer.inputs import (
    FetchError,
    Item,
    afetch_url,
    count,
    expand,
    fetch_url,
    items_from,
    iter_items,
    read_file,
    read_one,
)

MAX = 60_000
BODY = (
    "Russia's Foreign Minister Sergei Lavrov met his Egyptian counterpart Sameh Shoukry in Cairo on Monday, the "
    "foreign ministry said. They discussed the conflicts in Libya and Syria and the Astana process at length."
)
PAGE = f"""<!doctype html><html><head><title>Lavrov in Cairo | Example News</title>
<meta property="og:title" content="Lavrov and Shoukry meet in Cairo">
<meta property="article:published_time" content="2025-03-13T10:00:00Z"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Lavrov and Shoukry meet in Cairo</h1><p>{BODY}</p>
<p>The two ministers also spoke about trade and energy between their countries, officials in Cairo said.</p></article>
<footer>Copyright Example News. All rights reserved. Subscribe to our newsletter.</footer></body></html>"""


def _tree(root: Path) -> Path:
    (root / "a").mkdir(parents=True)
    (root / "a" / "deep").mkdir()
    (root / "one.txt").write_text("Headline one\n\nLavrov met Shoukry in Cairo.")
    (root / "a" / "two.md").write_text("# Two\n\nShoukry hosted Lavrov.")
    (root / "a" / "deep" / "three.html").write_text(PAGE)
    (root / "a" / "notes.json").write_text("{}")
    (root / "a" / "one.meta.json").write_text('{"title": "x"}')
    (root / "a" / "records.jsonl").write_text('{"id": "r1", "text": "not picked up from folders"}\n')
    return root


def test_folder_is_searched_recursively_for_txt_md_and_html(tmp_path):
    sources = expand([_tree(tmp_path / "news")])
    names = [Path(s).name for s in sources]
    assert names == ["three.html", "two.md", "one.txt"]  # sorted by path: a/deep/three.html, a/two.md, one.txt
    items = list(iter_items(sources, max_chars=MAX))
    assert [i.id for i in items] == ["three", "two", "one"]
    assert all(i.article is not None and i.error is None for i in items)
    assert items[1].article.text.startswith("# Two")


def test_glob_and_missing_names(tmp_path):
    root = _tree(tmp_path / "news")
    assert [Path(s).name for s in expand([f"{root}/**/*.md", f"{root}/*.txt"])] == ["two.md", "one.txt"]
    with pytest.raises(InputError, match="no file matches"):
        expand([f"{root}/**/*.pdf"])
    with pytest.raises(InputError, match="no such file or folder"):
        expand([str(root / "missing.txt")])


def test_html_file_through_trafilatura_keeps_title_and_date(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE)
    article = read_file(path, max_chars=MAX)
    assert article.id == "page"
    assert article.title == "Lavrov and Shoukry meet in Cairo"
    assert article.published is not None and article.published.isoformat() == "2025-03-13"
    assert BODY in article.text
    assert "Subscribe" not in article.text and "Home" not in article.text  # boilerplate left out


def test_html_without_an_article_is_an_input_error(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>Nothing</title></head><body></body></html>")
    with pytest.raises(InputError, match="no article text found"):
        read_file(path, max_chars=MAX)


def test_jsonl_records_and_bad_lines(tmp_path):
    path = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "a", "text": BODY, "title": "T", "published": "2025-03-13 21:46:06Z", "url": "https://x/a"}),
        "",
        "{not json",
        json.dumps({"id": "b", "text": "   "}),
        json.dumps({"id": "c", "text": "x" * 400}),
        json.dumps({"text": "No id here."}),
        json.dumps({"id": "a", "text": BODY, "title": "T", "published": "2025-03-13"}),  # the same article again
        json.dumps({"id": "a", "text": "Another text under the same id."}),
        json.dumps(["not", "an", "object"]),
    ]
    path.write_text("\n".join(lines) + "\n")
    assert count([str(path)]) == 8
    items = list(iter_items([str(path)], max_chars=300))
    by_id = {i.id: i for i in items}
    assert by_id["a"].article.title == "T" and by_id["a"].article.published.isoformat() == "2025-03-13"
    assert by_id["a"].article.url == "https://x/a"
    assert "malformed JSON" in by_id["in:3"].error.one_line() and by_id["in:3"].reason == "input"
    assert "empty" in by_id["b"].error.one_line()
    assert "too long" in by_id["c"].error.one_line()
    assert by_id["in:6"].article.text == "No id here."
    assert f"{path}:8" in by_id and by_id[f"{path}:8"].article.text.startswith("Another")  # renamed, not lost
    assert "must be a JSON object" in by_id["in:9"].error.one_line()
    assert len(items) == 7 and len(by_id) == 7  # the repeated identical record is dropped; every id is unique


def test_items_from_python_values_and_item_round_trip(tmp_path):
    from summarizer.article import Article

    (tmp_path / "x.txt").write_text("Lavrov met Shoukry.")
    items = list(items_from([Article(text=BODY, id="art"), {"id": "rec", "text": "Shoukry hosted Lavrov."},
                             str(tmp_path / "x.txt"), Article(text="")], max_chars=MAX))
    assert [i.id for i in items] == ["art", "rec", "x", "article-4"]
    assert items[3].error is not None
    again = Item.from_dict(json.loads(json.dumps(items[0].to_dict())))
    assert again.article.text == BODY and again.id == "art"
    bad = Item.from_dict(json.loads(json.dumps(Item(id="u", source="u", error=FetchError("u: boom")).to_dict())))
    assert bad.reason == "fetch" and "boom" in bad.error.one_line()


# --- URLs, served on loopback ------------------------------------------------------------------------------------


@contextlib.contextmanager
def web(pages: dict[str, tuple[int, str, bytes]]):
    """A loopback web server: path -> (status, content type, body)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            status, kind, body = pages.get(self.path, (404, "text/html", b"<html>not found</html>"))
            self.send_response(status)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


PAGES = {
    "/story.html": (200, "text/html; charset=utf-8", PAGE.encode()),
    "/plain": (200, "text/plain", b"Plain headline\n\nLavrov met Shoukry in Cairo."),
    "/image.png": (200, "image/png", b"\x89PNG\r\n"),
}


def test_url_is_fetched_and_extracted():
    with web(PAGES) as base:
        article = fetch_url(f"{base}/story.html", max_chars=MAX)
        plain = read_one(f"{base}/plain", max_chars=MAX)
        with pytest.raises(FetchError, match="HTTP 404"):
            fetch_url(f"{base}/missing", max_chars=MAX)
        with pytest.raises(FetchError, match="not a web page"):
            fetch_url(f"{base}/image.png", max_chars=MAX)
    assert article.id == article.url == f"{base}/story.html"
    assert article.title == "Lavrov and Shoukry meet in Cairo" and BODY in article.text
    assert article.published.isoformat() == "2025-03-13"
    assert plain.title == "Plain headline" and plain.text.endswith("Cairo.")


def test_url_fetched_asynchronously_and_unreachable_url():
    async def fetch_both(base: str):
        async with httpx2.AsyncClient(follow_redirects=True, timeout=5) as client:
            good = await afetch_url(f"{base}/story.html", client, max_chars=MAX)
            with pytest.raises(FetchError, match="cannot fetch"):
                await afetch_url("http://127.0.0.1:9/down.html", client, max_chars=MAX)
            return good

    with web(PAGES) as base:
        article = asyncio.run(fetch_both(base))
        items = list(iter_items(expand([f"{base}/story.html"]), max_chars=MAX))
    assert BODY in article.text
    assert items[0].url == f"{base}/story.html" and items[0].article is None  # fetched later, by the batch


def test_summarize_command_reads_html_and_urls_with_one_line_errors(tmp_path, monkeypatch):
    """`summarize` takes .html files and URLs; what cannot be read is one line and exit 2, before any model call."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    (tmp_path / "empty.html").write_text("<html><body></body></html>")
    runner = CliRunner()
    with web(PAGES) as base:
        missing = runner.invoke(app, ["summarize", f"{base}/missing"])
    html = runner.invoke(app, ["summarize", str(tmp_path / "empty.html")])
    for result, fragment in ((missing, "HTTP 404"), (html, "no article text found")):
        assert result.exit_code == 2, result.output
        err = result.stderr.strip()
        assert err.startswith("error:") and len(err.splitlines()) == 1 and fragment in err
        assert "Traceback" not in result.output
