"""Can the leaflet's fonts draw every character it prints?

Pango quietly falls back to another installed font for a character the chosen one lacks,
and draws an empty box when no font has it. A box in a patient's leaflet hides a word,
so such a character fails the leaflet. Fontconfig, which WeasyPrint uses, answers both
questions: which file a family name resolves to, and whether any installed font draws a
character.
"""

from __future__ import annotations

import functools
import shutil
import subprocess  # fixed fontconfig tools, no shell, no user input as code
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTFont

_INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp"}  # controls, format marks, spaces: no glyph needed
# Bidi embeddings, overrides and isolates reorder the text around them unseen (they could
# turn "do not" around), and so do the marks U+200E, U+200F and U+061C, on a smaller scale: in a
# left-to-right line, "111 <RLM> 999" prints as "999 111". All are refused, in clinic files
# and handouts alike; a right-to-left handout takes its direction from its language.
REORDERING = frozenset(
    chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
)


def hidden_characters(text: str, allowed: str = "") -> list[str]:
    """The hidden characters in `text`, each once, in the words every refusal of them uses.

    The one rule for clinic files and handouts: a control character (other than those
    `allowed`, such as a tab or a line break where a value may have them) prints as an
    empty box, and a bidi embedding, override or isolate reorders the text unseen.
    """
    found = []
    for char in dict.fromkeys(text):
        if char in REORDERING:
            harm = "reorder the text around it"
        elif unicodedata.category(char) == "Cc" and char not in allowed:
            harm = "print as an empty box"
        else:
            continue
        found.append(
            f"contains U+{ord(char):04X} ({unicodedata.name(char, 'a control character')}), "
            f"a hidden character that would {harm}; remove it"
        )
    return found


def _fontconfig(*args: str) -> str:
    tool = shutil.which(args[0])
    if tool is None:
        return ""
    completed = subprocess.run(  # noqa: S603
        [tool, *args[1:]], capture_output=True, text=True, check=False, timeout=30
    )
    return completed.stdout


@functools.lru_cache(maxsize=32)
def installed_family_file(family: str) -> Path | None:
    """The regular font file for `family`, or None when fontconfig would substitute another."""
    found = _fontconfig("fc-match", "-f", "%{family}\t%{file}", f"{family}:style=Regular")
    families, _, file = found.partition("\t")
    if family.lower() not in [name.strip().lower() for name in families.split(",")]:
        return None
    return Path(file)


@functools.lru_cache(maxsize=32)
def characters_in(path: Path) -> frozenset[int]:
    """The code points a font file has glyphs for."""
    with TTFont(path, lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap() or {})


@functools.lru_cache(maxsize=4096)
def some_font_draws(char: str) -> bool:
    """Whether any installed font has a glyph for `char`."""
    return bool(_fontconfig("fc-list", f":charset={ord(char):x}", "family").strip())


def undrawable(text: str, font_files: list[Path]) -> list[str]:
    """Characters of `text` that neither the leaflet's fonts nor any installed font can draw."""
    covered = set().union(*(characters_in(path) for path in font_files))
    return sorted(
        char
        for char in set(text)
        if unicodedata.category(char) not in _INVISIBLE
        and ord(char) not in covered
        and not some_font_draws(char)
    )
