"""Prompt templates: YAML files holding Jinja2, validated when loaded, each with a name and a version.

A template is found by name in the user's folder (``--templates DIR`` / SUMMARIZER_TEMPLATES) first, then in the
project's ``prompts/``; a path to a .yaml file also works. Rendering uses StrictUndefined: a missing variable is
a TemplateError, never an empty string in a prompt.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import jinja2
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import TemplateError
from .schema import first_error

log = logging.getLogger(__name__)



def _builtin_dir() -> Path:
    """The built-in templates: the top-level prompts/ folder, installed as the package ``summarizer.prompt_files``
    (pyproject's package-dir), so a wheel carries them as well as an editable install. A source checkout used
    without any install (PYTHONPATH) reads the folder itself."""
    try:
        return Path(str(resources.files("summarizer.prompt_files")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "prompts"


BUILTIN_DIR = _builtin_dir()
_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
PASSES = ("actors", "events")
#: Passes a template may add: "conflicts" asks about the violence sentences no conflict of the events pass cited.
OPTIONAL_PASSES = ("conflicts",)


class Template(BaseModel):
    """One prompt template file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    version: str = Field(min_length=1)
    description: str = ""
    strategy: Literal["passes", "single"] = "passes"
    system: str
    article: str
    passes: dict[str, str] = Field(default_factory=dict)
    single: str | None = None
    path: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> Template:
        if self.strategy == "passes" and not set(PASSES) <= set(self.passes) <= {*PASSES, *OPTIONAL_PASSES}:
            raise ValueError(f"a 'passes' template needs these passes: {', '.join(PASSES)} (and may add "
                             f"{', '.join(OPTIONAL_PASSES)})")
        if self.strategy == "single" and not self.single:
            raise ValueError("a 'single' template needs a 'single' request")
        for part, source in self.sources().items():
            try:
                _ENV.parse(source)
            except jinja2.TemplateSyntaxError as err:
                raise ValueError(f"{part}: Jinja2 syntax error on line {err.lineno}: {err.message}") from None
        return self

    def sources(self) -> dict[str, str]:
        parts = {"system": self.system, "article": self.article}
        parts.update({f"passes.{k}": v for k, v in self.passes.items()})
        if self.single:
            parts["single"] = self.single
        return parts

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    def has(self, part: str) -> bool:
        return part in self.sources()

    def render(self, part: str, **variables) -> str:
        source = self.sources().get(part)
        if source is None:
            raise TemplateError(f"template {self.label} has no part {part!r}")
        try:
            return _compiled(source).render(**variables).strip()
        except jinja2.UndefinedError as err:
            raise TemplateError(f"template {self.label}, {part}: {err.message}") from None


@lru_cache(maxsize=128)
def _compiled(source: str) -> jinja2.Template:
    """Compile a template part once: compiling costs more than rendering, and every request renders."""
    return _ENV.from_string(source)


def search_path(user_dir: Path | None = None) -> list[Path]:
    return [d for d in (user_dir, BUILTIN_DIR) if d is not None]


def load_file(path: Path) -> Template:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise TemplateError(f"cannot read template {path}: {err.strerror}") from None
    except yaml.YAMLError as err:
        raise TemplateError(f"template {path} is not valid YAML: {str(err).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise TemplateError(f"template {path} must be a YAML mapping")
    try:
        return Template(**data, path=str(path))
    except ValidationError as err:
        raise TemplateError(f"template {path} is invalid: {first_error(err, where='template')}") from None


@lru_cache(maxsize=32)
def _load_cached(path: Path, mtime_ns: int) -> Template:
    return load_file(path)


def load(name: str, user_dir: Path | None = None) -> Template:
    """Load a template by name (or path) from the user's folder, then the built-in prompts/."""
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml") and candidate.is_file():
        return _load_cached(candidate.resolve(), candidate.stat().st_mtime_ns)
    for folder in search_path(user_dir):
        path = folder / f"{name}.yaml"
        if path.is_file():
            return _load_cached(path.resolve(), path.stat().st_mtime_ns)
    where = ", ".join(str(d) for d in search_path(user_dir))
    raise TemplateError(f"no template named {name!r} in {where}")


def available(user_dir: Path | None = None) -> list[Template]:
    found: dict[str, Template] = {}
    for folder in reversed(search_path(user_dir)):
        for path in sorted(folder.glob("*.yaml")):
            template = load_file(path)
            found[template.name] = template
    return sorted(found.values(), key=lambda t: t.name)
