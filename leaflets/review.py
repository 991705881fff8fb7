"""Checks on a handout before anything renders: plain language and review dates.

`check` runs these for every handout and language; `build` refuses an expired handout on
its own (see `leaflet.make_leaflet`).
"""

from __future__ import annotations

import collections
import datetime
import re
from dataclasses import dataclass

from .content import Handout, missing_sections
from .errors import shown
from .readability import Readability, measure

REVIEW_WARNING_DAYS = 90


@dataclass(frozen=True)
class HandoutReview:
    """What `check` found in one handout."""

    readability: Readability
    warnings: list[str]
    problems: list[str]


def review_handout(
    handout: Handout, today: datetime.date, english: Handout | None = None
) -> HandoutReview:
    """Check one handout before it is printed.

    Readability against its own limit, its required sections, how close its review date
    is and, for a translation, how far it has drifted from the English.
    """
    name = shown(handout.file)
    figures = measure(handout)
    problems, warnings = missing_sections(handout), []
    if english is not None and english is not handout:
        problems += _translation_problems(handout, english)
        warnings += _translation_warnings(handout, english)
    if not figures.passes:
        problems.append(
            f"{name}: {figures.measure} is {figures.score:g}, beyond its limit "
            f"({figures.limit_text}); use shorter sentences and everyday words"
        )
    review = handout.meta.review_date
    if review < today:
        problems.append(f"{name}: review_date {review} has passed; the build will refuse it")
    elif (review - today).days <= REVIEW_WARNING_DAYS:
        warnings.append(f"{name}: review_date {review} is {(review - today).days} days away")
    return HandoutReview(figures, warnings, problems)


_NUMBER = re.compile(r"\d+(?:[.,\u00a0 ]\d+)*")


def numbers_in(handout: Handout) -> collections.Counter[str]:
    """Every number in a handout's text, written without separators ('1,127' and '1.127' match)."""
    text = handout.html.striptags()
    return collections.Counter(re.sub(r"\D", "", number) for number in _NUMBER.findall(text))


def _translation_problems(translation: Handout, english: Handout) -> list[str]:
    required, expected = (
        len(translation.meta.required_sections),
        len(english.meta.required_sections),
    )
    if required < expected:
        return [
            f"{shown(translation.file)}: lists {required} required sections; "
            f"{shown(english.file)} has {expected}"
        ]
    return []


def _translation_warnings(translation: Handout, english: Handout) -> list[str]:
    warnings = []
    missing = numbers_in(english) - numbers_in(translation)
    if missing:
        warnings.append(
            f"{shown(translation.file)}: lacks numbers that {shown(english.file)} has: "
            f"{', '.join(sorted(missing))}"
        )
    if translation.meta.translates != english.meta.version:
        warnings.append(
            f"{translation.lang} translates version {translation.meta.translates or '(not set)'}; "
            f"{english.lang} is {english.meta.version} ({shown(translation.file)})"
        )
    return warnings
