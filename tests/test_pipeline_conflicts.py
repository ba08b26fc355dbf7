"""The conflicts pass: violence sentences that none of the events pass's conflicts cites are asked about in a third
request, and the conflicts it names join the summary (the same war named again is merged). Driven through the
pipeline against a loopback stub server that plays the model's answers."""

from __future__ import annotations

from .conftest import json_answer, summarize_scripted

TEXT = ("Sudan's army clashed with the Rapid Support Forces in Khartoum on Monday, killing 40 people. "
        "The fighting spread to Omdurman. "
        "In neighbouring Chad, Boko Haram militants attacked a village near Lake Chad, killing nine soldiers. "
        "Aid groups said food prices rose.")


ACTORS = json_answer({"summary": [1, 3, 4], "names": {
    "Sudan": "state", "Rapid Support Forces": "armed_group", "Khartoum": "place", "Omdurman": "place",
    "Chad": "state", "Boko Haram": "armed_group", "Lake Chad": "place"}})
EVENTS = json_answer({"meetings": {}, "conflicts": [
    {"name": "Sudan war", "sents": [1, 2], "sides": ["Sudan", "Rapid Support Forces"], "status": "ongoing"}]})


def _summarize(script: list) -> tuple:
    return summarize_scripted(script, TEXT, "Fighting in Sudan and Chad")


def test_a_second_war_told_in_an_uncited_sentence_is_asked_about_and_kept():
    more = json_answer({"conflicts": [{"name": "Boko Haram insurgency", "sents": [3], "sides": ["Boko Haram", "Chad"],
                                   "status": "ongoing"}]})
    summary, server = _summarize([ACTORS, EVENTS, more])
    assert len(server.arrivals) == 3 and summary.provenance.usage.requests == 3
    request = server.bodies[2]["messages"][-1]["content"]
    assert "Sentences 3 also report violence" in request and "other than Sudan war" in request
    # the third request carries the whole conversation: the events pass's answer is in its prefix
    assert server.bodies[2]["messages"][:-1][-1]["role"] == "assistant"
    assert [c.name for c in summary.conflicts] == ["Sudan war", "Boko Haram insurgency"]
    second = summary.conflicts[1]
    assert [e.sentence for e in second.evidence] == [3]
    names = {a.id: a.name for a in summary.actors}
    assert {names[i] for i in second.parties} == {"Boko Haram"}  # Chad is only where it happened: no side


def test_the_same_war_named_again_is_merged_and_no_sentence_left_means_no_third_request():
    again = json_answer({"conflicts": [{"name": "Sudan civil war", "sents": [3], "sides": ["Rapid Support Forces", "Sudan"],
                                    "status": "ongoing"}]})
    summary, server = _summarize([ACTORS, EVENTS, again])
    assert len(server.arrivals) == 3
    assert [c.name for c in summary.conflicts] == ["Sudan war"]  # same sides: the model named one war twice
    assert [e.sentence for e in summary.conflicts[0].evidence] == [1, 2, 3]
    cited = json_answer({"meetings": {}, "conflicts": [
        {"name": "Sudan war", "sents": [1, 2, 3], "sides": ["Sudan", "Rapid Support Forces"], "status": "ongoing"}]})
    summary, server = _summarize([ACTORS, cited])
    assert len(server.arrivals) == 2 and summary.provenance.usage.requests == 2
