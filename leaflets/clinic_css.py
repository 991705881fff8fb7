r"""Clinic stylesheets, parsed and held to an allowlist before anything renders them.

A clinic's `extra_css` is linked as an author stylesheet, so whatever it says reaches the
page, and a denylist of properties always misses one. So this module lists what a clinic
may say (brand colours, fonts, borders and spacing, on the theme's own elements and
classes) and refuses everything else, every problem at once, each as `line N: ...`.
Tokens are parsed with tinycss2, as WeasyPrint parses them, so CSS escapes such as
`\6f pacity` or `@\69mport` are seen through.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator

import tinycss2
from coloraide import Color
from tinycss2.ast import Node

from . import palette

Check = Callable[[list[Node], set[str]], "str | None"]  # a value -> a hint, or None if fine

# The fonts the leaflet's text falls back on: the theme's (Lato, for a clinic with its own
# font files) and leaflet.risk_css's last resort. A clinic @font-face of the same name
# would replace them (tests/test_clinic_css.py).
RISK_BOX_FONTS = ("Lato", "DejaVu Sans")
GENERIC_FONTS = ("serif", "sans-serif")
# Names fontconfig resolves itself: a clinic @font-face may not claim one either.
_FONTCONFIG_NAMES = (*GENERIC_FONTS, "monospace", "cursive", "fantasy", "system-ui", "emoji")
MAX_SPACE_PT = 24  # the theme's widest is 16pt; a column of A5 is about 170pt wide
MAX_BORDER_PT = 6  # the masthead's rule is 5pt
# Points per unit; em and rem count as 16pt, the body text of the large-print copy.
_PT = {"pt": 1, "px": 0.75, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72, "em": 16, "rem": 16}

# Selectors: the theme's elements and classes (templates/base.html, styles/base.css),
# joined by a space or '>'. Never section or .section (every risk box is one) nor
# .risk-box, so no rule aims at the box alone; p or h2 also match inside the box, which
# is why every property below must be harmless there too. No running header or footer
# (page margins), no .qr (its quiet zone keeps it scannable), no pseudo-elements (they add
# or restyle text), no pseudo-classes, *, [attributes], #ids, + or ~.
TYPES = frozenset("body h1 h2 h3 p ul ol li a strong em dl dt dd table th td".split())
CLASSES = frozenset(
    "masthead logo clinic-name intro summary talk contact contact-name address url "
    "approver footer-note booking sources dates other-formats".split()
)


def _opaque(token: Node) -> Color | None:
    """The colour a token names (#hex, a name, rgb() or hsl()), or None."""
    if token.type not in ("hash", "ident", "function") or (
        token.type == "function" and token.lower_name not in _COLOUR_FUNCTIONS
    ):
        return None
    try:
        colour = Color(tinycss2.serialize([token]))
    except ValueError:
        return None
    # `none` (rgb(0 0 0 / none)) is NaN here, which passes every comparison, and 0 in a
    # browser, which is invisible: a colour with one is not a colour a clinic may use.
    return None if any(math.isnan(value) for value in colour[:]) else colour


def _colour(tokens: list[Node], _: set[str]) -> str | None:
    if len(tokens) == 1 and _opaque(tokens[0]) is not None:
        return None
    return "use a colour such as #1a5f7a or rgb(26 95 122)"


def _text_colour(tokens: list[Node], faces: set[str]) -> str | None:
    if hint := _colour(tokens, faces):
        return hint
    colour = _opaque(tokens[0])
    if colour.alpha() < 1:
        return "it is see-through; use an opaque colour"
    shade = colour.convert("srgb").fit().to_string(hex=True)
    ratio = palette.contrast(shade, palette.WHITE)
    if ratio >= palette.BODY_TEXT:
        return None
    passes = lambda other: palette.contrast(other, palette.WHITE) >= palette.BODY_TEXT  # noqa: E731
    return (
        f"text on the white page would have a contrast of {ratio:.2f}:1; WCAG AA needs "
        f"{palette.BODY_TEXT:g}:1 (try '{palette.nearest_shade(shade, passes)}')"
    )


def _lengths(most: float, count: int = 1) -> Check:
    """From 1 to `count` lengths, each from 0 to `most` points."""

    def check(tokens: list[Node], _: set[str]) -> str | None:
        for token in tokens if 1 <= len(tokens) <= count else [None]:
            if token is not None and token.type == "number" and token.value == 0:
                continue
            if token is None or token.type != "dimension" or token.lower_unit not in _PT:
                return f"use {'1 to 4 lengths' if count > 1 else 'a length'} such as 6pt or 2mm"
            if token.value < 0:
                return f"a negative length pulls one box over another; use 0 to {most:g}pt"
            if token.value * _PT[token.lower_unit] > most:
                return f"'{tinycss2.serialize([token])}' is too large; use at most {most:g}pt"
        return None

    return check


def _keywords(*words: str) -> Check:
    def check(tokens: list[Node], _: set[str]) -> str | None:
        if len(tokens) == 1 and tokens[0].type == "ident" and tokens[0].lower_value in words:
            return None
        return f"use {', '.join(words)}"

    return check


def _number(low: float, high: float, words: tuple[str, ...] = ("normal",)) -> Check:
    def check(tokens: list[Node], faces: set[str]) -> str | None:
        if len(tokens) == 1 and tokens[0].type == "number" and low <= tokens[0].value <= high:
            return None
        if _keywords(*words)(tokens, faces) is None:
            return None
        return f"use {', '.join(words)} or a number from {low:g} to {high:g}"

    return check


_border_width = _lengths(MAX_BORDER_PT)
_border_style = _keywords("none", "solid", "dashed", "dotted", "double")


def _border(tokens: list[Node], faces: set[str]) -> str | None:
    for token in tokens if 1 <= len(tokens) <= 3 else [None]:
        if token is not None and token.type in ("number", "dimension"):
            if hint := _border_width([token], faces):
                return hint
        elif token is None or (_border_style([token], faces) and _colour([token], faces)):
            return "use a width, a style and a colour, such as 1pt solid #1a5f7a"
    return None


def family_key(name: str) -> str:
    """A font family name as fontconfig compares it: without case or spaces."""
    return "".join(name.split()).casefold()


def _family_names(tokens: list[Node]) -> list[str]:
    """The names in a font-family list; empty if it is not one."""
    names = []
    for part in _split(tokens, ","):
        if len(part) == 1 and part[0].type == "string":
            names.append(part[0].value)
        elif part and all(token.type == "ident" for token in part):
            names.append(" ".join(token.value for token in part))
        else:
            return []
    return names


def _font_families(tokens: list[Node], faces: set[str]) -> str | None:
    names = _family_names(tokens)
    if names and all(family_key(name) in faces for name in names):
        return None
    return "use fonts this project ships, serif, sans-serif, or this stylesheet's @font-face"


def _face_name(tokens: list[Node], reserved: set[str]) -> str | None:
    names = _family_names(tokens)
    if len(names) != 1 or not names[0].replace(" ", "").replace("-", "").isalnum():
        return "use one name of letters, digits, spaces and hyphens, such as 'Clinic Serif'"
    if family_key(names[0]) in reserved:
        return (
            "the theme or the risk box uses a font of that name (case and spaces aside), "
            "which yours would replace; give yours another name"
        )
    return None


def _font_src(tokens: list[Node], _: set[str]) -> str | None:
    for url, *formats in (part or [None] for part in _split(tokens, ",")):
        if (
            getattr(url, "type", "") != "url"
            and getattr(url, "lower_name", "") != "url"
            or any(getattr(given, "lower_name", "") != "format" for given in formats)
        ):
            return 'use url("a font file beside the stylesheet"), then format("woff2") if you like'
    return None


_SIDES = ("", "-top", "-right", "-bottom", "-left")
_font_weight = _number(400, 900, ("normal", "bold"))
# The allowlist: property -> what its value may be; why each is here, and nothing else.
PROPERTIES: dict[str, Check] = {
    # Text colour, dark enough to read on the white page (WCAG AA). safety.css fixes the
    # risk box's colours whatever this says. No background: it changes the contrast of
    # text whose colour we do not know; brand backgrounds come from [colours], checked.
    "color": _text_colour,
    # Borders are drawn around a box, never across its text; the width is capped so a
    # border cannot squeeze a column of text to nothing.
    **{f"border{side}": _border for side in _SIDES},
    **{f"border{side}-color": _colour for side in _SIDES},
    **{f"border{side}-style": _border_style for side in _SIDES},
    **{f"border{side}-width": _border_width for side in _SIDES},
    "border-radius": _lengths(12, 4),
    # Spacing: never negative (a negative margin pulls one box over another, as over the
    # risk box) and capped (a huge padding leaves text no width, pushing it off the page).
    **{
        f"{box}{side}": _lengths(MAX_SPACE_PT, 1 if side else 4)
        for box in ("margin", "padding")
        for side in _SIDES
    },
    # Fonts this project ships or the stylesheet's own @font-face names; no weight below
    # normal (Lato Hairline is installed); no size: the theme and large print decide sizes.
    "font-family": _font_families,
    "font-weight": _font_weight,
    "font-style": _keywords("normal", "italic"),
    "letter-spacing": _lengths(2),
    "line-height": _number(1.2, 3),
    # Not justify: in a narrow column it opens wide gaps between words.
    "text-align": _keywords("left", "right", "center", "start", "end"),
}
# @font-face: a clinic may bring its own font files, under a name of its own.
FONT_FACE: dict[str, Check] = {
    "font-family": _face_name,
    "src": _font_src,
    "font-weight": _number(1, 1000, ("normal", "bold")),
    "font-style": _keywords("normal", "italic"),
}
# Functions a value may use: colours, and url() and format() in @font-face src. Never
# var() or env() (values nobody checked), attr() or counter() (they print text), calc().
_FUNCTIONS = {"src": ("url", "format")}
_COLOUR_FUNCTIONS = ("rgb", "rgba", "hsl", "hsla")
NOT = "is not allowed in a clinic stylesheet"
_WHY = {"var": " (write the value itself, such as #1a5f7a)", "url": " outside @font-face src"}


def _allowed(names: Iterable[str]) -> str:
    """The allowed names, briefly: border-top, border-color... shown once as border-*."""
    grouped = (
        n.split("-")[0] + "-*" if n.startswith(("border-", "margin-", "padding-")) else n
        for n in names
    )
    return ", ".join(dict.fromkeys(grouped))


def tokens_within(nodes: Iterable[Node]) -> Iterator[Node]:
    """Every token in `nodes`, and in the blocks, functions and rules inside them."""
    for node in nodes:
        yield node
        for child in ("prelude", "content", "arguments", "value"):
            inner = getattr(node, child, None)
            if isinstance(inner, list):
                yield from tokens_within(inner)


def _split(tokens: list[Node], separator: str, keep_spaces: bool = False) -> list[list[Node]]:
    parts: list[list[Node]] = [[]]
    for token in tokens:
        if token.type == "literal" and token.value == separator:
            parts.append([])
        elif token.type != "comment" and (keep_spaces or token.type != "whitespace"):
            parts[-1].append(token)
    return parts


def check_clinic_css(text: str, bundled_fonts: Iterable[str] = ()) -> list[str]:
    """Every problem in a clinic stylesheet, each as `line N: ... (what is allowed)`.

    Args:
        text: The stylesheet.
        bundled_fonts: The font families this project ships: a clinic may use them, and
            may not give an @font-face their name.

    Returns:
        The problems in the order of the file; empty when the stylesheet may be used.
    """
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    known = {family_key(name) for name in (*bundled_fonts, *RISK_BOX_FONTS)}
    faces = [_declared(rule) for rule in rules if _is_font_face(rule)]
    named = {family_key(n) for face in faces for n in _family_names(face.get("font-family", []))}
    problems: list[tuple[int, str]] = []
    for rule in rules:
        if rule.type == "qualified-rule":
            problems += [(rule.source_line, p) for p in _selector_problems(rule.prelude)]
            problems += _declarations(rule.content, PROPERTIES, known | named | {*GENERIC_FONTS})
        elif _is_font_face(rule):
            reserved = known | {family_key(name) for name in _FONTCONFIG_NAMES}
            problems += _declarations(rule.content, FONT_FACE, reserved)
            if not {"font-family", "src"} <= _declared(rule).keys():
                problems.append((rule.source_line, "@font-face needs a font-family and a src"))
        elif rule.type == "at-rule":
            at_rule = f"at-rule '@{rule.lower_at_keyword}'"
            problems.append((rule.source_line, f"{at_rule} {NOT} (allowed: @font-face)"))
        else:
            problems.append((rule.source_line, f"this CSS cannot be read ({rule.message})"))
    return [f"line {line}: {problem}" for line, problem in sorted(problems, key=lambda p: p[0])]


def _is_font_face(rule: Node) -> bool:
    return rule.type == "at-rule" and rule.lower_at_keyword == "font-face" and bool(rule.content)


def _declared(rule: Node) -> dict[str, list[Node]]:
    """A rule's declarations, by property name."""
    items = tinycss2.parse_blocks_contents(rule.content)
    return {item.lower_name: item.value for item in items if item.type == "declaration"}


def _declarations(
    content: list[Node], allowed: dict[str, Check], names: set[str]
) -> list[tuple[int, str]]:
    """Problems in a block of declarations, each checked against `allowed`."""
    problems = []
    for item in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if item.type == "declaration":
            problem = _declaration(item, allowed, names)
        elif item.type == "error":
            problem = f"this CSS cannot be read ({item.message})"
        else:
            problem = f"a rule inside a rule {NOT} (write it on its own)"
        if problem:
            problems.append((item.source_line, problem))
    return problems


def _declaration(item: Node, allowed: dict[str, Check], names: set[str]) -> str | None:
    name = item.lower_name
    if name.startswith("--"):
        return f"custom property '{item.name}' {NOT} (write each value itself)"
    if name not in allowed:
        return f"property '{name}' {NOT} (allowed: {_allowed(allowed)})"
    if item.important:
        return f"'!important' {NOT} (on '{name}')"
    value = [token for token in item.value if token.type not in ("whitespace", "comment")]
    for token in tokens_within(value):
        function = "url" if token.type == "url" else getattr(token, "lower_name", None)
        if function and function not in _FUNCTIONS.get(name, _COLOUR_FUNCTIONS):
            return f"{function}() {NOT}{_WHY.get(function, '')}"
    if hint := allowed[name](value, names):
        return f"'{name}: {tinycss2.serialize(item.value).strip()}' {NOT} ({hint})"
    return None


_SELECTORS = (
    f"the elements {', '.join(sorted(TYPES))} and the classes .{', .'.join(sorted(CLASSES))}, "
    "joined by a space or >"
)
_REFUSED_PARTS = {
    "*": "'*' (every element)",
    "hash": "an id selector",
    "[] block": "an attribute selector",
    "+": "the combinator '+'",
    "~": "the combinator '~'",
}


def _selector_problems(prelude: list[Node]) -> list[str]:
    """Why each selector of a rule is refused; empty if every one is allowed."""
    return [
        f"selector '{tinycss2.serialize(selector).strip()}' {NOT}: {reason} (allowed: {_SELECTORS})"
        for selector in _split(prelude, ",", keep_spaces=True)
        if (reason := _selector_problem([*selector, None]))
    ]


def _selector_problem(tokens: list[Node | None]) -> str | None:
    """Why one selector is refused: compounds of an element and classes, joined by ' ' or >."""
    place = "start"  # "start", "compound" (inside one), "space" or ">" (between two)
    for index, token in enumerate(tokens[:-1]):
        kind, after = (token.value if token.type == "literal" else token.type), tokens[index + 1]
        if kind == "whitespace" or (kind == ">" and place in ("compound", "space")):
            place = "space" if kind == "whitespace" and place == "compound" else place
            place = ">" if kind == ">" else place
        elif kind == "ident" and place != "compound":
            if token.lower_value not in TYPES:
                return f"the element '{token.lower_value}' is not one a clinic may style"
            place = "compound"
        elif kind == "." and getattr(after, "type", "") == "ident":
            if after.value not in CLASSES:
                return f"the class '.{after.value}' is not one a clinic may style"
            place = "compound"
        elif kind == "ident" and getattr(tokens[index - 1], "value", "") == ".":
            continue  # the class name, checked with its '.'
        elif kind == ":":
            element = getattr(after, "value", "") == ":"
            named = tinycss2.serialize(tokens[index : index + 2 + element])
            return (
                f"pseudo-{'elements' if element else 'classes'} such as '{named}' are not allowed"
            )
        else:
            return f"{_REFUSED_PARTS.get(kind, repr(tinycss2.serialize([token])))} is not allowed"
    return None if place in ("compound", "space") else "it is not complete"
