"""Normalization: from the model's drafts to the public schema. Everything here is deterministic and reads only
the article.

- ``actors``: kinds corrected, one actor per entity, organs folded into their state, non-actors dropped.
- ``meetings``: meetings completed from the sentences they cite.
- ``conflicts``: conflicts kept, named and placed from their sentences, with their violent events.
- ``single_call``: the one-call baseline's answer in the schema.
- ``common``: what the builders share (evidence from sentences, mentions, cue sentences, the builders' context).

The word tables these read are YAML files beside them (see ``summarizer.rules``).
"""

from ..grounding import date_in
from .actors import (
    SEATS,
    Entity,
    actors_of,
    build_actors,
    enrich,
    guess_kind,
    merge_actors,
    not_an_actor,
    prune,
    same_actor,
)
from .common import (
    MAX_EVIDENCE,
    Context,
    build_summary_text,
    cue_sentences,
    dedupe,
    mention_sentences,
    mentions,
    places_in,
    sentence_evidence,
)
from .conflicts import STRONG_VIOLENCE, VIOLENCE_CUE, build_conflicts, conflict_name, event_in, violent
from .forces import forces
from .meetings import MEETING_CUE, build_meetings, meeting_status, participants, sentence_participants
from .roles import with_a_part
from .single_call import aligned, from_single_call

__all__ = [
    "MAX_EVIDENCE",
    "MEETING_CUE",
    "SEATS",
    "STRONG_VIOLENCE",
    "VIOLENCE_CUE",
    "Context",
    "Entity",
    "aligned",
    "actors_of",
    "build_actors",
    "build_conflicts",
    "build_meetings",
    "build_summary_text",
    "conflict_name",
    "cue_sentences",
    "date_in",
    "dedupe",
    "enrich",
    "event_in",
    "forces",
    "from_single_call",
    "guess_kind",
    "meeting_status",
    "mention_sentences",
    "mentions",
    "merge_actors",
    "not_an_actor",
    "participants",
    "sentence_participants",
    "places_in",
    "prune",
    "same_actor",
    "sentence_evidence",
    "violent",
    "with_a_part",
]
