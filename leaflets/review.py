"""Checks on a handout before anything renders: plain language and review dates.

`check` runs these for every handout and language; `build` refuses an expired handout on
its own (see `leaflet.make_leaflet`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .content import Handout
from .errors import shown
from .readability import Readability, measure

REVIEW_WARNING_DAYS = 90


@dataclass(frozen=True)
class HandoutReview:
    """What `check` found in one handout."""

    readability: Readability
    warnings: list[str]
    problems: list[str]


def review_handout(handout: Handout, today: datetime.date) -> HandoutReview:
    """Readability against the handout's own limit, and how close its review date is."""
    name = shown(handout.file)
    figures = measure(handout)
    problems, warnings = [], []
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
