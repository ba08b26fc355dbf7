"""The command line: thin commands over the library. Errors become one line on stderr and a non-zero exit."""

from __future__ import annotations

import functools
import inspect
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from . import config
from .errors import InputError, SummarizerError

log = logging.getLogger("summarizer")

app = typer.Typer(
    name="summarizer",
    help="Structured, checkable summaries of news articles: actors, meetings and conflicts. With neither "
    "OPENAI_API_KEY nor a base URL set, the embedded local model answers.",
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


ModelPath = Annotated[Path | None, typer.Option(
    "--model-path", envvar="SUMMARIZER_MODEL_PATH", help="Your own GGUF file for the local server.")]
# The options of every command that calls a model, by config.resolve()'s keyword: one definition each, with the
# environment variable resolve() also reads (declared here so that the help shows it). Help texts are rich markup:
# no square brackets in them (typer's show_default and envvar print those hints).
MODEL_OPTIONS: dict[str, Any] = {
    "model": Annotated[str | None, typer.Option("--model", envvar="SUMMARIZER_MODEL", help="Model name.")],
    "base_url": Annotated[str | None, typer.Option(
        "--base-url", envvar="OPENAI_BASE_URL", help="OpenAI-compatible server URL.")],
    "template": Annotated[str | None, typer.Option(
        "--template", envvar="SUMMARIZER_TEMPLATE", help="Prompt template name or .yaml path.")],
    "templates_dir": Annotated[Path | None, typer.Option(
        "--templates", envvar="SUMMARIZER_TEMPLATES", help="A folder of your own templates.")],
    "timeout": Annotated[float | None, typer.Option(
        "--timeout", envvar="SUMMARIZER_TIMEOUT", help="Seconds to wait for one LLM answer.")],
    "max_retries": Annotated[int | None, typer.Option(
        "--max-retries", envvar="SUMMARIZER_MAX_RETRIES", help="Retries of a failed request (429, 5xx, timeouts).")],
    "reasks": Annotated[int | None, typer.Option(
        "--reasks", envvar="SUMMARIZER_REASKS", help="Re-asks when the model's output is invalid.")],
    "model_path": ModelPath,
    "max_chars": Annotated[int | None, typer.Option(
        "--max-chars", envvar="SUMMARIZER_MAX_CHARS", help="Largest article accepted, in characters.")],
    "chunk_chars": Annotated[int | None, typer.Option(
        "--chunk-chars", envvar="SUMMARIZER_CHUNK_CHARS",
        help="Articles longer than this (characters) are read in overlapping parts.")],
}
Verbose = Annotated[int, typer.Option("-v", "--verbose", count=True, help="-v for progress logs, -vv for debug.")]


def _logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if verbose < 2:
        logging.getLogger("httpx2").setLevel(logging.WARNING)
        logging.getLogger("instructor").setLevel(logging.CRITICAL)


def _error_line(message: str) -> None:
    stderr.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True, soft_wrap=True)


@contextmanager
def errors_as_exit() -> Iterator[None]:
    """Our errors become one line and their exit code; Ctrl-C exits 130; nothing prints a traceback."""
    try:
        yield
    except SummarizerError as err:
        _error_line(err.one_line())
        raise typer.Exit(err.exit_code) from None
    except KeyboardInterrupt:
        stderr.print("interrupted")
        raise typer.Exit(130) from None


def with_model_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give a command the MODEL_OPTIONS (before its --verbose); they reach it gathered in one keyword argument,
    ``model_options``, ready for config.resolve()."""
    signature = inspect.signature(command, eval_str=True)
    own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
           for p in signature.parameters.values() if p.name != "model_options"]
    shared = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)
              for name, annotation in MODEL_OPTIONS.items()]
    at = next((i for i, p in enumerate(own) if p.name == "verbose"), len(own))

    @functools.wraps(command)
    def run(**kwargs: Any) -> None:
        command(model_options={name: kwargs.pop(name) for name in MODEL_OPTIONS}, **kwargs)

    run.__signature__ = signature.replace(parameters=[*own[:at], *shared, *own[at:]])  # type: ignore[attr-defined]
    return run


@app.command()
@with_model_options
def summarize(
    files: Annotated[list[str], typer.Argument(
        help="Article files (.txt, .md, .html; '-' for stdin) or web page URLs.")],
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="Article title, if not in the file.")] = None,
    published: Annotated[str | None, typer.Option(
        "--published", help="Publication date (resolves 'on Monday').")] = None,
    verbose: Verbose = 0,
    *,
    model_options: dict[str, Any],
) -> None:
    """Summarize articles into actors, meetings and conflicts."""
    from .inputs import read_one
    from .pipeline import Summarizer
    from .render import render

    _logging(verbose)
    with errors_as_exit():
        settings = config.resolve(**model_options)
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
def templates(
    templates_dir: Annotated[Path | None, typer.Option("--templates", envvar="SUMMARIZER_TEMPLATES",
                                                       help="A folder of your own templates (they take precedence "
                                                            "over the built-in ones).")] = None,
) -> None:
    """List the prompt templates (built-in and your own), each loaded and validated."""
    from rich.table import Table

    from .prompts import available

    with errors_as_exit():
        table = Table("name", "version", "strategy", "description")
        for t in available(templates_dir):
            table.add_row(t.name, t.version, t.strategy, t.description)
        Console().print(table)


@app.command()
def models(
    model_path: ModelPath = None,
    test: Annotated[bool, typer.Option("--test/--no-test", help="Start the model, run a test completion and "
                                       "measure this machine's prompt and generation rates.")] = True,
    verbose: Verbose = 0,
) -> None:
    """Check the embedded model on this machine: llama.cpp build and CPU features, model file and checksum,
    a test completion, prompt and generation rates."""
    from rich.table import Table

    from .doctor import report as doctor_report

    _logging(verbose)
    with errors_as_exit():
        with _status() as progress:
            info = doctor_report(config.resolve(model_path=model_path), test=test, progress=progress)
        table = Table(show_header=False, box=None)
        for key, value in info.items():
            table.add_row(f"[bold]{key}[/]", str(value) if value is not None else "-")
        Console().print(table)


@app.command()
def serve(
    port: Annotated[int | None, typer.Option("--port", help="Port on 127.0.0.1.", show_default="a free one")] = None,
    model_path: ModelPath = None,
    verbose: Verbose = 1,
) -> None:
    """Keep the local model server running in the foreground; other commands reuse it."""
    from .local import serve_forever

    _logging(verbose)
    with errors_as_exit():
        serve_forever(config.resolve(model_path=model_path), port=port)


DEFAULT_ARTICLES = [Path("seeds/dev.jsonl"), Path("seeds/lavrov-cairo.txt"), Path("seeds/validation.jsonl"),
                    Path("seeds/tune.jsonl"), Path("seeds/tune2.jsonl"), Path("seeds/tune3.jsonl"),
                    Path("seeds/test2.jsonl")]
DEFAULT_GOLD = [Path("eval/gold"), Path("eval/gold-tune"), Path("eval/gold-tune2"), Path("eval/gold-tune3"),
                Path("eval/gold-validation")]


@app.command("eval")
@with_model_options
def eval_(
    gold_dirs: Annotated[list[Path] | None, typer.Argument(
        help="Folders of gold <id>.json files, one per split, scored side by side.",
        show_default=", ".join(str(p) for p in DEFAULT_GOLD))] = None,
    predictions: Annotated[Path | None, typer.Option(
        "--predictions", "-p",
        help="Saved summaries (folder of <id>.json or JSONL) to score instead of running the model.")] = None,
    articles: Annotated[list[Path] | None, typer.Option(
        "--articles", "-a", help="Article sources (JSONL or .txt).",
        show_default=", ".join(str(p) for p in DEFAULT_ARTICLES))] = None,
    save: Annotated[Path | None, typer.Option("--save", help="Save the summaries made by this run here.")] = None,
    against: Annotated[Path | None, typer.Option(
        "--against", help="Saved summaries of another run (folder of <id>.json or JSONL): how much this run beats "
        "it, article by article, with a 95 % bootstrap interval.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the scores as JSON here.")] = None,
    verbose: Verbose = 0,
    *,
    model_options: dict[str, Any],
) -> None:
    """Score summaries against gold annotations: P/R/F1 for actors, meetings and conflicts, per split (dev and
    tune, the splits rules are tuned on, and validation, which they never are) and side by side, each overall
    figure with a 95 % bootstrap interval over articles."""
    from .article import Article, read_articles
    from .evaluate import evaluate, load_gold, load_predictions, paired_difference
    from .render import difference_line, eval_table, splits_table

    _logging(verbose)
    with errors_as_exit():
        dirs = gold_dirs or [d for d in DEFAULT_GOLD if d.is_dir()]
        if not dirs:
            raise InputError("no gold folder given and none of the default ones here: pass GOLD_DIR")
        splits = {_split_name(d): load_gold(d) for d in dirs}
        texts: dict[str, Article] = {}
        for source in articles or [p for p in DEFAULT_ARTICLES if p.exists()]:
            texts.update((a.id, a) for a in read_articles(source) if a.id is not None)
        every = {k: v for gold in splits.values() for k, v in gold.items()}
        if predictions is not None:
            preds = load_predictions(predictions)
        else:
            preds = _run_for_eval(every, texts, save, model_options)
        reports = {name: evaluate(gold, preds, {k: a.text for k, a in texts.items()}) for name, gold in splits.items()}
        console = Console(width=None if sys.stdout.isatty() else 160)
        for name, report in reports.items():
            console.print(f"[bold]{name}[/]")
            console.print(eval_table(report))
        if len(reports) > 1:
            console.print(splits_table(reports))
        differences = {}
        if against is not None:
            other = load_predictions(against)
            text_of = {k: a.text for k, a in texts.items()}
            for name, report in reports.items():
                differences[name] = paired_difference(evaluate(splits[name], other, text_of), report)
                console.print(difference_line(name, differences[name]), highlight=False)
        if json_out:
            data = {name: r.as_dict() for name, r in reports.items()}
            for name, diff in differences.items():
                data[name]["against"] = {"run": str(against), "mean_f1_difference": round(diff.mean_f1, 3),
                                         "interval_95": [round(x, 3) for x in diff.interval],
                                         "this_run_higher": round(diff.b_better, 3), "articles": diff.articles}
            json_out.write_text(json.dumps(data if len(data) > 1 else next(iter(data.values())), indent=2),
                                encoding="utf-8")
            stderr.print(f"wrote {json_out}")


def _split_name(gold_dir: Path) -> str:
    """'dev' for eval/gold, 'tune' for eval/gold-tune (and 'tune2', 'tune3'), 'validation' for eval/gold-validation,
    'test2' for eval/gold-test2, else the folder's name."""
    name = gold_dir.resolve().name
    return {"gold": "dev", "gold-tune": "tune", "gold-tune2": "tune2", "gold-tune3": "tune3",
            "gold-validation": "validation", "gold-test2": "test2"}.get(name, name)


def _run_for_eval(gold: dict, texts: dict, save: Path | None, options: dict[str, Any]) -> dict:
    from .pipeline import Summarizer

    missing = [i for i in gold if i not in texts]
    if missing:
        raise InputError(f"no article text for gold ids {missing}: pass --articles")
    preds = {}
    if save:
        save.mkdir(parents=True, exist_ok=True)
    with _status() as progress, Summarizer(config.resolve(**options), progress=progress) as summarizer:
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
@with_model_options
def batch(
    inputs: Annotated[list[str], typer.Argument(
        help="Files, folders, globs, URLs and .jsonl files of records (id, text, title, published, url).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="JSONL results, one record per article (resumable).")],
    concurrency: Annotated[int | None, typer.Option(
        "--concurrency", "-c", help="Articles (so requests) in flight.",
        show_default="1 for the local model, 4 otherwise")] = None,
    rpm: Annotated[float | None, typer.Option("--rpm", help="Client-side limit on requests per minute.")] = None,
    tpm: Annotated[float | None, typer.Option("--tpm", help="Client-side limit on tokens per minute.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the first N articles of the inputs.")] = None,
    max_tokens_total: Annotated[int | None, typer.Option(
        "--max-tokens-total", help="Token budget: start no article once spent (resumable).")] = None,
    refresh: Annotated[bool, typer.Option(
        "--refresh", help="Ignore cached summaries (they are still updated).")] = False,
    fail_fast: Annotated[bool, typer.Option(
        "--fail-fast", help="Stop at the first failed article, exit non-zero.")] = False,
    engine: Annotated[Engine, typer.Option(
        "--engine", help="asyncio in this process, or ray (Ray Data).")] = Engine.asyncio,
    ray_address: Annotated[str | None, typer.Option(
        "--ray-address", envvar="RAY_ADDRESS", help="Ray cluster to use.", show_default="a local Ray")] = None,
    ray_workers: Annotated[int | None, typer.Option(
        "--ray-workers", help="Ray actors, each with --concurrency articles in flight.", show_default="2")] = None,
    verbose: Verbose = 0,
    *,
    model_options: dict[str, Any],
) -> None:
    """Summarize many articles into a JSONL file: concurrent, cached, resumable (run it again to finish)."""
    from .batch import BatchOptions, summarize_many

    _logging(verbose)
    logging.getLogger("summarizer.batch.progress").setLevel(logging.INFO)  # progress lines when not a terminal
    with errors_as_exit():
        settings = config.resolve(**model_options)
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
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Write the HTML here instead of stdout.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="Title of the report.")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Fail on an unreadable line instead of listing it in the report.")] = False,
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


# --- export: batch results as tables in DuckDB, Parquet or CSV (summarizer/exporter/) --------------------------


@app.command("export")
def export_(
    results: Annotated[Path, typer.Argument(help="Batch results: a JSONL file written by `summarizer batch`.")],
    # A string, not a Path: Path drops the trailing '/' that marks a folder.
    output: Annotated[str, typer.Option(
        "-o", "--output", help="A .duckdb file, or a folder (ending in /) for one file per table.")],
    # A string checked by the export: a bad value is a one-line error like every other bad input.
    format: Annotated[str | None, typer.Option(
        "--format", "-f", help="duckdb, parquet or csv.",
        show_default="from OUTPUT: .duckdb is a file, a folder takes parquet")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Fail on an unreadable line instead of skipping it.")] = False,
    verbose: Verbose = 0,
) -> None:
    """Event records for analysts: articles, actors, entities, events, event_actors, conflicts, evidence.
    Exporting again into the same store adds new articles and replaces re-summarized ones."""
    from .exporter import export, target_format

    _logging(verbose)
    logging.getLogger("summarizer.exporter").setLevel(logging.ERROR)  # problems are printed below, once
    with errors_as_exit():
        result = export(results, output, format=target_format(output, format), strict=strict)
    for line in result.lines(str(results)):
        stderr.print(line, highlight=False, markup=False, soft_wrap=True)


def _run(application: typer.Typer, prog_name: str) -> None:
    """Run a command line app. A usage error (an unknown option, a bad value given on the command line or in the
    option's environment variable) is one line on stderr with exit code 2, like every other error."""
    args = sys.argv[1:] or ["--help"]  # no arguments: the help
    try:
        code = typer.main.get_command(application).main(args=args, prog_name=prog_name, standalone_mode=False)
    except typer.TyperException as err:
        context = getattr(err, "ctx", None)  # a usage error knows its command
        _error_line(f"{err.format_message()} (see '{context.command_path if context else prog_name} --help')")
        raise SystemExit(err.exit_code) from None
    except typer.Abort:
        stderr.print("interrupted")
        raise SystemExit(130) from None
    raise SystemExit(code if isinstance(code, int) else 0)


def main() -> None:
    """Entry point of `summarizer`."""
    _run(app, "summarizer")


def summarize_app() -> typer.Typer:
    """The summarize command on its own: `summarize FILES`, the same as `summarizer summarize FILES`."""
    solo = typer.Typer(name="summarize", pretty_exceptions_enable=False, add_completion=False)
    solo.command()(summarize)
    return solo


def summarize_main() -> None:
    """Entry point of `summarize`."""
    _run(summarize_app(), "summarize")
