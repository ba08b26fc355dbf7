"""Names compared as people write them: the package's one name normalizer, accent folding and a person's
surname. The bottom layer with the schema: the pipeline, the scorer and the report all compare names here."""

from __future__ import annotations

import re
import unicodedata

from .rules import load

_RULES = load("summarizer", "names.yaml")
PARTICLES = frozenset(_RULES["surname_particles"])
HONORIFICS = frozenset(_RULES["honorifics"])


def is_honorific(word: str) -> bool:
    """A courtesy title as news copy writes it before a name, with or without its period ("Mr", "Mr.", "Sir")."""
    return word.removesuffix(".") in HONORIFICS


def without_honorific(name: str) -> str:
    """A person's name without the courtesy title it starts with: "Mr Arafat" -> "Arafat"; other names as given."""
    first, _, rest = name.partition(" ")
    return rest.strip() if rest.strip() and is_honorific(first) else name


def fold_accents(name: str) -> str:
    """A name without accents, case-folded, for comparison: "Moïse" -> "moise", "Québec" -> "quebec"."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()


def norm_name(name: str) -> str:
    """A name folded for comparison: accents, case, dots, a possessive 's, a leading 'the' and punctuation
    dropped, words kept apart by single spaces ("The U.S.'s" -> "us", "Côte d’Ivoire" -> "cote d ivoire")."""
    text = fold_accents(name).replace("’", "'").replace(".", "")
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"^the\s+", "", text.strip())
    return re.sub(r"[^\w]+", " ", text).strip()


def name_key(name: str) -> str:
    """The normalized name without its spaces, where spacing is not telling: "U. S." and "U.S." meet."""
    return norm_name(name).replace(" ", "")


def surname(name: str) -> str | None:
    """A person's surname as used alone in news copy: last token, with particles ('al-Sisi', 'Aboul Gheit')."""
    tokens = name.split()
    if len(tokens) < 2:
        return None
    last = [tokens[-1]]
    if len(tokens) >= 3 and tokens[-2].lower() in PARTICLES:
        last.insert(0, tokens[-2])
    return " ".join(last)
