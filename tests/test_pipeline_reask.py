"""An attempt that instructor re-asks leaves nothing behind: its warnings and the names it adopted are the
rejected answer's, not the accepted one's. Driven through the pipeline against a loopback stub server."""

from __future__ import annotations

import json

from .conftest import completion_body, json_answer, summarize_scripted

TEXT = ("Sergei Lavrov met Sameh Shoukry in Cairo on Monday. They discussed trade with Libya.\n\n"
        "Ahmed Hafez, a spokesman, told reporters the talks were useful.")


ACTORS = json_answer({"summary": [1, 2, 3], "names": {"Sergei Lavrov": "person", "Sameh Shoukry": "person"}})
# Rejected: meeting 1 names nobody of the article (a warning, then a re-ask); meeting 3 names a person the actors
# pass had not listed (adopted as a new actor while validating).
REJECTED = json_answer({"meetings": {"1": {"who": ["Nobody Known"], "status": "held"},
                                 "3": {"who": ["Ahmed Hafez"], "status": "held"}}, "conflicts": []})
ACCEPTED = json_answer({"meetings": {"1": {"who": ["Sergei Lavrov", "Sameh Shoukry"], "status": "held"}}, "conflicts": []})


def _summarize(script: list) -> tuple:
    return summarize_scripted(script, TEXT, "Talks in Cairo", reasks=1)


def test_a_reasked_attempt_leaves_no_warning_and_adopts_no_name():
    summary, server = _summarize([ACTORS, REJECTED, ACCEPTED])
    assert len(server.arrivals) == 3 and summary.provenance.usage.reasks == 1
    assert "meeting 1 names no actor" in server.bodies[2]["messages"][-1]["content"]  # the re-ask says why
    assert [a.name for a in summary.actors] == ["Sergei Lavrov", "Sameh Shoukry"]
    assert not any("Nobody Known" in w for w in summary.provenance.warnings), summary.provenance.warnings
    assert len(summary.meetings) == 1


def test_the_accepted_attempt_keeps_its_own_warnings_and_adoptions():
    """The same answers accepted at once: the warning and the adopted name stay (the fix drops only rejected
    attempts' notes)."""
    lenient = json_answer({"meetings": {"1": {"who": ["Sergei Lavrov", "Sameh Shoukry", "Nobody Known"], "status": "held"},
                                    "3": {"who": ["Ahmed Hafez"], "status": "held"}}, "conflicts": []})
    summary, server = _summarize([ACTORS, lenient])
    assert len(server.arrivals) == 2
    assert "Ahmed Hafez" in [a.name for a in summary.actors]
    assert any("Nobody Known" in w for w in summary.provenance.warnings), summary.provenance.warnings


def test_the_salvage_after_the_last_reask_keeps_only_the_last_answers_notes():
    """Every attempt rejected: the last answer is salvaged (its valid meeting kept, its bad one dropped and
    listed); the first attempt's warning and adopted name are gone."""
    last = json_answer({"meetings": {"1": {"who": ["Sergei Lavrov", "Sameh Shoukry"], "status": "held"},
                                 "2": {"who": ["Ghost Person"], "status": "held"}}, "conflicts": []})
    summary, server = _summarize([ACTORS, REJECTED, last])
    assert len(server.arrivals) == 3 and summary.provenance.usage.reasks == 2
    assert [a.name for a in summary.actors] == ["Sergei Lavrov", "Sameh Shoukry"]
    warnings = summary.provenance.warnings
    assert any("Ghost Person" in w for w in warnings) and any(w.startswith("dropped meeting") for w in warnings)
    assert not any("Nobody Known" in w for w in warnings), warnings
    assert len(summary.meetings) == 1


def test_an_answer_cut_off_by_the_token_limit_keeps_what_it_completed():
    """The events answer stops in the middle of a list (a small model repeating a name until max_tokens): the
    complete meeting is kept, the unfinished one dropped and listed, never all of them lost."""
    whole = json.dumps({"meetings": {"1": {"who": ["Sergei Lavrov", "Sameh Shoukry"], "status": "held"},
                                     "3": {"who": ["Ahmed Hafez"] + ["Sergei Lavrov"] * 50}}})
    cut = (200, {}, completion_body(whole[: whole.rindex("Sergei") + 3]), 0.0)
    summary, server = _summarize([ACTORS, cut, cut])
    assert len(server.arrivals) == 3  # the cut answer is re-asked once, then salvaged
    assert len(summary.meetings) == 1
    assert {a.name for a in summary.actors} >= {"Sergei Lavrov", "Sameh Shoukry"}
    assert any(w.startswith("dropped meeting 3") for w in summary.provenance.warnings), summary.provenance.warnings
