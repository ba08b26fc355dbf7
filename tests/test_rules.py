"""Rule files (the pipeline's word tables as package data) and the package's one name normalizer."""

from __future__ import annotations

import hashlib
from importlib import resources

import pytest

from summarizer.errors import SummarizerError
from summarizer.names import fold_accents, name_key, norm_name, surname
from summarizer.rules import load
from summarizer.version import PIPELINE_VERSION

RULE_FILES = [(package, entry.name) for package in ("summarizer", "summarizer.grounding", "summarizer.normalize")
              for entry in resources.files(package).iterdir() if entry.name.endswith(".yaml")]


def test_every_module_reading_rules_has_its_file():
    assert {name for _, name in RULE_FILES} >= {"names.yaml", "countries.yaml", "dates.yaml", "name_finder.yaml",
                                               "actors.yaml", "meetings.yaml", "conflicts.yaml"}


@pytest.mark.parametrize("package, name", RULE_FILES)
def test_rule_files_are_versioned_commented_and_read_as_words(package, name):
    data = load(package, name)  # raises on a missing version or a word YAML reads as true/false
    assert data["version"]
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    assert text.startswith("#"), f"{name} opens with a comment on where its words come from"


# The rule files as released with each PIPELINE_VERSION. Editing a rule file changes summaries: give the pipeline a
# new version (summarizer/version.py) and record the files' new digest here.
RULES_DIGEST = {"2026.12.23": "6b45b5acddee9e0f896de1f5b631871795ddadad5826cc49947afebbb5c3ddb6"}


def test_a_rule_change_comes_with_a_new_pipeline_version():
    digest = hashlib.sha256()
    for package, name in sorted(RULE_FILES):
        digest.update(f"{package}/{name}\n".encode())
        digest.update(resources.files(package).joinpath(name).read_bytes())
    assert RULES_DIGEST.get(PIPELINE_VERSION) == digest.hexdigest(), (
        "the rule files changed: bump PIPELINE_VERSION and record their digest in RULES_DIGEST")


def test_a_word_read_as_a_boolean_is_refused(tmp_path, monkeypatch):
    package = tmp_path / "probe_rules"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "words.yaml").write_text('version: "1"\nstop_words: [the, no, on]\n')
    (package / "bare.yaml").write_text("stop_words: [the]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(SummarizerError, match="quote it"):
        load("probe_rules", "words.yaml")
    with pytest.raises(SummarizerError, match="no version"):
        load("probe_rules", "bare.yaml")
    with pytest.raises(SummarizerError, match="cannot be read"):
        load("probe_rules", "missing.yaml")


def test_one_name_normalizer():
    assert norm_name("The U.S.") == norm_name("US") == "us"
    assert norm_name("Russia’s") == norm_name("russia's") == "russia"
    assert norm_name("Côte d’Ivoire") == "cote d ivoire"
    assert name_key("U. S.") == name_key("U.S.") == "us"
    assert fold_accents("Jovenel Moïse") == "jovenel moise"
    assert surname("Ahmed Aboul Gheit") == "Aboul Gheit" and surname("Sergei Lavrov") == "Lavrov"
    assert surname("Lavrov") is None
