"""Rule data: the word tables, stop lists and cue vocabularies of the pipeline, kept as YAML files beside the
modules that read them (package data, so a wheel carries them).

Every file states its ``version`` and, in comments, where its words come from and which general pattern of news
language it states. A change to a file can change summaries: bump ``summarizer.version.PIPELINE_VERSION`` with it
(it is recorded in every summary's provenance). Files are read once per process.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

import yaml

from .errors import SummarizerError

# libyaml's parser when PyYAML was built with it: the pure-Python parser is many times slower, and the rule files
# are read at every process start.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load(package: str, name: str) -> dict[str, Any]:
    """The rule file ``name`` of ``package`` (``load("summarizer.grounding", "dates.yaml")``), parsed once."""
    try:
        data = yaml.load(resources.files(package).joinpath(name).read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, yaml.YAMLError) as err:
        raise SummarizerError(f"rule file {package}/{name} cannot be read ({err}): reinstall summarizer") from None
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        raise SummarizerError(f"rule file {package}/{name} has no version: reinstall summarizer")
    if _has_bool(data):  # YAML reads an unquoted yes, no, on or off as a boolean, not as the word
        raise SummarizerError(f"rule file {package}/{name}: a word reads as true/false; quote it")
    return data


def _has_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, dict):
        return any(_has_bool(k) or _has_bool(v) for k, v in value.items())
    return isinstance(value, list) and any(_has_bool(v) for v in value)


def alternatives(entries: Iterable[str]) -> str:
    """Regular-expression alternatives, in the order given: ``a|b|c``."""
    return "|".join(entries)
