"""Conflicts: the model's conflicts kept when their sentences report violence, named as those sentences support,
placed, with the violent events they tell (type, place, date, casualties); the same conflict told twice merged.
The vocabulary is ``conflicts.yaml``."""

from __future__ import annotations

import re

from ..extraction import EventsPass
from ..grounding import capital_of, country_code, date_in, occurs, place_country, resolve_date
from ..grounding.ner import describes_a_person, fights, named_wars
from ..rules import alternatives, load
from ..schema import Actor, ActorKind, Conflict, ConflictEvent, ConflictStatus, EventType
from .common import (
    Context,
    dedupe,
    demonym_code,
    demonym_codes,
    mention_spans,
    mentions,
    merge_evidence,
    places_in,
    sentence_evidence,
)

_RULES = load("summarizer.normalize", "conflicts.yaml")


def _cue(key: str) -> re.Pattern:
    return re.compile(rf"\b(?:{alternatives(_RULES[key])})\b", re.I)


STRONG_VIOLENCE = _cue("strong_violence")
_FIGURATIVE = re.compile(rf"(?:{alternatives(_RULES['figurative_violence'])})", re.I)
_HYPOTHETICAL = _cue("hypothetical")
_UNARMED_WAR = _cue("unarmed_wars")
VIOLENCE_CUE = _cue("violence_cue")


_WAGING = re.compile(alternatives(_RULES["waging"]), re.I)
_WAR_NOUN = re.compile(rf"\b(?:{alternatives(_RULES['war_nouns'])})\b", re.I)


def _violent_word(word: str) -> bool:
    return VIOLENCE_CUE.fullmatch(word) is not None or STRONG_VIOLENCE.fullmatch(word) is not None


def _wages(word: str) -> bool:
    return _WAGING.fullmatch(word) is not None


def _a_side(actor: Actor, text: str, within: list[tuple[int, int]] | None = None) -> bool:
    """Does the article's grammar, at one mention of the actor (a state's also by its adjective: "Pakistani
    troops"), make it fight: the subject, object, agent or owner of a violent act (grounding/ner.py, fights)? With
    ``within`` (character ranges of sentences), only its mentions there count."""
    return any(fights(text, start, end, _violent_word, _wages) for start, end in mention_spans(actor, text)
               if within is None or any(s <= start < e for s, e in within))


def _combatants(parties: list[str], name: str, ctx: Context) -> list[str]:
    """The model's sides that the article's grammar has fight; the others (who report, condemn or mediate the war:
    "UNICEF said", "told the Security Council") are dropped with a warning. When the grammar has none of them
    fight (a parse that misses, a side named by a pronoun), the model's sides stand."""
    actors = {a.id: a for a in ctx.actors}
    fighting = [i for i in parties if _a_side(actors[i], ctx.article.text)]
    if not fighting:
        return parties
    for i in parties:
        if i not in fighting:
            ctx.warnings.append(f"conflict {name!r}: {actors[i].name!r} is no side: the article never has it fight, "
                                "attack or come under attack (a commentator or a mediator)")
    return fighting


def violent(sentence: str) -> bool:
    """Does a sentence report violence (not a threat of it: "could lead to an all-out war"), by a word that news
    copy does not also use for a struggle, a disaster or an accident ("the fight against corruption", "a battle
    against Beijing", "the storm injured 15", "a trade war")?"""
    sentence = _UNARMED_WAR.sub(" ", sentence)
    return (any(not _FIGURATIVE.fullmatch(m.group()) for m in STRONG_VIOLENCE.finditer(sentence))
            and _HYPOTHETICAL.search(sentence) is None)


def _without_descriptions(ctx: Context, n: int) -> str:
    """Sentence ``n`` with each war noun that only describes someone blanked: "Rockhold, a Vietnam War veteran"
    tells of no war."""
    sentence = ctx.article.sentences[n - 1]
    text = sentence.text
    for hit in _WAR_NOUN.finditer(text):
        if describes_a_person(ctx.article.text, sentence.start + hit.start(), sentence.start + hit.end()):
            text = text[:hit.start()] + " " * len(hit.group()) + text[hit.end():]
    return text


def _reports_violence(ctx: Context, n: int) -> bool:
    """Does sentence ``n`` report violence (:func:`violent`), not counting a war noun that only describes someone?"""
    return violent(_without_descriptions(ctx, n))


# In order of precedence: a sentence's event is the first type it names.
_EVENT_TYPES = [(EventType(kind), re.compile(rf"\b(?:{alternatives(words)})\b", re.I))
                for kind, words in _RULES["event_types"].items()]
_NUMBER_WORDS = {w: i for i, w in enumerate(_RULES["number_words"])}
_COUNT = rf"(\d[\d,]*|{alternatives(_NUMBER_WORDS)}|{alternatives(_RULES['vague_counts'])})"
_KILLED = re.compile(r"kill|dead|died|death toll|left|leaving", re.I), [
    re.compile(rf"\b(?:killing|killed|kills|left|leaving)\s+(?:at least\s+|more than\s+|about\s+|nearly\s+)?"
               rf"{_COUNT}\b", re.I),
    re.compile(rf"\b{_COUNT}\s+(?:\w+\s+){{0,3}}(?:were\s+|was\s+|have been\s+|had been\s+)?(?:killed|dead|died)\b",
               re.I),
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

_CONFLICT_NOUN = rf"(?:{alternatives(_RULES['conflict_nouns'])})"
_CONFLICT_WORDS = frozenset(_RULES["conflict_name_generic"])
#: The start of the name a conflict gets after a place when neither the model nor its sentences name it.
FALLBACK_NAME = "conflict in "
_PROPER = r"[A-Z][\w'’.]*(?:-[A-Z][\w'’.]*)*"
_NAME_BEFORE = re.compile(rf"\b((?:{_PROPER} ){{0,2}}{_PROPER})[ -]{_CONFLICT_NOUN}\b")  # "Russia-Ukraine war"
_NAME_AFTER = re.compile(rf"\b{_CONFLICT_NOUN} in (?:the )?((?:{_PROPER} ){{0,2}}{_PROPER})")  # "war in Sudan"
_NOT_A_NAME = frozenset(_RULES["not_a_conflict_name"])
_DESCRIPTORS = frozenset(_RULES["conflict_descriptors"])


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
               for w, c in zip(words, codes, strict=True))


#: An initialism written with full stops: "U.S.", "U.N.", "U.K.".
_INITIALISM = re.compile(r"\b(?:[A-Z]\.){2,}")


def _undotted(text: str) -> str:
    """The text with its initialisms written without full stops ("U.S." as "US")."""
    return _INITIALISM.sub(lambda m: m.group().replace(".", ""), text)


def invented(name: str, text: str) -> bool:
    """Does a conflict's name have a capitalized word that the article never writes, not even as a country's
    adjective or name ("al-Shabab insurgency" for a war in Syria: the prompt's worked example copied)? An
    initialism is the same written with or without its full stops ("US" for "U.S.")."""
    text, name = f"{text} {_undotted(text)}", _undotted(name)
    missing = [word for word in re.findall(r"[^\W\d_]+", name)  # letters only: "Iraq-Iran" is two words
               if word[:1].isupper() and word.casefold() not in _CONFLICT_WORDS | _DESCRIPTORS
               and not re.search(rf"(?<![^\W\d_]){re.escape(word)}(?![^\W\d_])", text, re.I)]
    if not missing:
        return False
    # A country written only with a possessive ("Sudan's army") is written: "Sudanese" is not invented.
    words = {re.sub(r"['’]s$", "", w) for w in re.findall(r"[A-Z][\w'’-]+", text)}
    codes = ({country_code(w, fuzzy=False) for w in words} - {None}) | demonym_codes(text)
    return any((country_code(word, fuzzy=False) or demonym_code(word)) not in codes for word in missing)


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
    if found is None and (after := _NAME_AFTER.search(cited)):
        found = after.group()
    if found is None and locations:
        found = f"{FALLBACK_NAME}{locations[0]}"
    if found is None:
        return name, f"conflict {name!r}: its cited sentences do not support that name, and give no other"
    if found.casefold() == name.casefold():
        return name, None
    return found, f"conflict {name!r} renamed {found!r}: its cited sentences do not support that name"


#: Prepositions that give a place as a location ("in Syria", "across the Sahel"); also read by normalize/roles.py.
LOCATIVE_PREPOSITIONS = frozenset(_RULES["locative_prepositions"])
_LOCATIVE = alternatives(sorted(LOCATIVE_PREPOSITIONS))


def _located(place: str, sentence: str) -> bool:
    """Does the sentence give ``place`` as a location ("in Syria", "across the Sahel")?"""
    return re.search(rf"\b(?:{_LOCATIVE})\s+(?:the\s+)?{re.escape(place)}(?![\w'’])", sentence) is not None


def build_conflicts(drafts: EventsPass, ctx: Context) -> list[Conflict]:
    """Conflicts with their places and the violent events their sentences report; duplicates merged."""
    by_name = ctx.by_name()
    merged: list[Conflict] = []
    known_places = ctx.places + [a.name for a in ctx.actors if a.kind == ActorKind.state]
    for d in drafts.conflicts:
        if invented(d.name, ctx.article.text):
            ctx.warnings.append(f"conflict {d.name!r} dropped: its name is not in the article")
            continue
        struck = {n: _reports_violence(ctx, n) for n in d.sents}
        if not any(struck.values()):
            ctx.warnings.append(
                f"conflict {d.name!r} dropped: its sentences report no violence (a dispute, not a conflict)")
            continue
        where = {n: places_in(ctx.sentence(n), known_places) for n in d.sents}
        places = dedupe([p for n in d.sents for p in where[n]])
        violence_places = dedupe([p for n in d.sents if struck[n] for p in where[n]])
        cited = " ".join(ctx.sentence(n) for n in sorted(set(d.sents)))
        # Named after a place of its violence; failing that, after a place its sentences give as a location ("the
        # conflict displaced 12 million people in Syria"), never after a state or a capital that speaks of the war
        # ("Turkey condemned the violence", "Washington needs to act"). A capital names it only where a sentence
        # gives it as a location ("fighting in Khartoum"), not where it stands for its government ("The Nairobi
        # government ... citing security concerns").
        given = {p for p in places if any(_located(p, ctx.sentence(n)) for n in d.sents)}
        violence_places = [p for p in violence_places if not capital_of(p) or p in given]
        located = [p for p in places if not capital_of(p) and p in given]
        # A place its violent sentences give as a location first ("fighting in Anbar"): a state that fights there
        # ("U.S. forces killed ...") is a side, not the place.
        name, why = conflict_name(d.name, cited, [p for p in violence_places if p in given] or violence_places
                                  or located)
        # "Yoweri Museveni": a person's name is no conflict's, unless its sentences give the conflict's name.
        named_for = by_name.get(d.name.strip().casefold())
        if (named_for is not None and named_for.kind == ActorKind.person
                and (name == d.name or name.startswith(FALLBACK_NAME))):
            ctx.warnings.append(f"conflict {d.name!r} dropped: a person's name, not a conflict's, and its sentences "
                                "give no conflict's name")
            continue
        sides = dedupe([by_name[s.casefold()].id for s in d.sides if s.casefold() in by_name])
        kinds = {a.kind for a in ctx.actors if a.id in sides}
        ranges = [(ctx.article.sentences[n - 1].start, ctx.article.sentences[n - 1].end) for n in set(d.sents)
                  if 0 < n <= len(ctx.article.sentences)]
        if (kinds and not kinds & _ARMED_KINDS
                and not any(_WAR_NOUN.search(_without_descriptions(ctx, n)) for n in d.sents)
                and not any(a.kind == ActorKind.state and _a_side(a, ctx.article.text, ranges) for a in ctx.actors)):
            # ACLED's political violence has an organized armed side; people and parties alone, in sentences that
            # name no war and where no state fights ("Russian missiles killed ..."), are a crime, a trial or a
            # quarrel ("a journalist arrested over his interviews").
            ctx.warnings.append(f"conflict {d.name!r} dropped: none of its sides is armed or a state, and its "
                                "sentences name no war")
            continue
        if why:
            ctx.warnings.append(why)
        named = [a.name for a in ctx.actors if a.kind == ActorKind.state and occurs(a.name, name)]
        conflict = Conflict(
            id=f"c{len(merged) + 1}", name=name, locations=dedupe(named + places)[:4],
            parties=_combatants(sides, name, ctx),
            status=d.status,
            events=[e for n in sorted(set(d.sents)) if (e := event_in(ctx, n)) is not None],
            evidence=sentence_evidence(ctx.article, d.sents),
        )
        twin = next((x for x in merged if _same_conflict(x, conflict)), None)
        if twin is None:
            merged.append(conflict)
        else:
            twin.locations = dedupe([*twin.locations, *conflict.locations])
            twin.parties = dedupe([*twin.parties, *conflict.parties])
            told = {x.evidence[0].quote for x in twin.events}
            twin.events += [e for e in conflict.events if e.evidence[0].quote not in told]
            twin.evidence = merge_evidence(twin.evidence, conflict.evidence)
    for war in wars_named(ctx, merged):
        war.id = f"c{len(merged) + 1}"
        merged.append(war)
    return merged


#: The kinds of actor that can wage an armed conflict: states, their governments and forces, armed groups,
#: international bodies (peacekeeping missions, alliances) and organizations (a small model labels many an armed
#: group so: "IS-Somalia").
_ARMED_KINDS = frozenset({ActorKind.state, ActorKind.government, ActorKind.military, ActorKind.armed_group,
                          ActorKind.international_body, ActorKind.organization})


#: A war the sentence says is over ("The Korean War ended in 1953").
_ENDED = re.compile(r"\bended\b", re.I)
_WAR_NOUN_PLACED = re.compile(alternatives(_RULES["war_nouns_placed"]), re.I)
_WAR_NOUN_IF_VIOLENT = re.compile(alternatives(_RULES["war_nouns_if_violent"]), re.I)


def _codes(conflict: Conflict) -> set[str]:
    """The countries a conflict is placed in or named after."""
    words = [*conflict.locations, *re.findall(r"[A-Z][\w'’.]*(?:\s+[A-Z][\w'’.]*)*", conflict.name)]
    return {code for w in words if (code := place_country(w) or demonym_code(w))}


def _singular(noun: str) -> str:
    return re.sub(r"ies$", "y", noun) if noun.endswith("ies") else re.sub(r"s$", "", noun)


def wars_named(ctx: Context, conflicts: list[Conflict]) -> list[Conflict]:
    """The wars the article names by a war noun tied to a country (grounding/ner.py, named_wars: "the war in
    Sudan", "the Syrian civil war", "people fleeing civil wars in Somalia and Sudan") where none of ``conflicts``
    is placed or named after that country: a war told in passing, which a small model folds into the article's
    main conflict or leaves out. A plural noun with several countries names one war in each ("the conflicts in
    Libya and Syria"). Only a war the grammar places is one ("Russia's war" names who wages it, not where; a
    hyphenated pair, "the Russia-Ukraine war", is both). Not a war the sentence only supposes or fears ("could lead
    to war"), a war fought without arms ("a trade war", "the Cold War", "a war of words"), a "conflict" that is not
    placed nor violent or is one over something (a dispute: "the conflict in Spain over Catalan independence"), nor
    an "uprising" in a sentence that reports no violence (a protest). Each is named as the article writes it
    ("Syrian civil war", "war in Sudan"), placed in its countries, with the actors the grammar makes its sides, and
    ended where the sentence says so."""
    text = ctx.article.text
    known = {code for c in conflicts for code in _codes(c)}  # where the model's conflicts are
    added: list[Conflict] = []

    def noun(word: str) -> bool:
        return any(p.fullmatch(word) is not None for p in (_WAR_NOUN, _WAR_NOUN_PLACED, _WAR_NOUN_IF_VIOLENT))

    for war in named_wars(text, noun):
        (start, end), plural = war.span, war.plural
        sentence = next((s for s in ctx.article.sentences if s.start <= start < s.end), None)
        if (sentence is None or _HYPOTHETICAL.search(sentence.text)
                or _UNARMED_WAR.search(text, start, min(sentence.end, end + 12))):  # "a war of words"
            continue
        head = text[start:end].split()[-1]
        placed = any(role == "place" for _, _, role, _ in war.ties)
        if _WAR_NOUN_PLACED.fullmatch(head) and war.over:
            continue  # "the conflict in Spain over Catalan independence": a dispute
        if not (_WAR_NOUN.fullmatch(head) or placed and _WAR_NOUN_PLACED.fullmatch(head)
                or _reports_violence(ctx, sentence.number)):
            continue
        # "Russia-Ukraine": two names joined by a hyphen are two, the war's sides and its places
        named = [(part, role, prep) for a, b, role, prep in war.ties for part in
                 (text[a:b].split("-") if "-" in text[a:b] and not place_country(text[a:b]) else [text[a:b]])]
        pair = len(named) > len(war.ties) and not plural
        if pair:
            named = [(part, "side", prep) for part, _, prep in named]
        coded = [(part, role, code) for part, role, _ in named if (code := place_country(part) or demonym_code(part))]
        where = [(part, code) for part, role, code in coded if role == "place" or pair]
        if not where:  # "Russia's war", "a war against Hamas": who wages it, not where
            continue
        words = text[start:end]
        if plural and len(where) > 1:  # "civil wars in Somalia and Sudan": a civil war in each
            kind = " ".join([*(w for w in words.split()[:-1] if not any(w.strip("'’s") in p for p, _, _ in named)
                               and w.strip(",") not in ("and", "or", "")), _singular(head)])
            groups = [(f"{kind} in {_country_as_written(part, code, ctx) or part}", [(part, code)])
                      for part, code in where]
        else:  # "the Syrian civil war", "the war in Sudan", "the conflict between Russia and Ukraine"
            after = [(p, prep) for p, _, prep in named if prep]
            tail = f" {after[0][1]} " + " and ".join(p for p, prep in after if prep == after[0][1]) if after else ""
            groups = [(" ".join(f"{words}{tail}".split()), where)]
        for name, group in groups:
            codes = {code for _, code in group}
            told = next((w for w in added if codes & _codes(w)), None)
            if told is not None:  # the same war named again: more evidence
                told.evidence = merge_evidence(told.evidence, sentence_evidence(ctx.article, [sentence.number]))
                continue
            if codes & known:
                continue
            places = dedupe([p for part, code in group if (p := _country_as_written(part, code, ctx))])
            sides = [a.id for a in ctx.actors if a.kind != ActorKind.person
                     and any(mentions(a, part) for part, role, _ in named if role == "side")]
            ctx.warnings.append(f"conflict {name!r} added: sentence {sentence.number} names a war where no conflict "
                                "the model gave is placed")
            added.append(Conflict(
                id="c0", name=name, locations=places, parties=sides,
                status=ConflictStatus.ended if _ENDED.search(sentence.text) else ConflictStatus.ongoing,
                events=[e for e in [event_in(ctx, sentence.number)] if e is not None],
                evidence=sentence_evidence(ctx.article, [sentence.number])))
    return added


def _country_as_written(part: str, code: str, ctx: Context) -> str | None:
    """The place a war's name gives ("Sudan", "Gaza"); for an adjective ("Syrian"), the country as the article
    writes it, if it does."""
    if not demonym_code(part):
        return part
    return next((p for p in [*ctx.places, *(a.name for a in ctx.actors if a.kind == ActorKind.state)]
                 if country_code(p, fuzzy=False) == code), None)


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
    """One conflict told twice: the same name, the same places, the same two or more sides (a small model names
    one war twice: "Jaffar Express attack" and "BLA insurgency"), or a shared side fighting in a shared place."""
    if a.name.casefold() == b.name.casefold():
        return True
    if len(set(a.parties)) >= 2 and set(a.parties) == set(b.parties):
        return True
    la, lb = {x.casefold() for x in a.locations}, {x.casefold() for x in b.locations}
    return bool(la and la == lb) or bool(la & lb and set(a.parties) & set(b.parties))

