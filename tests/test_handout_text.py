"""The handout's words as a patient reads them in the built PDF (issue 15, handout text 1.1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import HANDOUT, REPO, pdf_text

pytestmark = pytest.mark.slow  # renders leaflets: left out of the fast tier

# Phrases are compared with spaces and hyphens taken out, so a line break, or a word
# hyphenated across lines, cannot hide a phrase that is there nor show one that is not.
_GAPS = re.compile(r"[\s\-\u2010\u00ad]+")


def squashed(text: str) -> str:
    return _GAPS.sub("", text).lower()


def leaflet_text(examples: Path, lang: str) -> str:
    return squashed(pdf_text(examples / "harbour-view" / f"{HANDOUT}-{lang}.pdf"))


# One row per fixed slip or added fact: the language, what must print, what must not.
TEXT = {
    "minoxidil is not 'best'": (
        "en",
        ["Most of the evidence is for adding it to minoxidil"],
        ["Results were best", "best when"],
    ),
    "a plateau 'may' help": ("en", ["It may help if medicine stopped the loss"], []),
    "mild side effects are a finding, with the risks": (
        "en",
        [
            "In hair-loss trials, they were mostly mild and none were serious",
            "reported with other uses, mostly on the face",
        ],
        ["Mostly mild side effects"],
    ),
    "side-effect counts carry their unit": (
        "en",
        ["a review of 12 trials with 631 people counted 74 side effects"],
        ["(74 compared with 59)"],
    ),
    "the review's year agrees with the sources": ("en", ["A 2022 review"], ["A 2021 review"]),
    "swollen glands as an infection sign": (
        "en",
        ["swollen glands with a fever, or with redness that is getting worse"],
        ["swollen glands in your neck or elsewhere"],
    ),
    "the heading says 'or should ask first'": (
        "en",
        ["Who should not use it, or should ask first"],
        [],
    ),
    "the reviewer line means something to a patient": (
        "en",
        ["Reviewed by: Patient information editor. Evidence last checked: November 2026."],
        ["sourced fact sheet"],
    ),
    "urgent advice names its route": ("en", ["Get urgent advice from NHS 111 if"], []),
    "what a session is like": (
        "en",
        ["A session can hurt a little", "numbed the scalp with a cream first"],
        [],
    ),
    "when results might show": (
        "en",
        ["new hair began after 8 to 10 sessions", "judged results after 3 to 6 months"],
        [],
    ),
    "a medicine may get in more; its own leaflet": (
        "en",
        ["Microneedling may let more of it into your skin", "read the medicine's own leaflet"],
        [],
    ),
    "laser 'cleared' is not approved": (
        "en",
        ['"cleared" by the FDA for sale, which does not mean approved or proven'],
        [],
    ),
    "es: dermapén": (
        "es",
        ["un dermapén: un aparato eléctrico, como un bolígrafo"],
        ["bolígrafo de microagujas", "bolígrafos eléctricos"],
    ),
    "es: alopecia androgenética, not 'caída de patrón'": (
        "es",
        ["la alopecia androgenética (la calvicie común)"],
        ["caída de patrón", "caída del cabello de patrón"],
    ),
    "es: cuero cabelludo where the scalp is meant": (
        "es",
        ["se hace en el cuero cabelludo con"],
        ["se hace en la cabeza", "parte de atrás de la cabeza"],
    ),
    "es: añadir, not the repeated sumar": (
        "es",
        ["Más pelos al añadirlas al minoxidil"],
        ["sumó", "sumar", "sumaron"],
    ),
    "es: 'no es uno de ellos'; the FDA explained": (
        "es",
        ["El regulador de EE. UU., la FDA,", "La caída del pelo no es uno de ellos."],
        ["no es uno."],
    ),
    "es: one term for the next review date": (
        "es",
        ["Próxima revisión: 2 de diciembre de 2027", "Próxima revisión: 2 dic 2027"],
        ["Fecha de revisión"],
    ),
    "one term for the next review date, in the footer too": (
        "en",
        ["Next review 2 December 2027", "Next review 2 Dec 2027"],
        ["Review date"],
    ),
    "questions to ask the clinic, on the back page": (
        "en",
        [
            "Questions to ask",
            "Has microneedling been studied for my type of hair loss?",
            "Should I use it with a medicine, such as minoxidil?",
        ],
        [],
    ),
    "es: questions to ask, on the back page": (
        "es",
        ["Preguntas que puede hacer", "¿Debo usarlo junto con un medicamento, como el minoxidil?"],
        ["Questions to ask"],
    ),
    "es: the heading says 'o debe consultar antes'": (
        "es",
        ["Quién no debe usarlo o debe consultar antes"],
        [],
    ),
    "es: side-effect counts carry their unit": (
        "es",
        ["una revisión de 12 ensayos (631 personas) contó 74 efectos secundarios"],
        ["(74 frente a 59)"],
    ),
    "es: the review's year, glands, the route, 'may'": (
        "es",
        [
            "Una revisión de 2022",
            "ganglios hinchados con fiebre, o con una rojez que empeora",
            "Pida consejo urgente al NHS 111",
            "Podrían ayudar si un medicamento frenó la caída",
        ],
        ["Una revisión de 2021", "Efectos secundarios leves en su mayoría"],
    ),
}


@pytest.mark.parametrize(("lang", "present", "absent"), TEXT.values(), ids=TEXT.keys())
def test_the_handout_prints_the_fixed_text(
    examples: Path, lang: str, present: list[str], absent: list[str]
) -> None:
    text = leaflet_text(examples, lang)
    for phrase in present:
        assert squashed(phrase) in text, phrase
    for phrase in absent:
        assert squashed(phrase) not in text, phrase


@pytest.mark.parametrize("lang", ["en", "es"])
def test_f_number_comments_and_the_change_log_never_print(examples: Path, lang: str) -> None:
    source = (REPO / "handouts" / HANDOUT / f"{lang}.md").read_text(encoding="utf-8")
    comments = [line for line in source.splitlines() if line.startswith("[//]: # (")]
    assert len(comments) > 15 and "[//]: # (Change log, not printed.)" in comments
    pdfs = sorted(examples.glob(f"*/{HANDOUT}-{lang}*.pdf"))
    assert pdfs
    for pdf in pdfs:
        text = pdf_text(pdf)
        assert "[//]" not in text and "Change log" not in text, pdf.name
        assert not re.search(r"\bF\d{1,2}\b", text), pdf.name  # the fact sheet's F-numbers
        assert "issue 15" not in squashed(text), pdf.name
