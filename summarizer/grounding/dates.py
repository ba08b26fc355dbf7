"""Dates as news copy states them: found in a sentence ("on Monday", "March 10", "next week") and resolved
against the publication date. The package's one weekday and month table is ``dates.yaml``."""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as dateparser
from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

from ..rules import alternatives, load

_RULES = load("summarizer.grounding", "dates.yaml")
WEEKDAYS: list[str] = _RULES["weekdays"]
MONTHS: dict[str, list[str]] = _RULES["months"]
HOLIDAYS: list[str] = _RULES["holidays"]
_WEEKDAY_OF = {day.lower(): weekday for day, weekday in zip(WEEKDAYS, (MO, TU, WE, TH, FR, SA, SU), strict=True)}


def calendar_words() -> set[str]:
    """Every weekday, month, abbreviation (with and without its dot) and holiday, lower-cased."""
    short = [s.lower() for forms in MONTHS.values() for s in forms]
    return {*(d.lower() for d in WEEKDAYS), *(m.lower() for m in MONTHS), *short, *(s + "." for s in short),
            *(h.lower() for h in HOLIDAYS)}


def _month_pattern() -> str:
    forms = [form for month, short in MONTHS.items() for form in (month, *sorted(short, key=len, reverse=True))]
    return rf"(?:{alternatives(forms)})\.?"


_WEEKDAY = rf"(?:{alternatives(WEEKDAYS)})"
_MONTH = _month_pattern()
_MONTH_NUMBER = {form.lower(): i for i, (month, short) in enumerate(MONTHS.items(), 1) for form in (month, *short)}
_DATE = re.compile(
    rf"\b(?:(?:{alternatives(_RULES['before_weekday'])})\s+)?{_WEEKDAY}(?:\s+(?:{alternatives(_RULES['day_parts'])}))?\b"
    rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,\s*\d{{4}})?\b"
    rf"|\b\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?\b"
    rf"|\b{_MONTH}\s+\d{{4}}\b"
    rf"|\b(?:{alternatives(_RULES['relative_days'])})\b"
    rf"|\b(?:{alternatives(_RULES['before_period'])})\s+(?:this\s+)?(?:{alternatives(_RULES['relative_periods'])})\b"
)
_LEADING = re.compile(rf"^({alternatives(_RULES['before_weekday'])})\s+")


def date_in(sentence: str) -> str | None:
    """The first date expression of a sentence ("on Monday", "March 10", "next week"), as written."""
    hit = _DATE.search(sentence)
    return hit.group().strip() if hit else None


def period(text: str | None, date: dt.date | None = None) -> tuple[int | None, int | None]:
    """The (year, month) a date or a date as written names, each None where it does not say ("on Monday")."""
    if date is not None:
        return date.year, date.month
    if not text:
        return None, None
    year = re.search(r"\b(?:19|20)\d\d\b", text)
    month = re.search(rf"\b{_MONTH}", text)
    number = _MONTH_NUMBER.get(month.group().rstrip(".").lower()) if month else None
    return (int(year.group()) if year else None), number


def resolve_date(text: str | None, published: dt.date | None, *, future: bool = False) -> dt.date | None:
    """A calendar date for a date as stated, resolved against the publication date; None if it is not one day."""
    if not text or published is None:
        return None
    phrase = text.strip().lower()
    phrase = _LEADING.sub("", phrase)
    if phrase in ("today", "tonight", "this morning", "this afternoon", "this evening"):
        return published
    if phrase == "yesterday":
        return published - dt.timedelta(days=1)
    if phrase == "tomorrow":
        return published + dt.timedelta(days=1)
    day = phrase.split()[0] if phrase else ""
    if day in _WEEKDAY_OF and len(phrase.split()) <= 2:
        weekday = _WEEKDAY_OF[day]
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


def tense_of_date(text: str | None, published: dt.date | None) -> str | None:
    """Whether a date as stated lies before ("past") or after ("future") the publication day, where it says so by
    itself: a relative date ("last week", "earlier this month", "two days ago", "next month", "tomorrow") or a
    calendar day ("Feb. 18"); None for a weekday, whose side the sentence's tense decides, or no date."""
    phrase = (text or "").strip().lower()
    if not phrase:
        return None
    if re.match(r"(?:last|earlier|yesterday)\b", phrase) or re.search(r"\bago\b", phrase):
        return "past"
    if re.match(r"(?:next|later|tomorrow)\b", phrase):
        return "future"
    words = _LEADING.sub("", phrase).split()
    if words and words[0] in _WEEKDAY_OF:
        return None
    when = resolve_date(text, published)
    if when is None or published is None or when == published:
        return None
    return "past" if when < published else "future"
