"""Limits on what a handout's Markdown and a TOML file may hold, checked before parsing them.

Python-Markdown matches links by scanning forward from every `[` for its `]`, and from
every `](` for its `)`, and restarts its search after each inline match: a 60 KB body of
brackets took minutes, outside any worker's time limit. These limits bound that work, so
reading a handout takes time in proportion to its size. Each bounds one thing: how deep
brackets, parentheses, emphasis, quotes and lists nest (the scans from a `[` or `(` cover
at most that many times the text), how long a paragraph is and how many marks it has (each
restart covers at most one paragraph), how many lines there are (each list item is
slow), and how long a word is (a word too long for the column cannot print).
A patient leaflet needs far less than any of them.
"""

from __future__ import annotations

import re
import unicodedata

MAX_INLINE_NESTING = 4  # [ ] brackets, ( ) parentheses, * and _ emphasis, each
MAX_QUOTE_DEPTH = 3
MAX_LIST_DEPTH = 4
MAX_LINES = 2000  # lines in a handout's body; each costs Python-Markdown about 50 us
MAX_PARAGRAPH = 5000  # characters between blank lines: more than a column of a page
MAX_MARKS = 100  # links, emphasis, code, escapes in one paragraph; the real handouts use 12
MAX_WORD = 100  # characters; the longest medical words have about 45
MAX_ADDRESS = 2000  # characters in a web or mail address
MAX_TOML_DEPTH = 8  # lists and tables inside one another; clinic files need 3
MAX_PROBLEMS = 5  # a pathological file gets a short message, not a line per character

_INLINE = re.compile(r"\\.|[\[\]()]|[*_]+")
_MARKS = re.compile(r"\\.|[\[`<&]|[*_]+")
_PREFIX = re.compile(r" {0,3}(?:>|[-*+](?=\s)|\d{1,9}[.)](?=\s))\s*")
_RULE = re.compile(r"\s*([-*_])(?:\s*\1){2,}\s*")  # a line such as --- or * * *: a rule
_TABLE_RULE = re.compile(r"[\s|:-]*")  # a table's |---|:--:| line prints no word
_LONG = re.compile(rf"[^\s|]{{{MAX_WORD + 1},}}")
_ADDRESS = re.compile(r"://|mailto:|www\.", re.IGNORECASE)
_OPENERS = re.compile(rf"(?:[\[{{][^\[\]{{}}\n]*){{{MAX_TOML_DEPTH + 1}}}")
_PAIRS = {"]": "[", ")": "("}
_NAMES = {"[": "square brackets [ ]", "(": "parentheses ( )", "*": "emphasis (* or _)"}


def markdown_problems(body: str, first_line: int) -> list[str]:
    """What in a handout's Markdown body is past a limit, one line each, by file line."""
    lines = body.count("\n") + 1
    if lines > MAX_LINES:
        return [
            f"line {first_line}: the text has {lines:,} lines; the limit is {MAX_LINES:,} "
            "(a leaflet prints a few hundred at most): shorten it"
        ]
    problems: list[str] = []
    paragraph = _Paragraph(first_line)
    for number, line in enumerate(body.split("\n"), start=first_line):
        if len(problems) >= MAX_PROBLEMS:
            break
        if not line.strip():
            paragraph = _Paragraph(number + 1)
            continue
        problems += paragraph.add(number, line)
        problems += _block_problems(number, line)
        problems += _word_problems(number, line)
    return problems[:MAX_PROBLEMS]


class _Paragraph:
    """Lines up to a blank line: Markdown matches brackets and emphasis within one."""

    def __init__(self, first_line: int) -> None:
        self.first_line, self.length, self.marks = first_line, 0, 0
        self.too_long = self.too_marked = False
        self.open = {"[": 0, "(": 0, "*": 0}
        self.reported: set[str] = set()

    def add(self, number: int, line: str) -> list[str]:
        problems = []
        budget = MAX_PARAGRAPH - self.length  # past it the paragraph is refused anyway
        self.length += len(line) + 1
        if self.length > MAX_PARAGRAPH and not self.too_long:
            self.too_long = True
            problems.append(
                f"line {self.first_line}: a paragraph of more than {MAX_PARAGRAPH:,} characters "
                f"without a blank line; the limit is {MAX_PARAGRAPH:,} (about a column of a "
                "page): split it with blank lines"
            )
        self.marks += len(_MARKS.findall(line, 0, max(0, budget)))
        if self.marks > MAX_MARKS and not self.too_marked:
            self.too_marked = True
            problems.append(
                f"line {self.first_line}: a paragraph with more than {MAX_MARKS} Markdown marks "
                "(links, emphasis, code: [ * _ ` \\ < &); the limit is "
                f"{MAX_MARKS}: split it with blank lines"
            )
        for match in _INLINE.finditer(line, 0, max(0, budget)):
            kind = self._count(match, line)
            if kind and self.open[kind] > MAX_INLINE_NESTING and kind not in self.reported:
                self.reported.add(kind)
                problems.append(
                    f"line {number}: {_NAMES[kind]} nested (or left open) more than "
                    f"{MAX_INLINE_NESTING} deep; the limit is {MAX_INLINE_NESTING}: close "
                    "each one, or write it as plain words"
                )
        return problems

    def _count(self, match: re.Match[str], line: str) -> str | None:
        """Count one opening or closing mark; return the kind that opened, if one did."""
        mark = match[0]
        if mark[0] == "\\":
            return None  # an escaped mark is printed, not matched
        if mark in "[(":
            self.open[mark] += 1
            return mark
        if mark in "])":
            self.open[_PAIRS[mark]] = max(0, self.open[_PAIRS[mark]] - 1)
            return None
        before = line[match.start() - 1] if match.start() else " "
        after = line[match.end()] if match.end() < len(line) else " "
        opens = not after.isspace() and (before.isspace() or unicodedata.category(before)[0] == "P")
        closes = not before.isspace() and (after.isspace() or unicodedata.category(after)[0] == "P")
        if opens and not closes:
            self.open["*"] += 1
            return "*"
        if closes and not opens:
            self.open["*"] = max(0, self.open["*"] - 1)
        return None


def _block_problems(number: int, line: str) -> list[str]:
    """Quotes and lists nested past their limits on one line (its `>` and list markers)."""
    if _RULE.fullmatch(line):
        return []
    expanded = line.expandtabs(4)
    indent = len(expanded) - len(expanded.lstrip(" "))
    quotes, lists, position = 0, 0, indent - min(indent, 3)
    while match := _PREFIX.match(expanded, position):
        quotes += match[0].lstrip().startswith(">")
        lists += not match[0].lstrip().startswith(">")
        position = match.end()
    lists += indent // 4 if lists else 0  # each four spaces of indent is a level of a list
    problems = []
    if quotes > MAX_QUOTE_DEPTH:
        problems.append(
            f"line {number}: quotes nested {quotes} deep (one > for each); the limit is "
            f"{MAX_QUOTE_DEPTH}"
        )
    if lists > MAX_LIST_DEPTH:
        problems.append(
            f"line {number}: a list nested {lists} levels deep; the limit is {MAX_LIST_DEPTH}"
        )
    return problems


def _word_problems(number: int, line: str) -> list[str]:
    """Words too long for the column: they would be cut, or run off the page."""
    if _TABLE_RULE.fullmatch(line) or _RULE.fullmatch(line):
        return []
    for match in _LONG.finditer(line):
        word = match[0]
        if _ADDRESS.search(word):
            if len(word) <= MAX_ADDRESS:
                continue
            limit = f"a web or mail address may have at most {MAX_ADDRESS:,}"
        elif _longest_run(word) <= MAX_WORD:
            continue  # Chinese and Japanese break between any two characters
        else:
            limit = f"a word may have at most {MAX_WORD}"
        shown = word if len(word) <= 30 else word[:27] + "..."
        return [
            f"line {number}: a word of {len(word):,} characters ('{shown}') is too long to "
            f"print; {limit} characters: add spaces, or shorten it"
        ]
    return []


def _longest_run(word: str) -> int:
    """The longest stretch of `word` with no wide (CJK) character, where lines may break."""
    longest = run = 0
    for char in word:
        run = 0 if unicodedata.east_asian_width(char) in "WF" else run + 1
        longest = max(longest, run)
    return longest


def toml_depth_problem(data: object) -> str | None:
    """Lists or tables nested inside one another past the limit, named by key."""
    stack: list[tuple[object, str, int]] = [(data, "", 0)]
    while stack:
        value, key, depth = stack.pop()
        if depth > MAX_TOML_DEPTH:
            return (
                f"{key}: lists or tables nested {depth} deep, one inside another; "
                f"the limit is {MAX_TOML_DEPTH}"
            )
        if isinstance(value, dict | list):
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for part, inner in items:
                name = f"{key}[{part}]" if isinstance(part, int) else f"{key}.{part}".lstrip(".")
                stack.append((inner, name, depth + 1))
    return None


def toml_too_deep(text: str, first_line: int = 1) -> str:
    """The message for TOML nested too deep for the parser itself (hundreds of levels)."""
    found = _OPENERS.search(text)
    where = f"line {text.count(chr(10), 0, found.start()) + first_line}: " if found else ""
    return (
        f"{where}lists or tables are nested hundreds of levels deep, one inside another; "
        f"the limit is {MAX_TOML_DEPTH}"
    )
