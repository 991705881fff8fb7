"""Checks that a PDF is tagged for assistive technology, in the spirit of PDF/UA-1.

No full PDF/UA validator (veraPDF) can be installed here, so these are the checks that
matter most for a patient leaflet, made with pikepdf on the bytes a reader receives.
`build` runs them on every leaflet it writes; `check --pdf FILE` runs them on any PDF.
"""

from __future__ import annotations

import io
import re

import pikepdf

_HEADING = re.compile(r"^/H([1-6])$")


def unreadable(data: bytes) -> str | None:
    """Why `data` is not a PDF file that can be read, in words (None if it can be)."""
    if not data:
        return "is empty, not a PDF file"
    if b"%PDF-" not in data[:1024]:
        return "is not a PDF file (it does not start with %PDF-)"
    try:
        pikepdf.open(io.BytesIO(data)).close()
    except pikepdf.PdfError as error:
        # qpdf names its input as a Python object; the user knows which file it is.
        reason = re.sub(r"^.*?<_io\.BytesIO object at 0x[0-9a-f]+>:?\s*", "", str(error))
        return f"is a damaged or cut-short PDF file ({reason})"
    return None


def check_accessible_pdf(data: bytes, lang: str | None = None) -> list[str]:
    """Everything that keeps `data` from being an accessible tagged PDF (empty if none)."""
    problem = unreadable(data)
    if problem:
        return [problem]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        problems = []
        if "/StructTreeRoot" not in root:
            return ["not tagged: no structure tree (StructTreeRoot)"]
        if not bool(root.get("/MarkInfo", pikepdf.Dictionary()).get("/Marked", False)):
            problems.append("MarkInfo/Marked is not true")
        found_lang = str(root.get("/Lang", ""))
        if not found_lang:
            problems.append("no document language (/Lang)")
        elif lang and found_lang.split("-")[0].lower() != lang.lower():
            problems.append(f"document language is '{found_lang}', expected '{lang}'")
        if not bool(
            root.get("/ViewerPreferences", pikepdf.Dictionary()).get("/DisplayDocTitle", False)
        ):
            problems.append("ViewerPreferences/DisplayDocTitle is not true")
        if not str(pdf.docinfo.get("/Title", "")).strip():
            problems.append("no document title (/Title)")
        elements = list(_walk(root.StructTreeRoot))
        for number, (kind, alt) in enumerate(elements):
            if kind == "/Figure" and not alt.strip():
                problems.append(f"figure {number} has no alt text (/Alt)")
        problems += _heading_problems([kind for kind, _ in elements])
        return problems


def _walk(node: pikepdf.Object):  # a generator of (type, alt) pairs
    """Structure elements in document order, as (type, alt text)."""
    if isinstance(node, pikepdf.Dictionary):
        if "/S" in node:
            yield str(node.S), str(node.get("/Alt", ""))
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            for kid in kids:
                yield from _walk(kid)
        elif isinstance(kids, pikepdf.Dictionary):
            yield from _walk(kids)


def _heading_problems(kinds: list[str]) -> list[str]:
    levels = [int(match[1]) for kind in kinds if (match := _HEADING.match(kind))]
    if not levels:
        return ["no headings (H1...H6) in the structure tree"]
    problems = []
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} H1 headings; a leaflet has exactly one")
    if levels[0] != 1:
        problems.append(f"the first heading is H{levels[0]}, not H1")
    for before, after in zip(levels, levels[1:], strict=False):
        if after > before + 1:
            problems.append(f"heading level skips from H{before} to H{after}")
            break
    return problems
