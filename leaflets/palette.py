"""Colour pairs a clinic's brand colours produce, checked against WCAG 2.2 AA with coloraide.

Body text needs 4.5:1 against its background, large text (18 pt, or 14 pt bold) 3:1.
The theme prints the primary colour as text on white (headings and links, which are
body-sized) and puts the clinic's name on a band of it, in white or near-black, whichever
reads better. The accent colour is decoration only and never sits behind text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coloraide import Color

WHITE = "#ffffff"
INK = "#1a1a1a"
BODY_TEXT = 4.5
LARGE_TEXT = 3.0


@dataclass(frozen=True)
class Pair:
    """One text/background pair the theme prints."""

    what: str
    text: str
    background: str
    needed: float

    @property
    def ratio(self) -> float:
        """Its WCAG contrast ratio."""
        return contrast(self.text, self.background)


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.x contrast ratio of two colours."""
    return Color(foreground).contrast(background, method="wcag21")


def text_on(background: str) -> str:
    """White or near-black, whichever reads better on `background`."""
    return max((WHITE, INK), key=lambda text: contrast(text, background))


def primary_pairs(primary: str) -> list[Pair]:
    """The pairs the primary colour produces in the theme."""
    return [
        Pair("headings and links on white", primary, WHITE, BODY_TEXT),
        Pair("the clinic's name on the header band", text_on(primary), primary, BODY_TEXT),
    ]


def nearest_shade(colour: str, passes: Callable[[str], bool]) -> str:
    """The shade of `colour`'s own hue, closest in lightness, for which `passes(shade)` holds."""
    base = Color(colour).convert("oklch")
    for step in range(1, 101):
        for sign in (-1, 1):  # darker first: most brand colours fail by being pale
            shade = base.clone()
            shade["lightness"] = min(1.0, max(0.0, base["lightness"] + sign * step / 100))
            candidate = shade.convert("srgb").fit().to_string(hex=True)
            if passes(candidate):
                return candidate
    return INK
