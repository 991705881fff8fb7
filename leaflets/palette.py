"""Colour choices derived from a clinic's brand colours, with coloraide doing the maths.

WCAG 2.2 AA asks 4.5:1 for body text and 3:1 for large text; the theme uses these to
pick readable text on the primary colour and a heading shade of the clinic's own hue.
"""

from __future__ import annotations

from coloraide import Color

WHITE = "#ffffff"
INK = "#1a1a1a"
BODY_TEXT = 4.5


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.x contrast ratio of two colours."""
    return Color(foreground).contrast(background, method="wcag21")


def text_on(background: str) -> str:
    """White or near-black, whichever reads better on `background`."""
    return max((WHITE, INK), key=lambda text: contrast(text, background))


def heading_on_white(colour: str) -> str:
    """`colour` itself if it reads as text on white, else the nearest darker shade of its hue."""
    shade = Color(colour).convert("oklch")
    while contrast(shade.to_string(hex=True), WHITE) < BODY_TEXT and shade["lightness"] > 0:
        shade["lightness"] = max(0.0, shade["lightness"] - 0.01)
        shade.fit("srgb")
    return shade.convert("srgb").fit().to_string(hex=True)
