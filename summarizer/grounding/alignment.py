"""Quotes and names found in the article's text: alignment to character spans, whole-word search, the way the
article writes a name.

Alignment follows langextract's order: exact match first, then a match tolerant of case, whitespace, quotes and
punctuation (mapped back to original offsets), then a fuzzy match with its score recorded.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from ..schema import Evidence, MatchKind

FUZZY_CUTOFF = 88.0
# Typographic quotes, dashes and the no-break space, folded to their plain forms for tolerant matching.
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})

def _fold_char(ch: str) -> str:
    return ch.translate(_FOLD).casefold()


def folded(text: str) -> tuple[str, list[int]]:
    """Text folded for tolerant matching (case, quotes, dashes, runs of whitespace, punctuation dropped),
    with the original offset of every folded character."""
    out: list[str] = []
    index: list[int] = []
    last_space = True
    for i, ch in enumerate(text):
        if ch.isspace():
            if not last_space:
                out.append(" ")
                index.append(i)
            last_space = True
            continue
        c = _fold_char(ch)
        if not (c.isalnum() or c in "'\"-"):
            continue
        out.append(c)
        index.append(i)
        last_space = False
    return "".join(out), index


def align(quote: str, text: str, *, cutoff: float = FUZZY_CUTOFF) -> Evidence | None:
    """Find ``quote`` in ``text``: exact, then normalized, then fuzzy (score >= cutoff/100). None if absent."""
    quote = quote.strip()
    if not quote:
        return None
    start = text.find(quote)
    if start >= 0:
        return Evidence(quote=quote, start=start, end=start + len(quote), match=MatchKind.exact, score=1.0)
    ftext, index = folded(text)
    fquote = folded(quote)[0].strip(" '\"-")
    if not fquote:
        return None
    pos = ftext.find(fquote)
    if pos >= 0:
        s, e = index[pos], index[pos + len(fquote) - 1] + 1
        return Evidence(quote=text[s:e], start=s, end=e, match=MatchKind.normalized, score=1.0)
    result = fuzz.partial_ratio_alignment(fquote, ftext, score_cutoff=cutoff)
    if result is None or result.dest_end <= result.dest_start:
        return None
    s, e = index[result.dest_start], index[result.dest_end - 1] + 1
    return Evidence(quote=text[s:e], start=s, end=e, match=MatchKind.fuzzy, score=round(result.score / 100, 3))


@lru_cache(maxsize=8192)
def bounded(literal: str, not_before: str = r"\w", not_after: str = r"\w") -> re.Pattern:
    """``literal`` where the character before it is not in ``not_before`` and the one after not in ``not_after``.
    The literal comes first and the check before it is a lookbehind over the literal: re then scans for the
    literal directly, where a pattern that starts with a lookbehind is tried at every position of the text (many
    times slower on an article; the matches are the same; benchmarks/batch_bench.py measures the CPU per article)."""
    lit = re.escape(literal)
    return re.compile(rf"{lit}(?<!{not_before}{lit})(?!{not_after})")


def word_pattern(form: str) -> re.Pattern:
    """``form`` as a whole word sequence (no word character touching it on either side)."""
    return bounded(form)


def occurs(form: str, text: str) -> bool:
    """Does ``form`` occur in ``text`` as a whole word sequence (case-sensitive)?"""
    return bool(form) and word_pattern(form).search(text) is not None


def surface_form(name: str, text: str) -> str | None:
    """The way the article writes ``name``: itself, a case/quote variant, or a close fuzzy variant."""
    name = " ".join(name.split())
    if occurs(name, text):
        return name
    hit = re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text, flags=re.IGNORECASE)
    if hit:
        return hit.group()
    ev = align(name, text, cutoff=90.0)
    if ev is None or ev.match == MatchKind.fuzzy and len(name) < 6:
        return None
    candidate = ev.quote.strip(" '\".,;:")
    return candidate if occurs(candidate, text) else None


def acronym(name: str, text: str) -> str | None:
    """An acronym the article gives in brackets after the name: 'African Union (AU)'."""
    hit = re.search(re.escape(name) + r"\s*\(([A-Z][A-Za-z0-9&-]{1,9})\)", text)
    return hit.group(1) if hit else None

