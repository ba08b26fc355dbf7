"""Meetings: one per sentence the model cited, completed from that sentence (who really meets, place and its
country, date, status from the tense, mode, host, topics); the same meeting told twice is merged. The
vocabulary is ``meetings.yaml``."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..article import Article, Sentence
from ..extraction import EventsPass
from ..grounding import (
    capital_of,
    country_code,
    date_in,
    occurs,
    period,
    place_country,
    resolve_date,
    tense_of_date,
)
from ..grounding.dates import WEEKDAYS
from ..grounding.ner import addressed_session, asserted, definite_subject, meetings_by_grammar, requested_session
from ..rules import alternatives, load
from ..schema import Actor, ActorKind, Meeting, MeetingMode, MeetingStatus
from .common import (
    Context,
    dedupe,
    demonym_code,
    mention_spans,
    mentions,
    merge_evidence,
    places_in,
    sentence_evidence,
    spots,
)

_RULES = load("summarizer.normalize", "meetings.yaml")


def _words(key: str) -> str:
    return alternatives(_RULES[key])


def _cue(key: str) -> re.Pattern:
    return re.compile(rf"\b(?:{_words(key)})\b", re.I)


MEETING_CUE = _cue("meeting_cue")
_PHONE = _cue("phone")
_VIDEO = _cue("video")
_VIDEO_CALL = _cue("video_call")
_MULTI = _cue("multilateral")
_TOPIC_CUE = _cue("topic_cue")
_PLANNED = re.compile(alternatives(rf"\b{p}\b" for p in _RULES["planned"]), re.I)
_ONGOING = re.compile(alternatives(rf"\b{p}\b" for p in _RULES["ongoing"]), re.I)
_HELD = _cue("held")
_CONDITIONAL = _cue("conditional")
_ANAPHORA = _cue("anaphora")
_UNASSERTING = re.compile(_words("unasserting"), re.I)
_WISHING = re.compile(_words("wishing"), re.I)
_NEW_OCCASION = re.compile(_words("new_occasion"), re.I)
#: A leader described by country and office, with no other word ("The Israeli leader", "the Russian president"):
#: "the Israeli opposition leader" or "the former Kenyan president" is somebody else.
_DESCRIBED = re.compile(rf"\b[Tt]he\s+([A-Z][a-z]+)\s+(?:{_words('described_offices')})\b")
#: A meeting word owned by its day, right before it: "Friday's meeting", "last week's talks"; not another occasion
#: ("next Friday's summit") nor one with its own sides ("yesterday's talks with Kagame").
_DAY_OWNED = re.compile(rf"\b(?:{alternatives(WEEKDAYS)}|{_words('day_owners')})['’]s\s+$", re.I)
_NEW_OCCASION_BEFORE = re.compile(rf"\b(?:{_words('new_occasion')})\s+$", re.I)
_OWN_SIDES = re.compile(r"\s+(?:with|between)\b", re.I)
_PRONOUN_OPENING = re.compile(rf"\W*(?:{_words('pronoun_subjects')})\b")
#: "met with opposition from China", "has met with surprising success", "met with a wave of criticism": a reaction
#: received, not a meeting.
_RECEIVED = re.compile(
    rf"\b(?:met|meets?)\s+with\s+(?:an?\s+(?:{_words('reaction_amounts')})\s+of\s+)?"
    rf"(?:(?-i:(?!(?:{_words('not_a_modifier')})\b)[a-z][a-z-]*)\s+){{0,2}}?"
    rf"(?:(?:{_words('reactions')})\b(?=\s*(?:[,.;:!?”\"]|(?:{_words('after_a_reaction')})\b|$))"
    rf"|(?:{_words('people_reactions')})\b(?=\s*(?:[,.;:!?”\"]|(?:{_words('after_a_people_reaction')})\b|$)))",
    re.I)


def _whole(pattern: re.Pattern) -> Callable[[str], bool]:
    """Does the pattern match the whole word?"""
    return lambda word: pattern.fullmatch(word) is not None


_UNASSERTING_WORD, _WISHING_WORD, _NEW_OCCASION_WORD = _whole(_UNASSERTING), _whole(_WISHING), _whole(_NEW_OCCASION)
_DIRECTING_WORD = _whole(re.compile(_words("directing"), re.I))
_GRAMMAR_VERB, _GRAMMAR_NOUN, _HOLDING = (_whole(re.compile(_words(key), re.I))
                                          for key in ("grammar_meeting_verbs", "grammar_meeting_nouns", "holding"))
_MUTUAL_WORD, _CALL_MEANS_WORD = (_whole(re.compile(_words(key), re.I))
                                   for key in ("mutual_meeting_verbs", "call_means"))
_GRAMMAR_CUE = _cue("grammar_meeting_verbs")
_SESSION = _cue("session_nouns")
_SESSION_WORD, _ADDRESSING_WORD = _whole(_SESSION), _whole(re.compile(_words("addressing"), re.I))
_REQUESTING_WORD = _whole(re.compile(_words("requesting"), re.I))
#: The kinds of actor that hold a session that someone addresses.
_BODIES = (ActorKind.international_body, ActorKind.government)

_SPEAKS_AFTER = re.compile(rf"^\s*(?:,[^,“”\"]{{1,90}},)?\s*,?\s*(?:who\s+)?(?:{_words('speaks_after')})\b")
_SPEAKS_BEFORE = re.compile(rf"\b(?:{_words('speaks_before')})\s+(?:[\w.'’-]+\s+){{0,4}}$")
_MEETS_BEFORE = re.compile(rf"\b(?:{_words('meets_before')})\s+(?:\S+\s+){{0,4}}$")
_DESTINATION = re.compile(
    rf"\b(?:{_words('destination_before')})\s+(?:the\s+)?([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*)")
_OFFICIALS = re.compile(rf"\b([A-Z][a-z]+)\s+(?:{_words('officials')})\b")
_PAIR_TALKS = re.compile(rf"\b([A-Z][\w.]*?)-([A-Z][\w.]*?)\s+(?:{_words('pair_meeting_nouns')})\b")
_COMPOUND_TOPIC = re.compile(rf"-[A-Z][\w.]*\s+(?:{_words('compound_topic_nouns')})\b")
_COMPOUND_WAR = re.compile(rf"\s+(?:{_words('compound_war_nouns')})\b")
_LOCATION_OF = re.compile(
    rf"\b(?:{_words('location_prepositions')})\s+(?:the\s+)?(?:[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*\s*,\s*)?$")
_PLACE_AFTER_VERB = re.compile(
    rf"\b(?:{_words('place_verbs')})\b[^.;]{{0,40}}?\b(?:{_words('place_prepositions')})\s+"
    r"(?:the\s+)?([A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)")


def sentence_participants(article: Article, actors: list[Actor], sents: list[int]) -> dict[int, list[str]]:
    """For each meeting sentence, the actors that may take part in what it tells: those it mentions, and where it
    refers back ("Their second summit ...", anaphora) those of the sentence before. The model chooses among them."""
    out = {}
    for sent in sents:
        text = article.sentences[sent - 1].text
        near = [text]
        if _refers_back(sent, text):
            near.append(article.sentences[sent - 2].text)
        out[sent] = [a.name for a in actors if any(mentions(a, t) for t in near)]
    return out


def _refers_back(sent: int, text: str) -> bool:
    """Does meeting sentence ``sent`` name its participants by reference to the sentence before ("Their second
    summit was in Hanoi", "The two leaders met again")?"""
    return sent > 1 and _ANAPHORA.search(text) is not None


def build_meetings(drafts: EventsPass, ctx: Context) -> list[Meeting]:
    """One meeting per cited sentence, completed from that sentence; the same meeting told twice is merged."""
    by_name = ctx.by_name()
    merged: list[Meeting] = []
    told = dict(drafts.meeting_items())
    # A sentence the model passed over is still read for a body's session that someone addresses: the grammar
    # says who meets there (addressed_session), where a small model answers null or lists the topics.
    # So is one whose grammar names both sides of a meeting ("Erdogan spoke by video link with ... Macron").
    passed = [s.number for s in ctx.article.sentences if s.number not in told
              and (_SESSION.search(s.text) or _GRAMMAR_CUE.search(s.text) or MEETING_CUE.search(s.text))]
    for sent, d in sorted([*told.items(), *((n, None) for n in passed)], key=lambda item: item[0]):
        text = ctx.sentence(sent)
        sentence = ctx.article.sentences[sent - 1]
        cues = [(sentence.start + m.start(), sentence.start + m.end()) for m in MEETING_CUE.finditer(text)]
        received = [(sentence.start + m.start(), sentence.start + m.end()) for m in _RECEIVED.finditer(text)]
        if received and all(any(s <= start < e for s, e in received) for start, _ in cues):
            ctx.warnings.append(f"meeting in sentence {sent} dropped: 'met with' a reaction, not a meeting")
            continue
        heard, addressed = _session_participants(ctx, cues, sent)
        session = heard if heard is not None or d is not None else _grammar_participants(ctx, sentence)
        if d is None and session is None:
            continue
        in_text = [a for a in ctx.actors if mentions(a, text)]
        # "He and other senior U.S. officials held talks with Russian officials": the person the pronoun stands for,
        # the sentence's subject.
        subject = _antecedent(ctx, sent)
        # "the Russian president": the person the description refers back to, if the model names him
        in_text += [a for a in [subject, *_described(ctx, sent, text)] if a is not None and a not in in_text]
        # The model's names that the sentence mentions, and the people it names: the model often answers with
        # the states ("Turkey", "Russia") where the sentence has "Putin is due to meet Erdogan".
        if not addressed and _CONDITIONAL.search(text):  # an addressed session's "if" is in what was said there
            ctx.warnings.append(f"meeting in sentence {sent} dropped: a hope or a condition, not a meeting")
            continue
        if not _asserted(ctx.article, cues):
            ctx.warnings.append(f"meeting in sentence {sent} dropped: refused, prevented, denied or only hoped for,"
                                " not a meeting")
            continue
        # "The G7 talks bring together ministers from Britain, Canada, ...": a forum lists its members.
        # Its members are named before what it discussed: "a session focused on China, North Korea and Iran" lists
        # topics, not members.
        topic = _topic_cue(text)
        bodies = [a for a in in_text if a.kind in (ActorKind.state, ActorKind.international_body)
                  and (topic is None or _first_mention(a, text) < topic.start())]
        forum = bodies if _MULTI.search(text) and sum(a.kind == ActorKind.state for a in bodies) >= 3 else []
        retold = _told_before(ctx, sent, cues, merged) if session is None else None
        if retold is not None:  # "The talks focused on Syria and Libya": more on the meeting told last
            if forum:
                retold.participants = dedupe([*retold.participants, *(a.id for a in forum)])
                retold.visitors = [i for i in retold.participants if retold.host and i != retold.host]
                retold.mode = MeetingMode.multilateral
            retold.topics = dedupe([t for t in [*retold.topics, *_topic_names(text, ctx)]
                                    if t not in {a.name for a in forum}])
            retold.evidence = merge_evidence(retold.evidence, sentence_evidence(ctx.article, [sent]))
            continue
        ids_in_text = {a.id for a in in_text}
        said = [a for w in (d.who if d else []) if (a := by_name.get(w.casefold())) is not None]  # the model's
        # "U.N." where the sentence writes it only inside "U.N. Security Council": the name it writes.
        said = [_enclosing(a, text, in_text) for a in said]
        cited = [sent]
        if _refers_back(sent, text):
            # "Their second summit was in Hanoi": the participants are the ones the sentence before names.
            earlier = {a.id for a in said if mentions(a, ctx.sentence(sent - 1))}
            if earlier - ids_in_text:
                ids_in_text |= earlier
                cited = [sent - 1, sent]
        named = [a for a in said if a.id in ids_in_text]
        # The pronoun's person takes part where the model's answer lacks a side: fewer than two, or his own state
        # standing for him ("He and other senior U.S. officials held talks": not "U.S."); "He welcomed the talks
        # between Putin and Erdogan" keeps its two.
        others = [a for a in named if a != subject and not (a.kind == ActorKind.state and a.country == subject.country)
                  ] if subject is not None else []
        if subject is not None and subject not in named and len(others) < 2:
            named.append(subject)
        # "U.S.-Ukraine talks": the two sides written as a compound before the meeting word.
        for pair in _PAIR_TALKS.finditer(text):
            named += [a for side in pair.groups() if (a := by_name.get(side.casefold())) is not None]
        # "talks with Ukrainian officials": a state present through its unnamed officials.
        named += [a for a in in_text if a.kind == ActorKind.state and a.country and any(
            demonym_code(m.group(1)) == a.country for m in _OFFICIALS.finditer(text))]
        named += forum
        # "due to travel to Mauritius", "on their way to Moscow for discussions": the state whose country or capital
        # is the trip's destination.
        visited = {code for m in _DESTINATION.finditer(text)
                   if (code := country_code(m.group(1), fuzzy=False) or capital_of(m.group(1)))}
        named += [a for a in ctx.actors if a.kind == ActorKind.state and a.country in visited]
        # The session's speaker and body, when the grammar says so, rather than the model's reading.
        people = session or participants(text, named, [a for a in in_text if a.kind == ActorKind.person])
        if len(people) < 2:  # a meeting needs two identifiable sides (PLOVER CONSULT)
            ctx.warnings.append(f"meeting in sentence {sent} dropped: fewer than two identifiable participants")
            continue
        ids = [a.id for a in people]
        date_text = date_in(text)
        status = meeting_status(text, d.status if d else MeetingStatus.held,
                                tense_of_date(date_text, ctx.article.published))
        where = _meeting_place(text, ctx)
        country = place_country(where)
        host = next((a.id for a in people if country and a.country == country), None)
        topics = [n for n in _topic_names(text, ctx) if n not in {a.name for a in people} and n != where]
        meeting = Meeting(
            id=f"m{len(merged) + 1}", participants=ids, host=host, visitors=[i for i in ids if host and i != host],
            location=where, country=country, date_text=date_text,
            date=resolve_date(date_text, ctx.article.published, future=status == MeetingStatus.planned),
            status=status, mode=_mode(text, len(ids)), topics=topics,
            evidence=sentence_evidence(ctx.article, cited),
        )
        twin = next((x for x in merged if _same_meeting(x, meeting, ctx.actors)), None)
        if twin is None:
            merged.append(meeting)
        else:
            _absorb_meeting(twin, meeting)
    return merged


def _enclosing(actor: Actor, text: str, actors: list[Actor]) -> Actor:
    """The actor whose longer name the sentence writes wherever it writes ``actor``'s ("U.N." only in "U.N.
    Security Council": the Council), else ``actor``: a name is read whole, as a reader reads it."""
    spans = mention_spans(actor, text)
    if not spans:
        return actor
    longer = [(b, mention_spans(b, text)) for b in actors if b is not actor and b.kind != ActorKind.state]
    for b, outer in sorted(longer, key=lambda item: -len(item[0].name)):
        if all(any(s <= start and end <= e and (e - s) > (end - start) for s, e in outer) for start, end in spans):
            return b
    return actor


def _antecedent(ctx: Context, sent: int) -> Actor | None:
    """The person a sentence that opens with a personal pronoun ("He is scheduled to travel to Canada", "She and
    her counterpart met") continues to tell of: the first person named in the nearest sentence before it that names
    one (news narration carries its subject over to the next sentence's pronoun); None for other sentences."""
    if not _PRONOUN_OPENING.match(ctx.sentence(sent)):
        return None
    people = [a for a in ctx.actors if a.kind == ActorKind.person]
    sentences = ctx.article.sentences
    for earlier in range(sent - 1, max(sent - 3, 0), -1):
        if "\n" in ctx.article.text[sentences[earlier - 1].end: sentences[earlier].start]:
            return None  # a paragraph break or a heading between: the narration's subject is not carried over
        text = ctx.sentence(earlier)
        named = [(_first_mention(a, text), a) for a in people if mentions(a, text)]
        if named:
            return min(named, key=lambda pair: pair[0])[1]
    return None


def _described(ctx: Context, sent: int, text: str) -> list[Actor]:
    """The people a phrase describes by country and office without naming them ("The Israeli leader told a
    cabinet meeting"): for each such description, the person of that country the article named last before
    sentence ``sent`` (a definite description refers back, a pattern of news narration)."""
    found = []
    for hit in _DESCRIBED.finditer(text):
        code = demonym_code(hit.group(1))
        people = [a for a in ctx.actors if a.kind == ActorKind.person and code and a.country == code]
        for earlier in range(sent - 1, 0, -1):
            named = [a for a in people if mentions(a, ctx.sentence(earlier))]
            if named:
                found.append(max(named, key=lambda a: _first_mention(a, ctx.sentence(earlier))))
                break
    return found


def _session_participants(ctx: Context, cues: list[tuple[int, int]], sent: int
                          ) -> tuple[list[Actor] | None, bool]:
    """The speaker, the body and those who requested it, of a body's session that the sentence says someone
    addresses or attends ("X told a meeting of the U.N. Security Council") or that states request or call ("a
    meeting of the Council requested by the United States and Britain"): the people (else the states) the
    addressing verb's subject names, the states and bodies that requested it, and the body its meeting noun names
    (the longest-named body actor there; a body written in common words, "a cabinet meeting", is the speaker's
    state); None when the grammar does not say so or the actors are not known. Also whether someone addresses it
    (what a speaker says there may be a hope or a condition; a request that is one is none)."""
    text = ctx.article.text
    for start, end in cues:
        found = addressed_session(text, start, end, _SESSION_WORD, _ADDRESSING_WORD)
        asked = requested_session(text, start, end, _SESSION_WORD, _REQUESTING_WORD)
        if found is None and asked is None:
            continue
        speakers: list[Actor] = []
        body = ""
        if found is not None:
            (s1, e1), (s2, e2) = found
            speaker, body = text[s1:e1], text[s2:e2]
            speakers = ([a for a in ctx.actors if a.kind == ActorKind.person and mentions(a, speaker)]
                        or _described(ctx, sent, speaker)  # "The Israeli leader told a cabinet meeting"
                        or [a for a in ctx.actors if a.kind == ActorKind.state and mentions(a, speaker)])
        requesters: list[Actor] = []
        if asked is not None:
            names, (s2, e2) = asked
            body = body or text[s2:e2]
            requesters = [a for a in ctx.actors if a.kind in (ActorKind.state, *_BODIES)
                          and any(mentions(a, text[s:e]) for s, e in names)]
        bodies = [a for a in ctx.actors if a.kind in _BODIES and mentions(a, body)]
        if bodies:
            bodies = [max(bodies, key=lambda a: len(a.name))]  # "United Nations Security Council", not "United Nations"
        elif body.islower():  # "a cabinet meeting": the speaker's government
            countries = {a.country for a in speakers if a.kind == ActorKind.person and a.country}
            bodies = [a for a in ctx.actors if a.kind == ActorKind.state and a.country in countries][:1]
        if bodies and (speakers or requesters):
            return list({a.id: a for a in [*speakers, *bodies, *requesters]}.values()), bool(speakers)
    return None, False


def _grammar_participants(ctx: Context, sentence: Sentence) -> list[Actor] | None:
    """The sides of a meeting that the sentence's grammar tells (grounding/ner.py, meetings_by_grammar) and asserts
    (not "will not host"): the actors its subjects name (a pronoun opening the sentence: the person it stands for)
    and those its partners name, neither side a news outlet (an interview), no actor on both sides and no state
    beside its own person ("Erdogan met Turkish officials" is no meeting with Turkey); None unless both sides are
    actors."""
    text = ctx.article.text
    for (start, end), subjects, partners in meetings_by_grammar(text, sentence.start, sentence.end, _GRAMMAR_VERB,
                                                                _GRAMMAR_NOUN, _HOLDING, _MUTUAL_WORD,
                                                                _CALL_MEANS_WORD):
        if not asserted(text, start, end, _UNASSERTING_WORD, _WISHING_WORD, _DIRECTING_WORD):
            continue
        first = [a for a in ctx.actors
                 if a.kind != ActorKind.media and any(mentions(a, text[s:e]) for s, e in subjects)]
        if not first and any(_PRONOUN_OPENING.fullmatch(text[s:e]) for s, e in subjects):
            first = [a for a in [_antecedent(ctx, sentence.number)] if a is not None]
        countries = {a.country for a in first if a.kind == ActorKind.person and a.country}
        second = [a for a in ctx.actors if a.kind != ActorKind.media and a not in first
                  and not (a.kind == ActorKind.state and a.country in countries)
                  and any(mentions(a, text[s:e]) for s, e in partners)]
        if first and second:
            return list({a.id: a for a in [*first, *second]}.values())
    return None


def _asserted(article: Article, cues: list[tuple[int, int]]) -> bool:
    """Does the sentence assert at least one of the meetings its meeting words (``cues``, offsets in the article:
    "met", "talks") name, or has it none of those words (the model's reading stands)?"""
    return not cues or any(asserted(article.text, start, end, _UNASSERTING_WORD, _WISHING_WORD, _DIRECTING_WORD)
                           for start, end in cues)


def _told_before(ctx: Context, sent: int, cues: list[tuple[int, int]], merged: list[Meeting]) -> Meeting | None:
    """The meeting that sentence ``sent`` tells more about, when its only meeting word (``cues``) is the head of a
    definite subject ("The talks focused on ...", "The G7 talks bring together ..."): the first meeting told of an
    actor that the subject names, or of a person of a state it names ("The G7 talks", "The Russian ministers'
    visit"; None if there is none: this sentence tells it first), else the last meeting told before it; None for
    another sentence. A meeting word owned by its day ("at Friday's meeting", "last week's talks") also tells of the
    meeting told last: a day names an occasion the reader already knows."""
    if len(cues) != 1:
        return None
    before = [m for m in merged if m.evidence and m.evidence[0].sentence and m.evidence[0].sentence < sent]
    text = ctx.article.text
    last = max(before, key=lambda m: max(e.sentence or 0 for e in m.evidence), default=None)
    day = _DAY_OWNED.search(text, 0, cues[0][0])
    if day and last is not None:  # "at Friday's meeting": the meeting of that day, told before
        where = _meeting_place(ctx.sentence(sent), ctx)
        if (_NEW_OCCASION_BEFORE.search(text, 0, day.start()) or _OWN_SIDES.match(text, cues[0][1])
                or (where and last.location and where.casefold() != last.location.casefold())):
            return None  # "next Friday's summit", "yesterday's talks with Kagame", "Friday's summit in Kampala"
        return last
    words = definite_subject(ctx.article.text, *cues[0], _NEW_OCCASION_WORD)
    if words is None:
        return None
    named = [a for a in ctx.actors if mentions(a, words)]
    ids = {a.id for a in named}
    countries = {a.country for a in named if a.kind == ActorKind.state and a.country}
    people = {a.id for a in ctx.actors if a.kind == ActorKind.person and a.country in countries}
    theirs = [m for m in before if (ids | people) & set(m.participants)]  # "The Russian ministers' visit": Lavrov's
    if named:  # "The G7 talks": the G7's meeting, as the article first told it; none told yet: this one
        return min(theirs, key=lambda m: m.evidence[0].sentence or 0, default=None)
    return max(before, key=lambda m: max(e.sentence or 0 for e in m.evidence), default=None)


def meeting_status(text: str, said: MeetingStatus, when: str | None = None) -> MeetingStatus:
    """The status the sentence's tense gives (a future or intent cue: planned; a present progressive: ongoing;
    a past meeting verb: held). Where the sentence has both or neither, the side of the publication day its date
    lies on (``when``: "past" for "in phone conversations last week" or "on Feb. 18" in a March story, "future"),
    else the model's answer."""
    planned, ongoing, held = (bool(p.search(text)) for p in (_PLANNED, _ONGOING, _HELD))
    if ongoing and not planned:
        return MeetingStatus.ongoing
    if planned != held:
        return MeetingStatus.planned if planned else MeetingStatus.held
    if when is not None:
        return MeetingStatus.held if when == "past" else MeetingStatus.planned
    return said


def _speaks_only(actor: Actor, text: str) -> bool:
    """Is the actor in this sentence only as the one who reports it ("..., Klingner said")?"""
    found = spots((actor.name, *actor.aliases), text)
    return bool(found) and all(
        _SPEAKS_AFTER.search(text[m.end():]) or _SPEAKS_BEFORE.search(text[: m.start()]) for m in found)


def _only_as(actor: Actor, text: str) -> bool:
    """Is a state in this sentence only as a place ("talks in Jeddah, Saudi Arabia") or as half of a topic
    ("the Russia-Ukraine war")?"""
    if actor.kind != ActorKind.state:
        return False
    found = spots((actor.name, *actor.aliases), text)
    return bool(found) and all(
        _LOCATION_OF.search(text[: m.start()]) or _COMPOUND_TOPIC.match(text, m.end())
        or re.search(r"[A-Z][\w.]*-$", text[: m.start()]) and _COMPOUND_WAR.match(text, m.end())
        for m in found)


def _first_mention(actor: Actor, text: str) -> int:
    """Where the sentence first names the actor (a state also by its adjective); its length if nowhere."""
    return min((start for start, _ in mention_spans(actor, text)), default=len(text))


def _topic_cue(text: str) -> re.Match | None:
    """The first word after which the sentence tells what was discussed ("discussed Libya", "talks on Syria");
    an "on" that opens a date ("On Monday in Nairobi, ...") is not one."""
    for cue in _TOPIC_CUE.finditer(text):
        when = date_in(text[cue.end(): cue.end() + 40])
        if when is None or not text[cue.end():].lstrip().startswith(when):
            return cue
    return None


def participants(text: str, named: list[Actor], mentioned: Sequence[Actor] = ()) -> list[Actor]:
    """Who really meets: the actors the model named and the people the sentence names next to the meeting
    (not after a topic cue such as "discussed", "on", "about", unless right after "with", "met", "and"); never
    the source who reports it ("..., Klingner said"), nor a state whose own official is already there
    ("Lavrov" makes "Russia" redundant)."""
    cue = _topic_cue(text)
    cut = cue.start() if cue else len(text)

    first = {a.id: _first_mention(a, text) for a in [*named, *mentioned]}
    extra = [a for a in mentioned if first[a.id] < cut or _MEETS_BEFORE.search(text[: first[a.id]])]
    named = [a for a in {a.id: a for a in [*named, *extra]}.values()
             if not _speaks_only(a, text) and not _only_as(a, text)]
    people_countries = {a.country for a in named if a.kind == ActorKind.person and a.country}
    kept = [
        a for a in named
        if a.kind == ActorKind.person
        or (first[a.id] < cut and not (a.kind == ActorKind.state and a.country in people_countries))
    ]
    return kept if len(kept) >= 2 else named


def _meeting_place(text: str, ctx: Context) -> str | None:
    """Where a meeting sentence places it: the place right after the meeting verb ("met in Cairo"), else the
    first place-like name of the sentence."""
    hit = _PLACE_AFTER_VERB.search(text)
    if hit and (hit.group(1) in ctx.places or place_country(hit.group(1))):
        return hit.group(1)
    found = places_in(text, ctx.places)
    return found[0] if found else None


def _topic_names(text: str, ctx: Context) -> list[str]:
    cue = _topic_cue(text)
    if not cue:
        return []
    tail = text[cue.end():]
    names = [a.name for a in ctx.actors if a.kind in (ActorKind.state, ActorKind.armed_group) and occurs(a.name, tail)]
    return dedupe(names + places_in(tail, ctx.places))[:5]


def _mode(text: str, n_participants: int) -> MeetingMode:
    if _VIDEO_CALL.search(text):  # before the phone's words: "spoke by video link", "a video call"
        return MeetingMode.video
    if _PHONE.search(text):
        return MeetingMode.phone
    if _VIDEO.search(text):
        return MeetingMode.video
    if _MULTI.search(text) or n_participants >= 4:
        return MeetingMode.multilateral
    return MeetingMode.in_person


def _sides(ids: list[str], actors: Sequence[Actor]) -> frozenset[str]:
    """The sides a meeting's participants stand for: a state or a person of a state as its country, any other
    participant as itself ("Modi and Ramgoolam" and "India and Mauritius": the same two sides)."""
    by_id = {a.id: a for a in actors}
    return frozenset((a.country or a.id) if (a := by_id.get(i)) and a.kind in (ActorKind.state, ActorKind.person)
                     else i for i in ids)


def _same_meeting(a: Meeting, b: Meeting, actors: Sequence[Actor] = ()) -> bool:
    """The same meeting told twice: the same sentence text, or the same sides (:func:`_sides`: "Modi met Ramgoolam"
    and "India and Mauritius held talks") with the same status at a compatible place and time, or told again by
    some of its sides with the body that held it ("the G7 talks" of seven states, then "Rubio said after meetings
    with G7 foreign ministers"; a meeting ``b`` after ``a``). The same leaders
    meeting in another month or year (a second summit), or a meeting held and one announced, are two meetings, as
    an event coder codes each one."""
    if a.evidence[0].quote == b.evidence[0].quote:
        return True
    sides_a, sides_b = _sides(a.participants, actors), _sides(b.participants, actors)
    bodies = {x.id for x in actors if x.kind == ActorKind.international_body}
    if a.status != b.status:
        return False
    if set(a.participants) != set(b.participants) and (
            len(sides_b) < 2 or not (sides_a == sides_b or (sides_b < sides_a and sides_b & bodies))):
        return False  # (meetings among one state's own people are that state's side alone: not one for that)
    (year_a, month_a), (year_b, month_b) = period(a.date_text, a.date), period(b.date_text, b.date)
    if (year_a and year_b and year_a != year_b) or (month_a and month_b and month_a != month_b):
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
    into.evidence = merge_evidence(into.evidence, other.evidence)


