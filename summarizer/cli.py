"""The command line: thin commands over the library. Errors become one line on stderr and a non-zero exit."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from . import config
from .errors import InputError, SummarizerError

log = logging.getLogger("summarizer")

app = typer.Typer(
    name="summarizer",
    help="Structured, checkable summaries of news articles: actors, meetings and conflicts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
stderr = Console(stderr=True)


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


# Options shared by every command that calls a model.
Model = Annotated[Optional[str], typer.Option("--model", help="Model name [env SUMMARIZER_MODEL].")]
BaseUrl = Annotated[Optional[str], typer.Option("--base-url", help="OpenAI-compatible server URL [env OPENAI_BASE_URL].")]
Template = Annotated[Optional[str], typer.Option("--template", help="Prompt template name or .yaml path.")]
Templates = Annotated[Optional[Path], typer.Option("--templates", help="A folder of your own templates.")]
Timeout = Annotated[Optional[float], typer.Option("--timeout", help="Seconds to wait for one LLM answer.")]
Retries = Annotated[Optional[int], typer.Option("--max-retries", help="Retries of a failed request (429, 5xx, timeouts).")]
Reasks = Annotated[Optional[int], typer.Option("--reasks", help="Re-asks when the model's output is invalid.")]
ModelPath = Annotated[Optional[Path], typer.Option("--model-path", help="Your own GGUF file for the local server.")]
MaxChars = Annotated[Optional[int], typer.Option("--max-chars", help="Largest article accepted, in characters.")]
ChunkChars = Annotated[Optional[int], typer.Option(
    "--chunk-chars", help="Articles longer than this (characters) are read in overlapping parts.")]
Verbose = Annotated[int, typer.Option("-v", "--verbose", count=True, help="-v for progress logs, -vv for debug.")]


def _logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if verbose < 2:
        logging.getLogger("httpx2").setLevel(logging.WARNING)
        logging.getLogger("instructor").setLevel(logging.CRITICAL)


@contextmanager
def errors_as_exit() -> Iterator[None]:
    """Our errors become one line and their exit code; Ctrl-C exits 130; nothing prints a traceback."""
    try:
        yield
    except SummarizerError as err:
        stderr.print(f"[bold red]error:[/] {err.one_line()}", highlight=False, markup=True, soft_wrap=True)
        raise typer.Exit(err.exit_code) from None
    except KeyboardInterrupt:
        stderr.print("interrupted")
        raise typer.Exit(130) from None


def _settings(**options) -> config.Settings:
    return config.resolve(**options)


@app.command()
def summarize(
    files: Annotated[list[str], typer.Argument(help="Article files (.txt, .md, .html; '-' for stdin) or web page URLs.")],
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Article title, if not in the file.")] = None,
    published: Annotated[Optional[str], typer.Option("--published", help="Publication date (resolves 'on Monday').")] = None,
    model: Model = None,
    base_url: BaseUrl = None,
    template: Template = None,
    templates: Templates = None,
    timeout: Timeout = None,
    max_retries: Retries = None,
    reasks: Reasks = None,
    model_path: ModelPath = None,
    max_chars: MaxChars = None,
    chunk_chars: ChunkChars = None,
    verbose: Verbose = 0,
) -> None:
    """Summarize articles into actors, meetings and conflicts."""
    from .inputs import read_one
    from .pipeline import Summarizer
    from .render import render

    _logging(verbose)
    with errors_as_exit():
        settings = _settings(
            model=model, base_url=base_url, template=template, templates_dir=templates, timeout=timeout,
            max_retries=max_retries, reasks=reasks, model_path=model_path, max_chars=max_chars,
            chunk_chars=chunk_chars,
        )
        articles = [read_one(f, max_chars=settings.max_chars) for f in files]  # fail before any model call
        results = []
        with _status() as progress, Summarizer(settings, progress=progress) as summarizer:
            for article in articles:
                progress(f"summarizing {article.source}")
                results.append((article, summarizer.summarize(article, title=title, published=published)))
        text = render(results, format.value, color=output is None and sys.stdout.isatty())
        if output:
            output.write_text(text, encoding="utf-8")
            stderr.print(f"wrote {output}")
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")


@contextmanager
def _status() -> Iterator:
    """A spinner with the current stage and elapsed time on a terminal; log lines otherwise."""
    if not stderr.is_terminal:
        yield lambda stage: log.info("%s", stage)
        return
    with stderr.status("starting", spinner="dots") as status:
        yield lambda stage: status.update(f"{stage} ...")


@app.command()
def schema() -> None:
    """Print the JSON Schema of a summary document."""
    from .schema import json_schema

    sys.stdout.write(json.dumps(json_schema(), indent=2) + "\n")


@app.command()
def models(model_path: ModelPath = None, verbose: Verbose = 0) -> None:
    """Show the embedded model: parts, assembled file, checksum state, running server."""
    from rich.table import Table

    from .local import status

    _logging(verbose)
    with errors_as_exit():
        info = status(_settings(model_path=model_path))
        table = Table(show_header=False, box=None)
        for key, value in info.items():
            table.add_row(f"[bold]{key}[/]", str(value) if value is not None else "-")
        Console().print(table)


@app.command()
def serve(
    port: Annotated[Optional[int], typer.Option("--port", help="Port on 127.0.0.1 (default: a free one).")] = None,
    model_path: ModelPath = None,
    verbose: Verbose = 1,
) -> None:
    """Keep the local model server running in the foreground; other commands reuse it."""
    from .local import serve_forever

    _logging(verbose)
    with errors_as_exit():
        serve_forever(_settings(model_path=model_path), port=port)


DEFAULT_ARTICLES = [Path("seeds/dev.jsonl"), Path("seeds/lavrov-cairo.txt")]


@app.command("eval")
def eval_(
    gold_dir: Annotated[Path, typer.Argument(help="Folder of gold <id>.json files.")],
    predictions: Annotated[Optional[Path], typer.Option("--predictions", "-p", help="Saved summaries (folder of <id>.json or JSONL) to score instead of running the model.")] = None,
    articles: Annotated[Optional[list[Path]], typer.Option("--articles", "-a", help="Article sources (JSONL or .txt) [default: seeds/dev.jsonl, seeds/lavrov-cairo.txt].")] = None,
    save: Annotated[Optional[Path], typer.Option("--save", help="Save the summaries made by this run here.")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the scores as JSON here.")] = None,
    model: Model = None,
    base_url: BaseUrl = None,
    template: Template = None,
    templates: Templates = None,
    timeout: Timeout = None,
    reasks: Reasks = None,
    model_path: ModelPath = None,
    verbose: Verbose = 0,
) -> None:
    """Score summaries against gold annotations: P/R/F1 for actors, meetings and conflicts."""
    from .article import read_articles
    from .evaluate import evaluate, load_gold, load_predictions
    from .render import eval_table

    _logging(verbose)
    with errors_as_exit():
        gold = load_gold(gold_dir)
        texts = {}
        for source in articles or DEFAULT_ARTICLES:
            for article in read_articles(source):
                texts[article.id] = article
        if predictions is not None:
            preds = load_predictions(predictions)
        else:
            preds = _run_for_eval(gold, texts, save, dict(
                model=model, base_url=base_url, template=template, templates_dir=templates, timeout=timeout,
                reasks=reasks, model_path=model_path,
            ))
        report = evaluate(gold, preds, {k: a.text for k, a in texts.items()})
        Console(width=None if sys.stdout.isatty() else 160).print(eval_table(report))
        if json_out:
            json_out.write_text(json.dumps(report.as_dict(), indent=2), encoding="utf-8")
            stderr.print(f"wrote {json_out}")


def _run_for_eval(gold: dict, texts: dict, save: Optional[Path], options: dict) -> dict:
    from .pipeline import Summarizer

    missing = [i for i in gold if i not in texts]
    if missing:
        raise InputError(f"no article text for gold ids {missing}: pass --articles")
    preds = {}
    if save:
        save.mkdir(parents=True, exist_ok=True)
    with _status() as progress, Summarizer(_settings(**options), progress=progress) as summarizer:
        for n, article_id in enumerate(gold, 1):
            progress(f"[{n}/{len(gold)}] {article_id}")
            summary = summarizer.summarize(texts[article_id])
            preds[article_id] = summary.model_dump(mode="json")
            if save:
                (save / f"{article_id}.json").write_text(summary.model_dump_json(indent=1), encoding="utf-8")
    return preds


# --- batch: many articles to a resumable JSONL file (summarizer/batch/) ----------------------------------------


class Engine(str, Enum):
    asyncio = "asyncio"
    ray = "ray"


@app.command()
def batch(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders, globs, URLs and .jsonl files of records (id, text, title, published, url).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="JSONL results, one record per article (resumable).")],
    concurrency: Annotated[Optional[int], typer.Option("--concurrency", "-c", help="Articles (so requests) in flight [default: 1 for the local model, 4 otherwise].")] = None,
    rpm: Annotated[Optional[float], typer.Option("--rpm", help="Client-side limit on requests per minute.")] = None,
    tpm: Annotated[Optional[float], typer.Option("--tpm", help="Client-side limit on tokens per minute.")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", help="Only the first N articles of the inputs.")] = None,
    max_tokens_total: Annotated[Optional[int], typer.Option("--max-tokens-total", help="Token budget: start no article once spent (resumable).")] = None,
    refresh: Annotated[bool, typer.Option("--refresh", help="Ignore cached summaries (they are still updated).")] = False,
    fail_fast: Annotated[bool, typer.Option("--fail-fast", help="Stop at the first failed article, exit non-zero.")] = False,
    engine: Annotated[Engine, typer.Option("--engine", help="asyncio in this process, or ray (Ray Data).")] = Engine.asyncio,
    ray_address: Annotated[Optional[str], typer.Option("--ray-address", envvar="RAY_ADDRESS", help="Ray cluster to use [default: a local Ray].")] = None,
    ray_workers: Annotated[Optional[int], typer.Option("--ray-workers", help="Ray actors, each with --concurrency articles in flight [default: 2].")] = None,
    model: Model = None,
    base_url: BaseUrl = None,
    template: Template = None,
    templates: Templates = None,
    timeout: Timeout = None,
    max_retries: Retries = None,
    reasks: Reasks = None,
    model_path: ModelPath = None,
    max_chars: MaxChars = None,
    chunk_chars: ChunkChars = None,
    verbose: Verbose = 0,
) -> None:
    """Summarize many articles into a JSONL file: concurrent, cached, resumable (run it again to finish)."""
    from .batch import BatchOptions, summarize_many

    _logging(verbose)
    logging.getLogger("summarizer.batch.progress").setLevel(logging.INFO)  # progress lines when not a terminal
    with errors_as_exit():
        settings = _settings(
            model=model, base_url=base_url, template=template, templates_dir=templates, timeout=timeout,
            max_retries=max_retries, reasks=reasks, model_path=model_path, max_chars=max_chars,
            chunk_chars=chunk_chars,
        )
        options = BatchOptions(
            concurrency=concurrency, rpm=rpm, tpm=tpm, limit=limit, max_tokens_total=max_tokens_total, refresh=refresh,
            fail_fast=fail_fast, engine=engine.value, ray_address=ray_address, ray_workers=ray_workers,
        )
        result = summarize_many(inputs, output, settings=settings, options=options)
    for line in result.lines():
        stderr.print(line, highlight=False, markup=False, soft_wrap=True)
    if (fail_fast and result.stopped == "fail_fast") or not result.succeeded:
        raise typer.Exit(1)


# --- report: one self-contained HTML file from batch results (summarizer/report/) ---------------------------


@app.command()
def report(
    results: Annotated[Path, typer.Argument(help="Batch results: a JSONL file written by `summarizer batch`.")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the HTML here instead of stdout.")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Title of the report.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on an unreadable line instead of listing it in the report.")] = False,
) -> None:
    """One HTML file: highlighted evidence, actors across articles, who met whom, timeline, errors."""
    from .report import batch_report

    with errors_as_exit():
        html, batch = batch_report(results, strict=strict, title=title)
        if output:
            try:
                output.write_text(html, encoding="utf-8")
            except OSError as err:
                raise InputError(f"{output}: cannot write ({err.strerror})") from None
        else:
            sys.stdout.write(html)
    for problem in batch.unreadable:
        stderr.print(f"warning: {results}:{problem.line}: {problem.message} (listed in the report)",
                     highlight=False, markup=False, soft_wrap=True)
    errors = len(batch.errors)
    stderr.print(f"{'wrote ' + str(output) + ': ' if output else ''}{len(batch.docs)} articles"
                 + (f", {errors} error records" if errors else "")
                 + (f", {len(batch.unreadable)} unreadable lines" if batch.unreadable else ""),
                 highlight=False, markup=False, soft_wrap=True)


def main() -> None:
    """Entry point of `summarizer`."""
    app()


def summarize_main() -> None:
    """Entry point of `summarize`, a shortcut for `summarizer summarize`."""
    sys.argv.insert(1, "summarize")
    app()
