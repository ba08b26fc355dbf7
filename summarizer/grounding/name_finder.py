"""The name finder: the proper names an article uses, in order of first appearance, with the office and country
written just before them ("Russia's Foreign Minister Sergei Lavrov" -> "Russia"; "Sergei Lavrov", "Foreign
Minister", RUS). Its vocabulary (offices, stop words, institution nouns, ...) is ``name_finder.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..names import is_honorific
from ..rules import alternatives, load
from .alignment import bounded, word_pattern
from .countries import (
    capital_of,
    country_code,
    demonym_word,
    is_city,
    is_country,
    is_country_name,
    is_demonym,
)
from .dates import calendar_words
from .ner import (
    MIN_SUPPORT,
    affiliation_mention,
    coverage,
    entities_joined,
    entity_around,
    person_before_of,
    proper_nouns,
    starts_with_a_verb,
)

_RULES = load("summarizer.grounding", "name_finder.yaml")


def _words(key: str) -> str:
    """A rule list as regular-expression alternatives, each entry's words joined by any whitespace."""
    return alternatives(r"\s+".join(re.escape(w) for w in entry.split()) for entry in _RULES[key])


_CAP = rf"(?:[A-Z][\w'’.&-]*|(?:{_words('lowercase_articles')})-[A-Z][\w'’-]*)"
_LINK = rf"(?:\s+(?:{_words('name_links')})\s+|\s+)"
_SPAN = re.compile(rf"(?<![\w'’-]){_CAP}(?:{_LINK}{_CAP})*")
#: A name that ends in a word, not an abbreviation, and a period: the sentence's full stop ("U.N. Security Council.").
_FULL_STOP = re.compile(r"\b[A-Z][a-z]{3,}\.$")
_TITLE_WORDS = frozenset(_RULES["title_words"])
_STOP = frozenset(_RULES["stop_words"])
ORG_WORDS = frozenset(_RULES["org_words"])


def _org_word(word: str) -> bool:
    """An organization's word, singular or plural ("Ministry", "Forces")."""
    return word.lower().rstrip("s") in ORG_WORDS


_GROUP_NOUN = re.compile(rf"\s+({_words('group_nouns')})\b")
_CALENDAR = frozenset(calendar_words())
_OUTLETS = tuple(_RULES["outlets"])
AFFILIATION_ROLES = tuple(_RULES["affiliation_roles"])
_ROLES = frozenset(AFFILIATION_ROLES)


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
    if tokens and _QUALIFIER_END.fullmatch(tokens[-1]):
        return []  # "United Nations-appointed rapporteur", "U.N.-organized meeting": a qualifier, not a name
    while tokens and (tokens[-1].lower().strip(",.") in _CALENDAR or tokens[-1].lower() in _ADVERBS):
        tokens = tokens[:-1]  # "Paris Monday", a heading run into the next sentence ("Moise Shortly")
    if len(tokens) == 2 and _two_names(*tokens):
        first = tokens[0].rstrip(".") if tokens[0].count(".") == 1 else tokens[0]
        return [(first, None, None), (tokens[1], None, None)]
    owner = None
    while tokens and re.search(r"['’]s$", tokens[0]):  # a possessive starts a new name: "Russia's"
        head = _strip_possessive(tokens[0])
        parts.append((head, None, None))
        owner = country_code(head)
        tokens = tokens[1:]
    if (len(tokens) > 2 and owner is None and tokens[1].lower() in _TITLE_WORDS
            and tokens[0].lower() not in _TITLE_WORDS):
        owner = _owner(tokens[0])  # "U.S. President Donald Trump", "Canadian Foreign Minister Melanie Joly"
        if owner:
            parts.append((tokens[0], None, None))
        if owner or is_demonym(tokens[0]):  # but "U.N. Security Council" stays whole
            tokens = tokens[1:]
    split = _title_inside(tokens)
    if split is not None:
        inside_name, inside_title, inner = split
        return parts + [(inside_name, inside_title, owner or inner)]
    title_words: list[str] = []
    while len(tokens) > 1 and (
        tokens[0].lower().rstrip(".") + ("." if tokens[0].endswith(".") else "") in _TITLE_WORDS
        or is_honorific(tokens[0])  # "Mr Arafat", "Ms Bradford": British style writes no period
        or (title_words and tokens[0].lower() in ("of", "the") and tokens[1].lower() in _TITLE_WORDS | {"the"})
    ):
        title_words.append(tokens.pop(0))
    org_word = any(_org_word(t) for t in tokens)
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
# is slow to search (it can start anywhere in the text before the name): it runs only when that text ends with
# one of the offices.
_OFFICES = tuple(_RULES["lowercase_offices"])
_OFFICE_WORDS = frozenset(_OFFICES)
_OFFICE_BEFORE = re.compile(rf"((?:[A-Z][a-z]+\s+){{0,2}}(?:[a-z]+\s+)?(?:{'|'.join(_OFFICES)}))\s+$")
_QUALIFIER = re.compile(rf"[A-Z][\w.'’]*-(?:{_words('qualifier_suffixes')})")
_QUALIFIER_END = re.compile(rf"[\w.'’]+-(?:{_words('qualifier_suffixes')})")
_ADVERBS = frozenset(_RULES["trailing_adverbs"])
# A span right after the outlet's name ("VOA Somali"); the name first so that re scans for it (a leading word
# boundary would be tried at every position of the sentence).
_AFTER_OUTLET = re.compile(alternatives(rf"{re.escape(o)}(?<!\w{re.escape(o)})(?:['’]s)?\s*$" for o in _OUTLETS))
_BYLINE = re.compile(rf"{alternatives(_RULES['byline_cues'])}|for (?:{alternatives(_OUTLETS)})\b", re.I)
_COMPASS = frozenset(_RULES["place_prefixes"])


def _two_names(first: str, second: str) -> bool:
    """Two names run together by a lost line break or comma: "Erdogan Ankara" (a name and a capital),
    "U.N. Wong" (an abbreviation and a name)."""
    whole = f"{first} {second}"
    if (is_country_name(whole) or country_code(whole, fuzzy=False) or first.lower() in _COMPASS | _TITLE_WORDS
            or is_honorific(first)):
        return False
    if (capital_of(second) or is_country_name(second)) and not demonym_word(first):
        return True
    return re.fullmatch(r"(?:[A-Z]\.){2,}", first) is not None and not _org_word(second)


def _is_title_word(token: str) -> bool:
    low = token.lower()
    return (low in _TITLE_WORDS or low.rstrip("s") in _TITLE_WORDS
            or (low.endswith("ies") and low[:-3] + "y" in _TITLE_WORDS))


def _title_inside(tokens: list[str]) -> tuple[str, str, str | None] | None:
    """A name after an office that does not start the span: "Lamu County Commissioner Irungu Macharia",
    "Democratic U.S. Congressman Andy Levin of Michigan", "Chamber of Deputies Arnel Belizaire"."""
    at = max((i for i, t in enumerate(tokens) if _is_title_word(t)), default=None)
    if not at or at == len(tokens) - 1 or all(_is_title_word(t) or t.lower() in ("of", "the") for t in tokens[:at]):
        return None
    rest = tokens[at + 1:]
    if " of " in " ".join(rest):
        rest = rest[: rest.index("of")]  # "Andy Levin of Michigan"
    if not 2 <= len(rest) <= 4 or any(_org_word(t) or t.lower() in _STOP for t in rest):
        return None
    if not all(re.fullmatch(r"[A-Z][\w'’-]*", t) or t in _LINK_WORDS for t in rest) or not rest[-1][:1].isupper():
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
    if re.fullmatch(r"[\d\W]+", name) or name.startswith(_OUTLETS):
        return False
    if re.search(r"\d", name) and not re.fullmatch(r"[GP]\d{1,2}", name):
        return False  # "F-16", "S-400s", "Turkish F-35": weapons and models, not actors ("G7" stays)
    if len(words) == 1 and (demonym_word(name) or (low.endswith("s") and demonym_word(name[:-1]))):
        return False  # a demonym ("Egyptian", "Somali", "Ukrainians") is not a name
    if "-" in name and all(country_code(p, fuzzy=False) for p in name.split("-")):
        return False  # "Russia-Ukraine" qualifies something else
    if len(words) == 1 and bounded(low, r"[\w.]").search(text) and name != low:
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
               for m in word_pattern(form).finditer(text)) and not (
        "-" in form and any(len(p) >= 3 and is_country(p) for p in form.split("-")))



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


def _participle(word: str) -> bool:
    """A present participle opening a sentence ("Underlining India's ...", "Citing Reuters"), which the small
    recognizer may tag a proper noun: a capitalized word ending in -ing that is no place ("Beijing")."""
    return re.fullmatch(r"[A-Z][a-z]{2,}ing", word) is not None and not (country_code(word, fuzzy=False)
                                                                       or capital_of(word) or is_city(word))


def _sentence_initial(span: str, text: str, at: int) -> str:
    """Drop a sentence-initial word that is not part of the name: one the article also writes in lower case
    ("Beyond Ukraine" -> "Ukraine"), a verb by the recognizer's tags or a participle ("Underlining India")."""
    tokens = span.split()
    if len(tokens) > 1 and (_common_word(tokens[0], text) or starts_with_a_verb(text, at) or _participle(tokens[0])):
        return " ".join(tokens[1:])
    return span


def _names_in(span: str, text: str, at: int, sentence_start: bool) -> list[tuple[str, str | None, str | None]]:
    """The (name, title, country) triples of one capitalized span, cleaned and filtered."""
    span = span.rstrip(",;:'’")
    if sentence_start:
        span = _sentence_initial(span, text, at)
    parts = [span]
    if " and " in span and not _org_word(span.split()[-1]):
        parts = span.split(" and ")  # "Russia and Iran", but "Intelligence and Security Agency" stays whole
    out = []
    for piece in [p for part in parts for p in _pieces(part)]:
        for name, title, owner in _split_span(piece.rstrip(".") if piece.count(".") == 1 else piece, text, at):
            name = name.strip(",;:'’\"")
            if name.endswith(".") and (name.count(".") == 1 or _FULL_STOP.search(name)):
                name = name[:-1]  # the sentence's full stop, not an abbreviation's: "U.N. Security Council."
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
            if _AFTER_OUTLET.search(sentence.text, 0, hit.start()) or hit.group().startswith(_OUTLETS):
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
        if k <= 2 and any(m > k and (n.endswith(" " + name) or (k == 1 and n.startswith(name + " ")
                                                                 and not _organ_of(name, n, text)))
                          for n, m in size.items()):
            continue  # "Lavrov" is "Sergei Lavrov", "Kim" is "Kim Jong Un"; "Taliban" is not "Taliban Foreign Ministry"
        if any(_GROUP_NOUN.fullmatch(n[len(name):]) for n in found if n.startswith(name + " ")):
            continue  # "Village de Dieu" is the "Village de Dieu gang"
        out.append(found[name])
    kept: dict[str, Candidate] = {}
    for c in out:
        for r in _recognized(c, text):
            kept.setdefault(r.name, r)  # the first of a name wins
    return list(kept.values())[:limit]


def _organ_of(name: str, longer: str, text: str) -> bool:
    """Is ``longer`` an organ of the body ``name`` ("Taliban Foreign Ministry": it ends with an organization's
    word), and is ``name`` also written alone, where the recognizer sees an entity ("the Taliban")? The body is
    then another actor, not a short form of its organ's name. A people's name ("Baloch" of "Baloch Liberation
    Army") is no entity of those kinds."""
    if not _org_word(longer.split()[-1]):
        return False
    rest = longer[len(name):]
    return any(not text.startswith(rest, m.end()) and coverage(text, m.start(), m.end()) >= MIN_SUPPORT
               for m in word_pattern(name).finditer(text))


def _recognized(candidate: Candidate, text: str) -> list[Candidate]:
    """The candidate as the recognizer and the parser see it: kept where an entity covers most of it at one of its
    mentions or its capitalized words are all proper nouns (a country, a capital, a name written with an office are
    kept anyway); dropped when every mention is someone's affiliation; a person's name cut from an affiliation the
    capitalized span ran on into ("Soli Ozel of Istanbul's Kadir Has University" -> "Soli Ozel"); two names that
    an "and" joined into one span split ("NATO and European Union" -> "NATO", "European Union"); completed to the
    recognizer's longer name where the article never writes the span alone (:func:`_longer_form`); none where it is
    only ever in quotation marks (a title: "the book, "Political Analysis," was banned")."""
    name = candidate.name
    mentions = [(m.start(), m.end()) for m in word_pattern(name).finditer(text)]
    if mentions and all(_quoted(text, start, end) for start, end in mentions):
        return []  # always in quotation marks: the title of a book or a report, a coined phrase, not an actor
    longer = _longer_form(name, mentions, text)
    if longer is not None:  # "General Statistics Office", which the span lost a word of, is read as a whole
        candidate, name = Candidate(longer, candidate.title, candidate.country), longer
        mentions = [(m.start(), m.end()) for m in word_pattern(name).finditer(text)]
    if " and " in name:
        for start, end in mentions:
            parts = entities_joined(text, start, end)
            if parts:  # "NATO and European Union military brass": two bodies, not one
                return [Candidate(p) for p in parts]
    if " of " in name:
        for start, end in mentions:
            person = person_before_of(text, start, end)
            if person:
                return [Candidate(person, candidate.title, candidate.country)]
    if candidate.title is not None or is_country(name) or capital_of(name):
        return [candidate]
    if mentions and all(affiliation_mention(text, start, end, _ROLES, _OFFICE_WORDS) for start, end in mentions):
        return []  # only ever someone's affiliation ("a fellow at the Hudson Institute"): no actor (guideline)
    if any(coverage(text, start, end) >= MIN_SUPPORT or proper_nouns(text, start, end) for start, end in mentions):
        return [candidate]
    return []


_LINK_WORDS = frozenset(w for entry in _RULES["name_links"] for w in entry.split()) | {"the", "&"}


def _quoted(text: str, start: int, end: int) -> bool:
    """Is text[start:end] written alone inside quotation marks ("the book, "Political Analysis," was banned")?"""
    return text[start - 1: start] in ('"', "“") and text[end: end + 2].lstrip(",")[:1] in ('"', "”")


def _longer_form(name: str, mentions: list[tuple[int, int]], text: str) -> str | None:
    """The recognizer's longer form of a capitalized span that the article never writes alone: an organization,
    facility or person whose name small words, an ampersand or a word the span lost at a sentence's start
    complete ("Dezan Shira & Associates", "General Statistics Office", "Directorate of Information and Culture",
    "Ursula von der Leyen"). Only capitalized words and the name links may complete it. An office or a common
    word capitalized at a sentence's start may only where the name is an organization's ("General Statistics
    Office", but "President Donald Trump" is "Donald Trump", "Lawyer Lionel Bethune de Moro" is a lawyer); a verb
    never ("Citing Reuters"). Never a possessive, a country or a capital ("Turkey's Foreign Ministry", "U.S. State
    Department", "Erdogan Ankara" are two names), nor two
    single words joined by "and" ("Bocaranga and Bazoum"); a country's or a capital's name is never the piece of
    another name."""
    if not mentions or is_country(name) or capital_of(name):
        return None
    forms, first_start = set(), None
    for start, end in mentions:
        found = entity_around(text, start, end)
        if found is None:
            return None  # written alone at least once: a name of its own
        s, e, _ = found
        if re.search(r"[][()]", text[s:e]):
            return None  # "[U.N.] Security Council": an editor's bracket, not a name
        article = re.match(r"[Tt]he\s+", text[s:e])  # "the General Statistics Office": the name starts after it
        begin = s + (article.end() if article else 0)
        forms.add(_strip_possessive(text[begin:e]))
        first_start = begin if first_start is None else first_start
    if len(forms) != 1 or first_start is None:
        return None
    longer = forms.pop()
    at = longer.find(name)
    words = longer.split()
    extra = (longer[:at] + " " + longer[at + len(name):]).split() if at >= 0 else []
    if (not extra or re.search(r"['’]s\b", longer) or not words[-1][:1].isupper()
            or any(not (w[:1].isupper() or w in _LINK_WORDS) for w in extra)
            or (any(_is_title_word(w) or (w[:1].isupper() and _common_word(w, text)) for w in extra)
                and not _org_word(words[-1]))
            or any(_owner(w) or capital_of(w) or is_demonym(w) or _participle(w) for w in extra)
            or (at > 0 and starts_with_a_verb(text, first_start))
            or re.fullmatch(r"\S+ and \S+", longer)):
        return None
    return longer


def _common_word(word: str, text: str) -> bool:
    """Is the word also written in lower case in the article ("Lawyer" and "lawyer", "Beyond" and "beyond"): a
    common word, not part of a name?"""
    return bounded(word.lower(), r"[\w'’]", r"[\w'’]").search(text) is not None
