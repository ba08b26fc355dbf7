"""From the model's drafts to the public schema: actors merged and enriched, meetings and conflicts completed
from the sentences they cite (place, its country, date, mode, host, topics, violent events and casualties), and
duplicates merged. Everything here is deterministic and reads only the article."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .article import Article
from .extraction import ActorDraft, EventsPass, SingleCall

from .grounding import (
    ORG_WORDS,
    Candidate,
    acronym,
    align,
    capital_of,
    country_code,
    _word_pattern,
    fold_accents,
    is_city,
    is_country_name,
    is_demonym,
    is_subdivision,
    occurs,
    place_country,
    resolve_date,
    surface_form,
    surname,
)
from .schema import (
    Actor,
    ActorKind,
    Conflict,
    ConflictEvent,
    EventType,
    Evidence,
    MatchKind,
    Meeting,
    MeetingMode,
    MeetingStatus,
)

MAX_EVIDENCE = 3


def sentence_evidence(article: Article, numbers: list[int], limit: int = MAX_EVIDENCE) -> list[Evidence]:
    """Exact quotes of the given sentences (distinct texts, in article order)."""
    seen: set[str] = set()
    spans = []
    for n in sorted(set(numbers)):
        if not 1 <= n <= len(article.sentences):
            continue
        s = article.sentences[n - 1]
        if s.text in seen:
            continue
        seen.add(s.text)
        spans.append(Evidence(quote=s.text, start=s.start, end=s.end, match=MatchKind.exact, score=1.0, sentence=n))
    return spans[:limit]


def mention_sentences(article: Article, forms: list[str]) -> list[int]:
    """Numbers of the sentences that mention any of the forms: one search of the text per form."""
    sentences = article.sentences
    starts = [s.start for s in sentences]
    found = set()
    for form in forms:
        for m in _word_pattern(form).finditer(article.text) if form else ():
            i = bisect.bisect_right(starts, m.start()) - 1
            if i >= 0 and m.end() <= sentences[i].end:
                found.add(sentences[i].number)
    return sorted(found)


@dataclass
class _Entity:
    """One actor being assembled: its canonical draft, every form it goes by, and the drafts merged into it."""

    draft: ActorDraft
    forms: list[str]
    drafts: list[ActorDraft]


def _context_of(name: str, article: Article | None) -> str:
    """The sentences that mention a name, joined."""
    if article is None:
        return ""
    return " ".join(s.text for s in article.sentences if occurs(name, s.text))


def enrich(drafts: list[ActorDraft], candidates: list[Candidate], article: Article | None = None) -> list[ActorDraft]:
    """Add the office and country written next to each name ("Russia's Foreign Minister Sergei Lavrov") and
    correct kinds the text contradicts: a country is a state, a titled name is a person; a country given any
    other kind was a place."""
    known = {c.name: c for c in candidates}
    out = []
    for d in drafts:
        cand = known.get(d.name, Candidate(d.name))
        is_country = is_country_name(d.name) or country_code(d.name, fuzzy=False) is not None and not capital_of(d.name)
        is_country = is_country and not is_subdivision(d.name)
        kind = d.kind
        if kind == ActorKind.state and is_subdivision(d.name):
            continue  # "California" labelled a state: a place (its government would be named so)
        if is_country and kind == ActorKind.government:
            kind = ActorKind.state
        elif is_country and kind not in (ActorKind.state, ActorKind.military):
            continue  # "Kazakhstan" labelled an international body: a location, not an actor
        elif kind in _STATEISH and not is_country and cand.title:
            kind = ActorKind.person  # "President Vladimir Putin" labelled a state
        elif kind == ActorKind.state and not is_country and not capital_of(d.name):
            kind = ActorKind.armed_group if VIOLENCE_CUE.search(_context_of(d.name, article)) else ActorKind.government
        if kind != ActorKind.person and not is_country and capital_of(d.name):
            kind = ActorKind.state  # "Washington" labelled an international body: the capital stands for its state
        elif not_an_actor(d.name) or (kind != ActorKind.person and is_city(d.name)):
            continue
        country = cand.country
        if kind in (ActorKind.state, ActorKind.government, ActorKind.military):
            country = country_code(d.name) or country
        title = cand.title if kind == ActorKind.person else None
        out.append(d.model_copy(update={"kind": kind, "title": title, "country": country}))
    return out


_GENERIC = {"cabinet", "highway", "families", "thanks", "international", "civil", "government", "parliament",
            "ministry", "army", "police", "military", "opposition", "president", "congress", "senate", "court"}
_ADJECTIVE = re.compile(r"[A-Z][a-z]+(?:ist|ian|can|ese|ish|ic)")


# Names of events and documents, not of actors: "Hanoi Summit", "State of the Union", "Minsk Agreement".
_EVENT_NAME = re.compile(
    r".*\b(?:Summit|Conference|Talks|Process|Agreement|Accords?|Act|Treaty|Deal|Plan|Initiative|Protocol|"
    r"Convention|Declaration|Resolution|Address|Speech|Elections?|Games|Cup|Award|Prize|Day|Eve)|State of the Union")


def not_an_actor(name: str) -> bool:
    """Words the model may label that cannot be an actor on their own: a lone generic or adjective
    ("Cabinet", "International", "Islamist", "African"), the name of an event or a document ("Hanoi Summit").
    "Congress" or "Parliament" alone are kept."""
    return (name.lower() in _GENERIC - {"congress", "parliament", "senate"} or _ADJECTIVE.fullmatch(name) is not None
            or _EVENT_NAME.fullmatch(name) is not None)


def guess_kind(name: str) -> ActorKind:
    """A kind for a name no pass labelled: a country is a state, an organization word makes an organization,
    two or three capitalized words make a person, anything else an armed group or other body."""
    if is_country_name(name) or country_code(name, fuzzy=False):
        return ActorKind.state
    words = name.split()
    if any(w.lower().rstrip("s") in ORG_WORDS for w in words):
        return ActorKind.organization
    if 2 <= len(words) <= 3 and all(w[0].isupper() for w in words):
        return ActorKind.person
    return ActorKind.armed_group


_STATEISH = (ActorKind.state, ActorKind.government)


def _country_of_name(name: str) -> str | None:
    """The country a name is or stands for ("U.S." -> USA, "Pyongyang" -> PRK), without fuzzy guessing."""
    return country_code(name, fuzzy=False) or country_code(name.replace(".", ""), fuzzy=False) or capital_of(name)


def initials(name: str) -> str:
    """The capitals' initials of a name, small words skipped: "Democratic People's Republic of Korea" -> DPRK."""
    return "".join(w[0] for w in re.split(r"[\s-]+", name) if w[:1].isupper())


def _letters(name: str) -> str:
    return re.sub(r"[^A-Za-z]", "", name)


_COUNTS = {7: "seven", 8: "eight", 20: "twenty"}


def same_actor(a: ActorDraft, b: ActorDraft) -> bool:
    """Do two drafts name one actor? The same name; a person and their surname or leading name ("Lavrov",
    "Kim" for "Kim Jong Un"); two states of one country code ("U.S.", "United States", "Washington"); an
    acronym and the name it abbreviates ("NISA", "HNP", "U.N.")."""
    if a.name.casefold() == b.name.casefold():
        return True
    if a.kind == b.kind == ActorKind.person:
        short, full = sorted((a.name, b.name), key=lambda n: len(n.split()))
        words = full.split()
        if len(short.split()) == 1 and len(words) > 1:
            last = _core(surname(full) or words[-1])
            if short in (words[0], words[-1], surname(full)) or _core(short) == last:
                return True  # "Lavrov", "Kim", "Assad" for "Bashar al-Assad"
            if len(short) >= 5 and short[0] == last[0] and fuzz.ratio(short, last) >= 85:
                return True  # "Pederson" for "Geir Pedersen": a spelling variant the article also uses
        elif len(words) > 1 and len(short.split()) > 1 and fold_accents(short) == fold_accents(full):
            return True  # "Jovenel Moise" and "Jovenel Moïse"
    if a.kind in _STATEISH and b.kind in _STATEISH:
        code = _country_of_name(a.name)
        if code is not None and code == _country_of_name(b.name):
            return True
    if a.kind != ActorKind.person and b.kind != ActorKind.person:
        short, full = sorted((a.name, b.name), key=len)
        group = re.fullmatch(r"G-?(\d{1,2})", short)
        if group and full.casefold() == f"group of {_COUNTS.get(int(group.group(1)), group.group(1))}":
            return True  # "G7" and "Group of Seven"
        letters = _letters(short)
        if 2 <= len(letters) <= 8 and letters.isupper() and len(full.split()) > 1 and initials(full) == letters:
            return True
    return False


def _core(name: str) -> str:
    """A surname without its Arabic article: "al-Assad" -> "Assad"."""
    return re.sub(r"^(?:al|el|ad|as|ash)[-\s]", "", name, flags=re.I)


def known_as(article: Article) -> list[tuple[str, str]]:
    """Pairs (name, nickname) the article states: "Mohamed, known by his nickname Farmajo", "also known as X"."""
    pattern = re.compile(
        r"([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}),?\s+(?:also\s+|better\s+|popularly\s+|widely\s+)?known\s+"
        r"(?:by\s+(?:his|her|the)\s+(?:nickname|name)\s+|as\s+)[\"“]?([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})")
    return [(m.group(1), m.group(2)) for m in pattern.finditer(article.text)]


def merge_actors(drafts: list[ActorDraft], article: Article) -> list[_Entity]:
    """One entity per actor (see same_actor), every surface form kept as an alias."""
    entities: list[_Entity] = []
    nicknames = known_as(article)

    def called(name: str, written: str) -> bool:
        return occurs(written, name) or occurs(name, written)

    def nickname(a: ActorDraft, b: ActorDraft) -> bool:
        return bool(nicknames) and a.kind == b.kind and any(
            (called(a.name, x) and y == b.name) or (called(b.name, x) and y == a.name) for x, y in nicknames)

    for draft in drafts:
        ent = next((e for e in entities if any(same_actor(draft, d) or nickname(draft, d) for d in e.drafts)), None)
        if ent is None:
            entities.append(_Entity(draft, [draft.name], [draft]))
            continue
        ent.drafts.append(draft)
        if _better_name(draft, ent.draft):  # keep the country's name, else the fullest form, as canonical
            ent.forms.append(ent.draft.name)
            ent.draft = draft.model_copy(update={"title": draft.title or ent.draft.title})
        else:
            ent.forms.append(draft.name)
            if not ent.draft.title and draft.title:
                ent.draft.title = draft.title
    for ent in entities:
        extra = [surname(ent.draft.name) if ent.draft.kind.value == "person" else None, acronym(ent.draft.name, article.text)]
        ent.forms = dedupe([ent.draft.name, *ent.forms, *[x for x in extra if x and occurs(x, article.text)]])
    return entities


def _better_name(new: ActorDraft, old: ActorDraft) -> bool:
    if new.kind in _STATEISH and old.kind in _STATEISH and is_country_name(new.name) != is_country_name(old.name):
        return is_country_name(new.name)
    return len(new.name) > len(old.name)


def dedupe(items: list[str]) -> list[str]:
    seen, out = set(), []
    for item in items:
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out


# Roles that make an organization someone's affiliation; not its own leadership ("Arab League head" acts for it).
_ROLE = (r"(?:analyst|fellow|expert|researcher|scholar|director|professor|lecturer|specialist|economist|associate|"
         r"adviser|advisor|scientist|strategist|veteran|staffer|alumnus|graduate|correspondent|reporter|editor|"
         r"columnist|commentator|consultant|historian)s?")
_AFFILIATION_BEFORE = re.compile(
    rf"(?:\b{_ROLE}\b[^,.;()“”\"]{{0,50}}|\b(?:lectures|teaches|works|worked|studies|studied)\b[^.;]{{0,60}})"
    r"\b(?:at|of|with|from|for|in)\s+(?:the\s+)?$", re.I)
_AFFILIATION_AFTER = re.compile(rf"^(?:['’]s)?\s+(?:[a-z]+\s+)?{_ROLE}\b|^['’]s\s+[A-Z][a-z]+\s+[A-Z]", re.I)
_MEDIA_BEFORE = re.compile(r"\b(?:told|interview with|speaking to|spoke to|quoted by|cited by|reported by|"
                           r"report by|broadcast by|published by|according to)\s+(?:the\s+)?$", re.I)
_MEDIA_AFTER = re.compile(r"^(?:['’]s)?\s+(?:news agency|reported|reports|quoted|cited|television|newspaper|"
                          r"broadcaster|reporters?|correspondents?)\b", re.I)
_METONYMY_AFTER = re.compile(
    r"^(?:['’]s\b|\s+(?:has|have|had|is|was|says|said|wants|wanted|warned|will|would|could|may|might|must|should|"
    r"insists|insisted|accused|rejected|announced|threatened|demanded|refused|agreed|hopes|believes|sees|sent|"
    r"responded|denied|called|urged|plans|needs|seeks|sought|imposed|considers|and|to)\b)")
_METONYMY_BEFORE = re.compile(r"\b(?:between|with|and|by|against|pressure on|ties to|relations with)\s+$")
# Seats of government written for the state they stand for ("the Kremlin said").
SEATS = {"White House": "USA", "State Department": "USA", "Pentagon": "USA", "Oval Office": "USA", "Kremlin": "RUS",
         "Elysee": "FRA", "Élysée": "FRA", "Downing Street": "GBR", "Blue House": "KOR", "Zhongnanhai": "CHN"}


def _spots(forms, text: str) -> list[re.Match]:
    """Every whole-word occurrence in ``text`` of any of the forms."""
    return [m for f in forms for m in _word_pattern(f).finditer(text)]


def _mentions(ent: _Entity, text: str) -> list[tuple[str, str]]:
    """(text before, text after) around every mention of an entity's forms."""
    return [(text[max(0, m.start() - 90): m.start()], text[m.end(): m.end() + 40]) for m in _spots(ent.forms, text)]


def _why_not_actor(ent: _Entity, text: str, codes: set[str]) -> str | None:
    """Why an entity is no actor of this article, or None: an organization named only as someone's affiliation
    ("a fellow at the Brookings Institution") or only as a medium ("told Reuters"); a capital used only as a
    place. (Guideline: eval/GUIDELINE.md.)"""
    kind, around = ent.draft.kind, _mentions(ent, text)
    if not around:
        return None
    if kind in (ActorKind.organization, ActorKind.international_body, ActorKind.government):
        if all(_AFFILIATION_BEFORE.search(b) or _AFFILIATION_AFTER.search(a) for b, a in around):
            return "affiliation"
        if all(_MEDIA_BEFORE.search(b) or _MEDIA_AFTER.search(a) for b, a in around):
            return "medium"
    if kind == ActorKind.state and all(capital_of(f) and not is_country_name(f) for f in ent.forms):
        code = capital_of(ent.draft.name)
        if code not in codes and not any(_METONYMY_AFTER.search(a) or _METONYMY_BEFORE.search(b) for b, a in around):
            return "place"
    return None


def _seat_country(ent: _Entity) -> str | None:
    """The state a government body belongs to when it is one of its organs: a seat of government ("Kremlin"),
    or a ministry written with its country ("Russia's Foreign Ministry")."""
    seat = next((SEATS[f] for f in ent.forms if f in SEATS), None)
    if seat:
        return seat
    if ent.draft.kind != ActorKind.government:
        return None
    if ent.draft.country and re.search(r"\b(?:Ministry|Department|Government|Presidency|Foreign Office)\b", ent.draft.name):
        return country_code(ent.draft.country)
    return None


def prune(entities: list[_Entity], article: Article, warnings: list[str]) -> list[_Entity]:
    """Fold organs of a state into the state ("State Department" into the United States: one actor per
    entity) and drop what the article does not present as an actor, listed in the warnings."""
    states = {}
    for ent in entities:
        if ent.draft.kind == ActorKind.state:
            code = _country_of_name(ent.draft.name) or country_code(ent.draft.name)
            if code:
                states.setdefault(code, ent)
    kept, dropped = [], []
    for ent in entities:
        home = states.get(_seat_country(ent) or "")
        if home is not None and home is not ent:
            home.forms = dedupe([*home.forms, *ent.forms])
            home.drafts += ent.drafts
            continue
        why = _why_not_actor(ent, article.text, set(states) - {capital_of(ent.draft.name)})
        if why:
            dropped.append(f"{ent.draft.name} ({why})")
            continue
        kept.append(ent)
    if dropped:
        warnings.append("named but not actors here: " + ", ".join(dropped))
    return kept


def build_actors(entities: list[_Entity], article: Article, warnings: list[str]) -> list[Actor]:
    actors = []
    for ent in prune(entities, article, warnings):
        d = ent.draft
        code = country_code(d.country)
        if d.country and code is None:
            warnings.append(f"actor {d.name!r}: unknown country {d.country!r} left empty")
        evidence = sentence_evidence(article, mention_sentences(article, ent.forms))
        if not evidence:
            warnings.append(f"actor {d.name!r} dropped: no sentence of the article names it")
            continue
        actors.append(
            Actor(
                id=f"a{len(actors) + 1}", name=d.name, aliases=[f for f in ent.forms if f != d.name], kind=d.kind,
                title=d.title or None, country=code, evidence=evidence,
            )
        )
    return actors


_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|March|Mar|April|Apr|May|June|Jun|July|Jul|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_DATE = re.compile(
    rf"\b(?:(?:on|late|early|last|next|this|by)\s+)?{_WEEKDAY}(?:\s+(?:night|morning|evening|afternoon))?\b"
    rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,\s*\d{{4}})?\b"
    rf"|\b\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?\b"
    r"|\b(?:yesterday|today|tomorrow|tonight)\b"
    r"|\b(?:earlier|later|next|last|this)\s+(?:this\s+)?(?:week|month|year)\b"
)
MEETING_CUE = re.compile(
    r"\b(?:met|meet\w*|talks|visit\w*|summit|host(?:s|ed|ing)|(?:phone |telephone )?calls? (?:with|between)|phoned|"
    r"telephoned|spoke (?:with|to)|negotiat\w*|discussions|consultations|"
    r"conven\w*|gather\w*|conference)\b", re.I)
STRONG_VIOLENCE = re.compile(
    r"\b(?:attack\w*|kill\w*|air ?strikes?|airstrikes?|war|wars|fight\w*|fought|clash\w*|bomb\w*|militant\w*|"
    r"insurgen\w*|siege|violen\w*|shoot\w*|shot|death toll|gunmen|rebels?|offensive|battle\w*|shell(?:ing|ed)|"
    r"hostages?|hijack\w*|raids?|casualt\w*|wounded|injured|massacre\w*|terror\w*|combat|invasion|invaded|"
    r"separatists?|jihadi?\w*|gangs?|executions?|assassinat\w*)\b", re.I)
_HYPOTHETICAL = re.compile(r"\b(?:would|could|might|may|if|threat\w*|fears?|risk\w*|warn\w*|unless)\b", re.I)


def violent(sentence: str) -> bool:
    """Does a sentence report violence (not a threat of it: "could lead to an all-out war")?"""
    return STRONG_VIOLENCE.search(sentence) is not None and _HYPOTHETICAL.search(sentence) is None


VIOLENCE_CUE = re.compile(
    r"\b(?:attack\w*|kill\w*|strikes?|war|fight\w*|fought|clash\w*|bomb\w*|militant\w*|insurgen\w*|troops|"
    r"ceasefire|cease-fire|conflict|siege|violen\w*|shoot\w*|shot|dead|death toll|gunmen|rebels?|offensive|"
    r"battle\w*|shell\w*|missiles?|drones?|hostages?|hijack\w*|raids?|armed|casualt\w*|wounded|injured)\b", re.I)


_DEMONYM_WORD = re.compile(r"\b[A-Z][a-z]+(?:an|ian|ese|ish|ean|i)s?\b")


def mentions(actor: Actor, text: str) -> bool:
    """Does a sentence mention the actor: one of its names, or for a state its adjective ("Ukrainian officials"
    stand for Ukraine when no one of them is named)?"""
    if any(occurs(f, text) for f in (actor.name, *actor.aliases)):
        return True
    if actor.kind != ActorKind.state or not actor.country:
        return False
    return actor.country in _demonym_codes(text)


@lru_cache(maxsize=4096)
def _demonym_codes(text: str) -> frozenset[str]:
    """The countries a sentence names by adjective."""
    return frozenset(code for w in _DEMONYM_WORD.finditer(text) if (code := _demonym_code(w.group())))


@lru_cache(maxsize=4096)
def _demonym_code(word: str) -> str | None:
    return country_code(word.rstrip("s"), fuzzy=False) if is_demonym(word) else None


def cue_sentences(article: Article, cue: re.Pattern, actors: list[Actor] | None = None, min_actors: int = 0,
                  limit: int = 12, sentences: list | None = None) -> list[int]:
    """Numbers of the sentences (distinct texts; of ``sentences`` when given) that contain a cue word and
    mention at least ``min_actors``."""
    seen, found = set(), []
    for s in article.sentences if sentences is None else sentences:
        if s.text in seen or not cue.search(s.text):
            continue
        mentioned = sum(mentions(a, s.text) for a in actors or [])
        if mentioned >= min_actors:
            seen.add(s.text)
            found.append((mentioned, s.number))
    # Past the limit, the sentences that name the most actors (a meeting late in the article is kept).
    return sorted(n for _, n in sorted(found, key=lambda x: (-x[0], x[1]))[:limit])


_PHONE = re.compile(r"\b(?:phone|telephone|call(?:ed)?|spoke by)\b", re.I)
_VIDEO = re.compile(r"\b(?:video(?:conference| call| link)?|virtual(?:ly)?|online)\b", re.I)
_MULTI = re.compile(r"\b(?:summit|conference|G7|G20|Group of Seven|gathering|forum|assembly|ministerial)\b", re.I)
_TOPIC_CUE = re.compile(r"\b(?:discuss\w*|talk\w* (?:on|about)|focus\w* on|on|about|over|regarding)\b", re.I)
_EVENT_TYPES = [(kind, re.compile(rf"\b(?:{words})\b", re.I)) for kind, words in [
    (EventType.air_strike, r"air ?strikes?|airstrikes?|air raids?|bombing raids?|warplanes?"),
    (EventType.drone_strike, r"drones?"),
    (EventType.missile_strike, r"missiles?|rockets?"),
    (EventType.shelling, r"shell(?:ing|ed)|artillery|mortars?"),
    (EventType.bombing, r"bomb(?:ing|s|ed)?|explosions?|explosives?|blasts?|suicide"),
    (EventType.hostage_taking, r"hostages?|hijack\w*|kidnap\w*|abduct\w*"),
    (EventType.clash, r"clash(?:es|ed)?|fighting|battles?|fought"),
    (EventType.shooting, r"shoot\w*|shot|gunmen|gunfire|opened fire"),
    (EventType.attack, r"attack\w*|raids?|storm\w*|ambush\w*|assault\w*|killed|massacre"),
]]  # in order of precedence: a sentence's event is the first type it names
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_COUNT = r"(\d[\d,]*|" + "|".join(_NUMBER_WORDS) + r"|dozens?|hundreds?)"
_KILLED = re.compile(r"kill|dead|died|death toll|left|leaving", re.I), [
    re.compile(rf"\b(?:killing|killed|kills|left|leaving)\s+(?:at least\s+|more than\s+|about\s+|nearly\s+)?{_COUNT}\b", re.I),
    re.compile(rf"\b{_COUNT}\s+(?:\w+\s+){{0,3}}(?:were\s+|was\s+|have been\s+|had been\s+)?(?:killed|dead|died)\b", re.I),
    re.compile(rf"\bdeath toll\b.*?\b(?:to|of|at)\s+{_COUNT}\b", re.I),
    re.compile(rf"\bshooting dead\s+{_COUNT}\b", re.I),
]
_INJURED = re.compile(r"injur|wound|hurt", re.I), [
    re.compile(rf"\b{_COUNT}\s+(?:\w+\s+){{0,3}}(?:were\s+|was\s+)?(?:injured|wounded|hurt)\b", re.I),
    re.compile(rf"\b(?:injuring|wounding)\s+(?:at least\s+|more than\s+)?{_COUNT}\b", re.I),
]


def _number(text: str) -> int | None:
    low = text.lower().replace(",", "")
    if low.isdigit():
        return int(low)
    return _NUMBER_WORDS.get(low)


def _count(rule: tuple[re.Pattern, list[re.Pattern]], sentence: str) -> int | None:
    gate, patterns = rule
    if not gate.search(sentence):  # every pattern needs one of the gate's words: one quick scan rules most out
        return None
    for pattern in patterns:
        hit = pattern.search(sentence)
        if hit and _number(hit.group(1)) is not None:
            return _number(hit.group(1))
    return None


def date_in(sentence: str) -> str | None:
    """The first date expression of a sentence ("on Monday", "March 10", "next week"), as written."""
    hit = _DATE.search(sentence)
    return hit.group().strip() if hit else None


def places_in(sentence: str, places: list[str]) -> list[str]:
    """The known place names a sentence mentions, in order of appearance."""
    found = [(sentence.find(p), p) for p in places if occurs(p, sentence)]
    return [p for _, p in sorted(found)]


@dataclass
class Context:
    """What the builders need: the article, its place names, and each actor's forms and country."""

    article: Article
    places: list[str]
    actors: list[Actor]
    warnings: list[str] = field(default_factory=list)

    def forms(self, actor: Actor) -> list[str]:
        return [actor.name, *actor.aliases]

    def by_name(self) -> dict[str, Actor]:
        """Every form of every actor (canonical name, aliases), case-folded, to the actor."""
        return {f.casefold(): a for a in self.actors for f in (a.name, *a.aliases)}

    def sentence(self, n: int) -> str:
        return self.article.sentences[n - 1].text


def build_meetings(drafts: EventsPass, ctx: Context) -> list[Meeting]:
    """One meeting per cited sentence, completed from that sentence; the same meeting told twice is merged."""
    by_name = ctx.by_name()
    merged: list[Meeting] = []
    for sent, d in drafts.meeting_items():
        text = ctx.sentence(sent)
        in_text = [a for a in ctx.actors if mentions(a, text)]
        # The model's names that the sentence mentions, and the people it names: the model often answers with
        # the states ("Turkey", "Russia") where the sentence has "Putin is due to meet Erdogan".
        if _CONDITIONAL.search(text):
            ctx.warnings.append(f"meeting in sentence {sent} dropped: a hope or a condition, not a meeting")
            continue
        ids_in_text = {a.id for a in in_text}
        named = [a for w in d.who if (a := by_name.get(w.casefold())) is not None and a.id in ids_in_text]
        # "U.S.-Ukraine talks": the two sides written as a compound before the meeting word.
        for pair in _PAIR_TALKS.finditer(text):
            named += [a for side in pair.groups() if (a := by_name.get(side.casefold())) is not None]
        # "talks with Ukrainian officials": a state present through its unnamed officials.
        named += [a for a in in_text if a.kind == ActorKind.state and a.country and any(
            _demonym_code(m.group(1)) == a.country for m in _OFFICIALS.finditer(text))]
        # "The G7 talks bring together ministers from Britain, Canada, ...": a forum lists its members.
        bodies = [a for a in in_text if a.kind in (ActorKind.state, ActorKind.international_body)]
        if _MULTI.search(text) and sum(a.kind == ActorKind.state for a in bodies) >= 3:
            named += bodies
        people = participants(text, named, [a for a in in_text if a.kind == ActorKind.person])
        if len(people) < 2:  # a meeting needs two identifiable sides (PLOVER CONSULT)
            ctx.warnings.append(f"meeting in sentence {sent} dropped: fewer than two identifiable participants")
            continue
        ids = [a.id for a in people]
        status = meeting_status(text, d.status)
        where = _meeting_place(text, ctx)
        country = place_country(where)
        host = next((a.id for a in people if country and _actor_country(a) == country), None)
        topics = [n for n in _topic_names(text, ctx) if n not in {a.name for a in people} and n != where]
        date_text = date_in(text)
        meeting = Meeting(
            id=f"m{len(merged) + 1}", participants=ids, host=host, visitors=[i for i in ids if host and i != host],
            location=where, country=country, date_text=date_text,
            date=resolve_date(date_text, ctx.article.published, future=status == MeetingStatus.planned),
            status=status, mode=_mode(text, len(ids)), topics=topics,
            evidence=sentence_evidence(ctx.article, [sent]),
        )
        twin = next((x for x in merged if _same_meeting(x, meeting)), None)
        if twin is None:
            merged.append(meeting)
        else:
            _absorb_meeting(twin, meeting)
    return merged


_PLANNED = re.compile(
    r"\b(?:will|would|to) (?:meet|hold|visit|host|travel|attend|sit down|talk|join|fly)\b|"
    r"\b(?:is|are|was|were) (?:expected|due|scheduled|set|slated|planning|going|invited) to\b|"
    r"\b(?:plans?|planned|hopes?|intends?|agreed) to (?:meet|visit|host|hold|travel)\b|\bupcoming\b|"
    r"\bnext (?:week|month|year)\b|\b(?:on (?:their|his|her) way|heading) to\b|\bwill\b", re.I)
_ONGOING = re.compile(r"\b(?:is|are) (?:meeting|hosting|holding|visiting|gathering|attending)\b|\bunder ?way\b|"
                      r"\bbrings? together\b", re.I)
_HELD = re.compile(
    r"\b(?:met|held|hosted|visited|talked|spoke|discussed|concluded|ended|wrapped up|welcomed|received|"
    r"traveled|travelled|attended|gathered|convened|sat down|has met|had met|failed|led|took part|participated|"
    r"joined)\b", re.I)


def meeting_status(text: str, said: MeetingStatus) -> MeetingStatus:
    """The status the sentence's tense gives (a future or intent cue: planned; a present progressive: ongoing;
    a past meeting verb: held); the model's answer where the sentence has both or neither."""
    planned, ongoing, held = (bool(p.search(text)) for p in (_PLANNED, _ONGOING, _HELD))
    if ongoing and not planned:
        return MeetingStatus.ongoing
    if planned != held:
        return MeetingStatus.planned if planned else MeetingStatus.held
    return said


_SPEAKS_AFTER = re.compile(r"^\s*(?:,[^,“”\"]{1,90},)?\s*,?\s*(?:who\s+)?(?:said|says|told|added|noted|warned|stated|wrote|"
                           r"argued|explained|insisted|believes|thinks|according)\b")
_SPEAKS_BEFORE = re.compile(r"\b(?:according to|said|says|told|by)\s+(?:[\w.'’-]+\s+){0,4}$")


def _speaks_only(actor: Actor, text: str) -> bool:
    """Is the actor in this sentence only as the one who reports it ("..., Klingner said")?"""
    spots = _spots((actor.name, *actor.aliases), text)
    return bool(spots) and all(
        _SPEAKS_AFTER.search(text[m.end():]) or _SPEAKS_BEFORE.search(text[: m.start()]) for m in spots)


_OFFICIALS = re.compile(r"\b([A-Z][a-z]+)\s+(?:officials|delegation|delegates|representatives|negotiators|"
                        r"counterparts?|diplomats|envoys?|ministers|leaders|team)\b")
_CONDITIONAL = re.compile(r"\b(?:could|might|if|unless|hopefully|hopes? to|wants? to|would like to|would have)\b", re.I)
_COMPOUND_TOPIC = re.compile(r"-[A-Z][\w.]*\s+(?:war|conflict|ceasefire|cease-fire|border|crisis|dispute|peace|deal|relations)\b")
_LOCATION_OF = re.compile(r"\b(?:in|at|near)\s+(?:the\s+)?(?:[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*\s*,\s*)?$")
_PAIR_TALKS = re.compile(r"\b([A-Z][\w.]*?)-([A-Z][\w.]*?)\s+(?:talks|summit|meeting|negotiations|consultations|call)\b")
_MEETS_BEFORE = re.compile(r"\b(?:with|met|meet|meets|hosted|hosts|host|and|between|visited|visit|received)\s+(?:\S+\s+){0,4}$")


def _only_as(actor: Actor, text: str) -> bool:
    """Is a state in this sentence only as a place ("talks in Jeddah, Saudi Arabia") or as half of a topic
    ("the Russia-Ukraine war")?"""
    if actor.kind != ActorKind.state:
        return False
    spots = _spots((actor.name, *actor.aliases), text)
    return bool(spots) and all(
        _LOCATION_OF.search(text[: m.start()]) or _COMPOUND_TOPIC.match(text, m.end())
        or re.search(r"[A-Z][\w.]*-$", text[: m.start()]) and re.match(r"\s+(?:war|conflict|ceasefire|border|crisis)\b", text[m.end():])
        for m in spots)


def participants(text: str, named: list[Actor], mentioned: list[Actor] = ()) -> list[Actor]:
    """Who really meets: the actors the model named and the people the sentence names next to the meeting
    (not after a topic cue such as "discussed", "on", "about", unless right after "with", "met", "and"); never
    the source who reports it ("..., Klingner said"), nor a state whose own official is already there
    ("Lavrov" makes "Russia" redundant)."""
    cue = _TOPIC_CUE.search(text)
    cut = cue.start() if cue else len(text)

    def first_mention(actor: Actor) -> int:
        spots = [m.start() for m in _spots((actor.name, *actor.aliases), text)]
        spots += [w.start() for w in _DEMONYM_WORD.finditer(text)
                  if actor.kind == ActorKind.state and actor.country and _demonym_code(w.group()) == actor.country]
        return min(spots, default=len(text))

    extra = [a for a in mentioned if first_mention(a) < cut or _MEETS_BEFORE.search(text[: first_mention(a)])]
    named = [a for a in {a.id: a for a in [*named, *extra]}.values()
             if not _speaks_only(a, text) and not _only_as(a, text)]
    people_countries = {a.country for a in named if a.kind == ActorKind.person and a.country}
    kept = [
        a for a in named
        if a.kind == ActorKind.person
        or (first_mention(a) < cut and not (a.kind == ActorKind.state and a.country in people_countries))
    ]
    return kept if len(kept) >= 2 else named


def _actor_country(actor: Actor) -> str | None:
    return actor.country


_PLACE_AFTER_VERB = re.compile(
    r"\b(?:met|meet\w*|talks|visit\w*|summit|hosted|gather\w*|conven\w*|conference)\b[^.;]{0,40}?\b(?:in|at|to)\s+"
    r"(?:the\s+)?([A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)")


def _meeting_place(text: str, ctx: Context) -> str | None:
    """Where a meeting sentence places it: the place right after the meeting verb ("met in Cairo"), else the
    first place-like name of the sentence."""
    hit = _PLACE_AFTER_VERB.search(text)
    if hit and (hit.group(1) in ctx.places or place_country(hit.group(1))):
        return hit.group(1)
    found = places_in(text, ctx.places)
    return found[0] if found else None


def _topic_names(text: str, ctx: Context) -> list[str]:
    cue = _TOPIC_CUE.search(text)
    if not cue:
        return []
    tail = text[cue.end():]
    names = [a.name for a in ctx.actors if a.kind in (ActorKind.state, ActorKind.armed_group) and occurs(a.name, tail)]
    return dedupe(names + places_in(tail, ctx.places))[:5]


def _mode(text: str, n_participants: int) -> MeetingMode:
    if _PHONE.search(text):
        return MeetingMode.phone
    if _VIDEO.search(text):
        return MeetingMode.video
    if _MULTI.search(text) or n_participants >= 4:
        return MeetingMode.multilateral
    return MeetingMode.in_person


def _same_meeting(a: Meeting, b: Meeting) -> bool:
    """The same meeting told twice: the same sentence text, or the same participants at a compatible place."""
    if a.evidence[0].quote == b.evidence[0].quote:
        return True
    if set(a.participants) != set(b.participants):
        return False
    return not (a.location and b.location and a.location.casefold() != b.location.casefold())


def _absorb_meeting(into: Meeting, other: Meeting) -> None:
    into.topics = dedupe([*into.topics, *other.topics])
    into.location = into.location or other.location
    into.country = into.country or other.country
    into.date_text = into.date_text or other.date_text
    into.date = into.date or other.date
    into.host = into.host or other.host
    into.visitors = into.visitors or other.visitors
    into.evidence = _merge_evidence(into.evidence, other.evidence)


def _merge_evidence(a: list[Evidence], b: list[Evidence]) -> list[Evidence]:
    seen = {e.quote for e in a}
    return (a + [e for e in b if e.quote not in seen])[:MAX_EVIDENCE]


_CONFLICT_NOUN = r"(?:civil war|war|conflict|insurgency|uprising|rebellion|fighting|crisis|offensive|invasion)"
_CONFLICT_WORDS = {"war", "conflict", "insurgency", "uprising", "rebellion", "fighting", "crisis", "offensive",
                   "invasion", "violence", "the", "of", "in", "on", "and", "against", "between", "with", "over", "for"}
_PROPER = r"[A-Z][\w'’.]*(?:-[A-Z][\w'’.]*)*"
_NAME_BEFORE = re.compile(rf"\b((?:{_PROPER} ){{0,2}}{_PROPER})[ -]{_CONFLICT_NOUN}\b")  # "Russia-Ukraine war"
_NAME_AFTER = re.compile(rf"\b{_CONFLICT_NOUN} in (?:the )?((?:{_PROPER} ){{0,2}}{_PROPER})")  # "war in Sudan"
_NOT_A_NAME = {"the", "a", "an", "this", "that", "its", "his", "her", "their", "our", "last", "new", "but", "and"}


def _supported(name: str, cited: str) -> bool:
    """Is every specific word of a conflict's name (all but the generic "war", "conflict", ...; "civil" counts)
    in its cited sentences (a demonym counting as its country: "Syrian" for "Syria"), and no country named
    twice ("Ukraine-Ukraine war")?"""
    words = [w for w in re.findall(r"[\w'’]+", name) if w.casefold() not in _CONFLICT_WORDS]
    codes = [country_code(w, fuzzy=False) for w in words]
    named = [c for c in codes if c]
    if len(named) != len(set(named)):
        return False
    cited_codes = {country_code(w, fuzzy=False) for w in re.findall(r"[A-Z]\w+", cited)} - {None}
    return all(re.search(rf"(?<![\w'’]){re.escape(w)}(?![\w'’])", cited, re.I) or (c and c in cited_codes)
               for w, c in zip(words, codes))


def conflict_name(name: str, cited: str, locations: list[str]) -> tuple[str, str | None]:
    """The name a conflict is given, with a warning unless it is the model's name supported by the conflict's
    cited sentences. A small model tends to copy the name from the prompt's worked example ("Syrian civil war"
    for a war in Libya). An unsupported name gives way to the article's own name for the conflict in those
    sentences ("the Russia-Ukraine war", "fighting in Sudan"), else to "conflict in" the first of
    ``locations`` (the caller lists the places of its violent sentences first), else it stays, flagged."""
    name = " ".join(name.split())
    if name and _supported(name, cited):
        return name, None
    found = None
    for hit in _NAME_BEFORE.finditer(cited):
        words = hit.group(1).split()
        while words and words[0].casefold() in _NOT_A_NAME:
            words = words[1:]
        if words:
            found = cited[hit.start(1) + hit.group(1).index(words[0]): hit.end()]
            break
    if found is None and (hit := _NAME_AFTER.search(cited)):
        found = hit.group()
    if found is None and locations:
        found = f"conflict in {locations[0]}"
    if found is None:
        return name, f"conflict {name!r}: its cited sentences do not support that name, and give no other"
    if found.casefold() == name.casefold():
        return name, None
    return found, f"conflict {name!r} renamed {found!r}: its cited sentences do not support that name"


def build_conflicts(drafts: EventsPass, ctx: Context) -> list[Conflict]:
    """Conflicts with their places and the violent events their sentences report; duplicates merged."""
    by_name = ctx.by_name()
    merged: list[Conflict] = []
    known_places = ctx.places + [a.name for a in ctx.actors if a.kind == ActorKind.state]
    for d in drafts.conflicts:
        struck = {n: violent(ctx.sentence(n)) for n in d.sents}
        if not any(struck.values()):
            ctx.warnings.append(f"conflict {d.name!r} dropped: its sentences report no violence (a dispute, not a conflict)")
            continue
        where = {n: places_in(ctx.sentence(n), known_places) for n in d.sents}
        places = dedupe([p for n in d.sents for p in where[n]])
        violence_places = dedupe([p for n in d.sents if struck[n] for p in where[n]])
        name, why = conflict_name(d.name, " ".join(ctx.sentence(n) for n in sorted(set(d.sents))), violence_places or places)
        if why:
            ctx.warnings.append(why)
        named = [a.name for a in ctx.actors if a.kind == ActorKind.state and occurs(a.name, name)]
        conflict = Conflict(
            id=f"c{len(merged) + 1}", name=name, locations=dedupe(named + places)[:4],
            parties=dedupe([by_name[s.casefold()].id for s in d.sides if s.casefold() in by_name]), status=d.status,
            events=[e for n in sorted(set(d.sents)) if (e := event_in(ctx, n)) is not None],
            evidence=sentence_evidence(ctx.article, d.sents),
        )
        twin = next((x for x in merged if _same_conflict(x, conflict)), None)
        if twin is None:
            merged.append(conflict)
        else:
            twin.locations = dedupe([*twin.locations, *conflict.locations])
            twin.parties = dedupe([*twin.parties, *conflict.parties])
            twin.events += [e for e in conflict.events if e.evidence[0].quote not in {x.evidence[0].quote for x in twin.events}]
            twin.evidence = _merge_evidence(twin.evidence, conflict.evidence)
    return merged


def event_in(ctx: Context, n: int) -> ConflictEvent | None:
    """The violent event a sentence reports (type, place, date, casualties), if it reports one."""
    text = ctx.sentence(n)
    kind = next((t for t, pattern in _EVENT_TYPES if pattern.search(text)), None)
    if kind is None:
        return None
    places = places_in(text, ctx.places)
    date_text = date_in(text)
    return ConflictEvent(
        type=kind, date_text=date_text, date=resolve_date(date_text, ctx.article.published),
        location=places[0] if places else None, killed=_count(_KILLED, text), injured=_count(_INJURED, text),
        evidence=sentence_evidence(ctx.article, [n]),
    )


def _same_conflict(a: Conflict, b: Conflict) -> bool:
    """One conflict told twice: the same name, the same places, or a shared side fighting in a shared place."""
    if a.name.casefold() == b.name.casefold():
        return True
    la, lb = {x.casefold() for x in a.locations}, {x.casefold() for x in b.locations}
    return bool(la and la == lb) or bool(la & lb and set(a.parties) & set(b.parties))


def build_summary_text(article: Article, numbers: list[int]) -> str:
    chosen = sentence_evidence(article, numbers, limit=4)
    if article.title:
        chosen = [e for e in chosen if e.quote != article.title]
    if len(chosen) < 2:  # the model chose too few: fall back to the lead
        lead = [s.number for s in article.sentences if s.text != article.title and len(s.text.split()) > 5]
        chosen = sentence_evidence(article, [*[e.sentence for e in chosen], *lead[:3]], limit=3)
    return " ".join(e.quote for e in chosen)




def aligned(quotes: list[str], article: Article, warnings: list[str], what: str) -> list[Evidence]:
    """Quotes aligned to the article (exact, normalized, fuzzy); the ones not found are listed in warnings."""
    spans: list[Evidence] = []
    for quote in quotes:
        ev = align(quote, article.text)
        if ev is None:
            warnings.append(f"{what}: quote not found in the article, dropped: {quote[:80]!r}")
        elif ev.quote not in {x.quote for x in spans}:
            spans.append(ev)
    return spans[:MAX_EVIDENCE]


def from_single_call(out: SingleCall, article: Article, warnings: list[str]) -> tuple[list[Actor], list[Meeting], list[Conflict]]:
    """The baseline's answer in the public schema: names grounded, quotes aligned, the rest dropped and listed."""
    drafts = []
    for x in out.actors:
        form = surface_form(x.name, article.text)
        if form is None:
            warnings.append(f"dropped actor {x.name!r}: not in the article")
            continue
        drafts.append(ActorDraft(name=form, kind=x.kind, title=x.title, country=x.country))
    entities = merge_actors(drafts, article)
    actors = build_actors(entities, article, warnings)
    for entity, actor in zip(entities, actors):
        quotes = [q for d in out.actors if surface_form(d.name, article.text) in entity.forms for q in d.evidence]
        actor.evidence = aligned(quotes, article, warnings, actor.name) or actor.evidence
    by_form = {f: x.id for e, x in zip(entities, actors) for f in e.forms}
    meetings: list[Meeting] = []
    for m in out.meetings:
        ids = dedupe([by_form[n] for n in m.participants if n in by_form])
        evidence = aligned(m.evidence, article, warnings, "meeting")
        if not ids or not evidence:
            warnings.append(f"dropped meeting of {m.participants}: unknown participants or no evidence in the article")
            continue
        host = by_form.get(m.host or "")
        meetings.append(Meeting(
            id=f"m{len(meetings) + 1}", participants=dedupe(ids + ([host] if host else [])), host=host,
            visitors=[i for i in ids if host and i != host], location=m.location, country=place_country(m.location),
            date_text=m.date, date=resolve_date(m.date, article.published, future=m.status == MeetingStatus.planned),
            status=m.status, mode=m.mode, topics=m.topics, evidence=evidence,
        ))
    conflicts: list[Conflict] = []
    for c in out.conflicts:
        evidence = aligned(c.evidence, article, warnings, c.name)
        if not evidence:
            warnings.append(f"dropped conflict {c.name!r}: no evidence in the article")
            continue
        conflicts.append(Conflict(
            id=f"c{len(conflicts) + 1}", name=c.name, locations=c.locations,
            parties=dedupe([by_form[n] for n in c.parties if n in by_form]), status=c.status, evidence=evidence,
        ))
    return actors, meetings, conflicts
