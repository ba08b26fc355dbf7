"""Score summaries against hand-annotated gold files, with relaxed matching as event coders would accept it.

- Actors match when a name or alias of one equals a name or alias of the other after normalization
  ("U.S." = "US", summarizer.names), a person's surname alone matches the full name, and two states match on
  their country code (the schema's ``country``).
- Meetings match when at least half of the gold participants (through the actor matching) take part in the
  predicted meeting.
- Conflicts match on a shared place, a shared content word of the name, or a shared party.
Matching is one-to-one and greedy by score. Precision, recall and F1 are micro-averaged over articles; the
mean F1 is the mean of the actor, meeting and conflict F1. Meeting-status accuracy is over matched meetings;
the verbatim share is the share of predicted evidence quotes found exactly in the article.

A split of a dozen stories holds a few meetings and conflicts, so one item moves a kind's F1 by a tenth. Each
figure therefore comes with a 95 % interval from a percentile bootstrap over articles (:meth:`Report.intervals`),
and two runs on the same gold compare article by article (:func:`paired_difference`): the difference of their
mean F1 and its interval, from the same resampled articles for both.

The scorer reads summaries in the schema's shape (as JSON) and compares names through summarizer.names; it imports
nothing of the pipeline's rules, so a change to the pipeline cannot change how its output is scored.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .names import norm_name, surname

# Words of a conflict's name that say nothing about which conflict it is.
_STOPWORDS = {"the", "of", "in", "war", "conflict", "civil", "crisis", "and", "on", "against", "vs", "a", "s"}


def actor_forms(actor: dict) -> set[str]:
    """An actor's name and aliases, normalized, with a person's surname."""
    forms = {norm_name(actor["name"]), *(norm_name(a) for a in actor.get("aliases", []))}
    if actor.get("kind") == "person":
        last = surname(actor["name"])
        if last:
            forms.add(norm_name(last))
    return {f for f in forms if f}


def _state_code(actor: dict) -> str | None:
    return actor.get("country") if actor.get("kind") == "state" else None


def actor_score(gold: dict, pred: dict) -> float:
    if actor_forms(gold) & actor_forms(pred):
        return 1.0
    g, p = _state_code(gold), _state_code(pred)
    return 1.0 if g and g == p else 0.0


def _greedy(golds: list, preds: list, score) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index) with a positive score, best first."""
    scored = sorted(
        ((score(g, p), i, j) for i, g in enumerate(golds) for j, p in enumerate(preds)),
        key=lambda x: (-x[0], x[1], x[2]),
    )
    used_g, used_p, pairs = set(), set(), []
    for s, i, j in scored:
        if s <= 0 or i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        pairs.append((i, j))
    return pairs


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 3),
                "recall": round(self.recall, 3), "f1": round(self.f1, 3)}


@dataclass
class ArticleScore:
    id: str
    actors: Counts = field(default_factory=Counts)
    meetings: Counts = field(default_factory=Counts)
    conflicts: Counts = field(default_factory=Counts)
    status_right: int = 0
    status_total: int = 0
    quotes_verbatim: int = 0
    quotes_total: int = 0
    seconds: float | None = None

    @property
    def mean_f1(self) -> float:
        return (self.actors.f1 + self.meetings.f1 + self.conflicts.f1) / 3


def score_article(gold: dict, pred: dict, text: str | None) -> ArticleScore:
    """Score one predicted summary (as a dict) against its gold annotation."""
    result = ArticleScore(id=str(gold["id"]), seconds=(pred.get("provenance") or {}).get("seconds"))
    g_actors, p_actors = gold.get("actors", []), pred.get("actors", [])
    pairs = _greedy(g_actors, p_actors, actor_score)
    result.actors = Counts(len(pairs), len(p_actors) - len(pairs), len(g_actors) - len(pairs))
    to_gold = {p_actors[j]["id"]: g_actors[i]["id"] for i, j in pairs}

    def meeting_score(g: dict, p: dict) -> float:
        gp = set(g.get("participants", []))
        pp = {to_gold.get(x) for x in p.get("participants", [])} - {None}
        overlap = len(gp & pp)
        return overlap / len(gp) if gp and overlap and overlap / len(gp) >= 0.5 else 0.0

    g_meet, p_meet = gold.get("meetings", []), pred.get("meetings", [])
    pairs_m = _greedy(g_meet, p_meet, meeting_score)
    result.meetings = Counts(len(pairs_m), len(p_meet) - len(pairs_m), len(g_meet) - len(pairs_m))
    result.status_total = len(pairs_m)
    result.status_right = sum(g_meet[i].get("status") == p_meet[j].get("status") for i, j in pairs_m)

    def conflict_score(g: dict, p: dict) -> float:
        g_places = {norm_name(x) for x in g.get("locations", [])}
        p_places = {norm_name(x) for x in p.get("locations", [])}
        g_words = set(norm_name(g.get("name", "")).split()) - _STOPWORDS
        p_words = set(norm_name(p.get("name", "")).split()) - _STOPWORDS
        parties = set(g.get("parties", [])) & ({to_gold.get(x) for x in p.get("parties", [])} - {None})
        return 0.5 * bool(g_places & p_places) + 0.3 * bool(g_words & p_words) + 0.2 * bool(parties)

    g_conf, p_conf = gold.get("conflicts", []), pred.get("conflicts", [])
    pairs_c = _greedy(g_conf, p_conf, conflict_score)
    result.conflicts = Counts(len(pairs_c), len(p_conf) - len(pairs_c), len(g_conf) - len(pairs_c))

    if text is not None:
        quotes = [ev["quote"] for ev in _evidence(pred)]
        result.quotes_total = len(quotes)
        result.quotes_verbatim = sum(q in text for q in quotes)
    return result


def _evidence(pred: dict) -> list[dict]:
    out = []
    for key in ("actors", "meetings", "conflicts"):
        for item in pred.get(key, []):
            out += item.get("evidence", [])
            for event in item.get("events", []):
                out += event.get("evidence", [])
    return out


#: Draws of the bootstrap: enough that a 95 % interval's ends move by less than 0.01 between seeds.
BOOTSTRAP_SAMPLES = 2000
_KINDS = ("actors", "meetings", "conflicts", "mean_f1")


@dataclass
class Report:
    articles: list[ArticleScore]

    def total(self) -> ArticleScore:
        total = ArticleScore(id="overall")
        for a in self.articles:
            total.actors.add(a.actors)
            total.meetings.add(a.meetings)
            total.conflicts.add(a.conflicts)
            total.status_right += a.status_right
            total.status_total += a.status_total
            total.quotes_verbatim += a.quotes_verbatim
            total.quotes_total += a.quotes_total
        secs = sorted(a.seconds for a in self.articles if a.seconds is not None)
        total.seconds = secs[len(secs) // 2] if secs else None
        return total

    def intervals(self, samples: int = BOOTSTRAP_SAMPLES, level: float = 0.95, seed: int = 0
                  ) -> dict[str, tuple[float, float]]:
        """A percentile bootstrap interval for each kind's F1 and the mean F1: the articles drawn with replacement
        ``samples`` times (seeded: the same report gives the same intervals), each draw scored as a whole."""
        if not self.articles:
            return {}
        rng = random.Random(seed)
        n = len(self.articles)
        draws: dict[str, list[float]] = {key: [] for key in _KINDS}
        for _ in range(samples):
            total = Report([self.articles[rng.randrange(n)] for _ in range(n)]).total()
            for key in _KINDS:
                draws[key].append(_figure(total, key))
        return {key: _percentiles(values, level) for key, values in draws.items()}

    def as_dict(self) -> dict:
        def one(a: ArticleScore) -> dict:
            return {
                "id": a.id, "actors": a.actors.as_dict(), "meetings": a.meetings.as_dict(),
                "conflicts": a.conflicts.as_dict(), "mean_f1": round(a.mean_f1, 3),
                "meeting_status_accuracy": round(a.status_right / a.status_total, 3) if a.status_total else None,
                "evidence_verbatim": round(a.quotes_verbatim / a.quotes_total, 3) if a.quotes_total else None,
                "seconds": a.seconds,
            }

        total = one(self.total())
        total["seconds_median"] = total.pop("seconds")
        total["interval_95"] = {key: [round(lo, 3), round(hi, 3)] for key, (lo, hi) in self.intervals().items()}
        return {"overall": total, "articles": [one(a) for a in self.articles]}


def _figure(score: ArticleScore, key: str) -> float:
    return score.mean_f1 if key == "mean_f1" else getattr(score, key).f1


def _percentiles(values: list[float], level: float) -> tuple[float, float]:
    ordered = sorted(values)
    tail = (1 - level) / 2
    return ordered[int(tail * (len(ordered) - 1))], ordered[int(round((1 - tail) * (len(ordered) - 1)))]


@dataclass
class Difference:
    """Run B against run A on the same gold: B's mean F1 minus A's, its bootstrap interval, the share of
    resampled article sets on which B scores higher, and the articles compared."""

    mean_f1: float
    interval: tuple[float, float]
    b_better: float
    articles: int


def paired_difference(a: Report, b: Report, samples: int = BOOTSTRAP_SAMPLES, level: float = 0.95,
                      seed: int = 0) -> Difference:
    """How much run ``b`` beats run ``a`` on the articles both scored: each resampled set of articles is scored for
    both runs, so that what the two share (an article hard for both) cancels out of the difference."""
    theirs = {x.id: x for x in b.articles}
    pairs = [(x, theirs[x.id]) for x in a.articles if x.id in theirs]
    if not pairs:
        raise InputError("the two runs share no scored article")
    rng = random.Random(seed)
    n = len(pairs)
    diffs = []
    for _ in range(samples):
        drawn = [pairs[rng.randrange(n)] for _ in range(n)]
        diffs.append(Report([y for _, y in drawn]).total().mean_f1 - Report([x for x, _ in drawn]).total().mean_f1)
    observed = Report([y for _, y in pairs]).total().mean_f1 - Report([x for x, _ in pairs]).total().mean_f1
    return Difference(observed, _percentiles(diffs, level), sum(d > 0 for d in diffs) / samples, n)


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(f"{path}: not readable JSON ({str(err).splitlines()[0]})") from None


def load_gold(gold_dir: Path) -> dict[str, dict]:
    """The gold annotations of a folder of <id>.json files, by article id."""
    files = sorted(Path(gold_dir).glob("*.json"))
    if not files:
        raise InputError(f"{gold_dir}: no gold .json files")
    gold = {}
    for f in files:
        data = _read_json(f)
        if not isinstance(data, dict):
            raise InputError(f"{f}: not a gold annotation (a JSON object)")
        gold[str(data.get("id") or f.stem)] = data
    return gold


def load_predictions(path: Path) -> dict[str, dict]:
    """Saved summaries: a folder of <id>.json files, or a JSONL of batch records / summaries."""
    path = Path(path)
    preds: dict[str, dict] = {}
    if path.is_dir():
        for f in sorted(path.glob("*.json")):
            data = _read_json(f)
            if not isinstance(data, dict):
                raise InputError(f"{f}: not a summary (a JSON object)")
            preds[_pred_id(data) or f.stem] = data
        return preds
    if not path.is_file():
        raise InputError(f"{path}: no such file or folder")
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise InputError(f"{path}:{n}: not valid JSON") from None
        if not isinstance(record, dict):
            raise InputError(f"{path}:{n}: not a record or a summary (a JSON object)")
        summary: dict = record["summary"] if isinstance(record.get("summary"), dict) else record
        rid = str(record.get("id") or _pred_id(summary) or n)
        if "actors" in summary:
            preds[rid] = summary
    return preds


def _pred_id(summary: dict) -> str | None:
    prov = summary.get("provenance") or {}
    return str(prov["article_id"]) if prov.get("article_id") else None


def evaluate(gold: dict[str, dict], preds: dict[str, dict], texts: dict[str, str]) -> Report:
    """Score every gold article; a missing prediction counts as an empty summary."""
    empty: dict[str, list] = {"actors": [], "meetings": [], "conflicts": []}
    return Report([score_article(g, preds.get(i, empty), texts.get(i)) for i, g in gold.items()])

