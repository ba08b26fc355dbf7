"""Grounding: what the article's text says, found without a model.

- ``alignment``: quotes aligned to character spans (exact, normalized, fuzzy), whole-word search, surface forms.
- ``countries``: ISO country codes from names and demonyms, capitals, cities and provinces.
- ``dates``: date expressions found in a sentence and resolved against the publication date.
- ``name_finder``: the proper names of an article with the office and country written next to them.
- ``ner``: spaCy's recognizer and parser, which the name finder asks whether a capitalized span is a name.

The word tables these read are YAML files beside them (see ``summarizer.rules``).
"""

from ..names import fold_accents, surname
from .alignment import FUZZY_CUTOFF, acronym, align, bounded, folded, occurs, surface_form, word_pattern
from .countries import (
    capital_of,
    country_code,
    is_city,
    is_country,
    is_country_name,
    is_demonym,
    is_subdivision,
    load_tables,
    locative_only,
    place_country,
)
from .dates import date_in, period, resolve_date, tense_of_date
from .name_finder import AFFILIATION_ROLES, ORG_WORDS, Candidate, is_name, name_candidates

__all__ = [
    "AFFILIATION_ROLES",
    "FUZZY_CUTOFF",
    "ORG_WORDS",
    "Candidate",
    "acronym",
    "align",
    "bounded",
    "capital_of",
    "country_code",
    "date_in",
    "fold_accents",
    "folded",
    "is_city",
    "is_country",
    "is_country_name",
    "is_demonym",
    "is_name",
    "is_subdivision",
    "load_tables",
    "locative_only",
    "name_candidates",
    "occurs",
    "period",
    "place_country",
    "resolve_date",
    "tense_of_date",
    "surface_form",
    "surname",
    "word_pattern",
]
