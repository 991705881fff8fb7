"""Handouts: `handouts/<id>/<lang>.md`, TOML front matter and Markdown, made into safe HTML.

A handout does not depend on the clinic, so a batch parses each one once. The HTML made
here is the only `Markup` the templates receive: raw HTML in the Markdown is printed as
text, links keep only web and mail targets, and images must be files in the handout's
own folder, with alt text.
"""

from __future__ import annotations

import datetime
import difflib
import itertools
import re
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import unquote, urlsplit

import markdown
import nh3
from markdown.extensions.toc import slugify
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from . import assets, limits
from .errors import ConfigError, problems_error, shown
from .glyphs import hidden_characters
from .messages import describe_errors
from .user_files import Unreadable, read_user_text

_TAGS = {
    "section",
    "div",
    "h2",
    "h3",
    "h4",
    "p",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "img",
    "br",
    "blockquote",
    "code",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}
_ATTRIBUTES = {
    "section": {"class"},
    # Only the classes set below ("lead-in", "lead-in-list"): raw HTML is not Markdown here.
    "p": {"class"},
    "div": {"class"},
    "h2": {"id"},
    "h3": {"id"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}
Text = Annotated[str, Field(min_length=1, max_length=300)]


class HandoutMeta(BaseModel):
    """A handout's front matter."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    title: Text
    summary: Text
    version: Annotated[str, Field(min_length=1, max_length=20)]
    issue_date: datetime.date
    review_date: datetime.date
    sources: Annotated[list[Text], Field(min_length=1)]
    required_sections: list[Text] = []
    risk_sections: list[Text] | None = None
    reading_grade_max: float = 8.0
    reading_ease_min: float = 70.0
    reviewed_by: Text | None = None
    # Questions a patient may want to ask the clinic, printed on the back page.
    questions: Annotated[list[Text], Field(max_length=6)] = []
    translates: Annotated[str, Field(min_length=1, max_length=20)] | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> HandoutMeta:
        if self.review_date <= self.issue_date:
            raise PydanticCustomError(
                "dates",
                "review_date {review} must come after issue_date {issue}",
                {"review": str(self.review_date), "issue": str(self.issue_date)},
            )
        return self

    @property
    def boxed_sections(self) -> list[str]:
        """Sections printed in the risk box: `risk_sections`, else the required ones."""
        return self.required_sections if self.risk_sections is None else self.risk_sections


@dataclass(frozen=True)
class Section:
    """One `##` section of a handout: its heading and the anchor id it renders with."""

    title: str
    id: str


@dataclass(frozen=True)
class Handout:
    """A parsed handout in one language."""

    meta: HandoutMeta
    lang: str
    file: Path
    html: Markup
    sections: tuple[Section, ...]

    @property
    def folder(self) -> Path:
        """The handout's own folder, the only place its images may come from."""
        return self.file.parent.resolve()

    def required_ids(self) -> dict[str, str]:
        """Anchor id of each required section, by its title."""
        return {title: section_id(title) for title in self.meta.required_sections}


def section_id(title: str) -> str:
    """The anchor id a section heading renders with."""
    return slugify(title, "-")


def load_handout(path: Path) -> Handout:
    """Read one handout file and make its safe HTML."""
    try:
        text = read_user_text(path, assets.MAX_HANDOUT_BYTES)
    except Unreadable as error:
        raise problems_error(path, [str(error)]) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _refuse_hidden_characters(path, text)
    meta, body = _front_matter(path, text)
    if meta.id != path.parent.name:
        raise problems_error(path, [f"id: '{meta.id}' must match its folder '{path.parent.name}'"])
    problems = limits.markdown_problems(body, text.count("\n", 0, len(text) - len(body)) + 1)
    if problems:
        raise problems_error(path, problems)
    html, sections = _to_html(path, meta, body)
    return Handout(meta, path.stem, path, html, sections)


def _refuse_hidden_characters(path: Path, text: str) -> None:
    """Name each hidden character by its line (`glyphs.hidden_characters`, a tab allowed)."""
    problems = [
        f"line {number}: {problem}"
        for number, line in enumerate(text.split("\n"), start=1)
        for problem in hidden_characters(line, allowed="\t")
    ]
    if problems:
        raise problems_error(path, problems)


def _front_matter(path: Path, text: str) -> tuple[HandoutMeta, str]:
    if not text.startswith("+++\n"):
        raise problems_error(
            path,
            [
                "no front matter: the file must start with a +++ block holding id, title, "
                "summary, version, issue_date, review_date and sources"
            ],
        )
    block, end, body = text[4:].partition("\n+++\n")
    if not end:
        raise problems_error(path, ["the front matter's closing +++ line is missing"])
    try:
        data = tomllib.loads(block)
    except RecursionError:
        raise problems_error(path, [limits.toml_too_deep(block, first_line=2)]) from None
    except tomllib.TOMLDecodeError as error:
        # tomllib counts lines from the block; the file has the opening +++ above it.
        found = re.search(r"(.*) \(at line (\d+), column (\d+)\)", str(error))
        what, where = (
            (found[1], f"line {int(found[2]) + 1}, column {found[3]}: ")
            if found
            else (str(error), "")
        )
        raise problems_error(path, [f"{where}front matter is not valid TOML ({what})"]) from None
    too_deep = limits.toml_depth_problem(data)
    if too_deep:
        raise problems_error(path, [too_deep])
    try:
        return HandoutMeta.model_validate(data), body
    except ValidationError as error:
        problems = [str(problem) for problem in describe_errors(error, HandoutMeta)]
        raise problems_error(path, problems) from None


def _to_html(path: Path, meta: HandoutMeta, body: str) -> tuple[Markup, tuple[Section, ...]]:
    sectioner = _Sectioner(path, meta)
    md = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")
    # Raw HTML is not Markdown here: with these two steps gone, it is printed as text.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(sectioner, "leaflet-sections", 0)
    html = md.convert(body)
    if sectioner.problems:
        raise ConfigError(f"{shown(path)}: {sectioner.problems[0]}", sectioner.problems[1:])
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )
    return Markup(clean), tuple(sectioner.sections)  # noqa: S704 - sanitised just above


class _Sectioner(markdown.treeprocessors.Treeprocessor):
    """Wraps each `##` heading and what follows in a `<section>`, and checks images."""

    def __init__(self, path: Path, meta: HandoutMeta) -> None:
        super().__init__()
        self.path, self.meta = path, meta
        self.sections: list[Section] = []
        self.problems: list[str] = []

    def run(self, root: ET.Element) -> None:
        for image in root.iter("img"):
            self._check_image(image)
        children = list(root)
        for child in children:
            root.remove(child)
        current = root
        for child in children:
            if child.tag == "h1":
                if (child.text or "").strip() == self.meta.title:
                    continue  # the template prints the title
                child.tag = "h2"
            if child.tag == "h2":
                title = "".join(child.itertext()).strip()
                section = Section(title, section_id(title))
                same = [s.title for s in self.sections if s.id == section.id]
                if same:  # a link to one ("on page N", the web page's) would reach the other
                    self.problems.append(
                        f"the headings '{same[0]}' and '{title}' both make the anchor "
                        f"'#{section.id}'; rename one"
                    )
                self.sections.append(section)
                boxed = " risk-box" if title in self.meta.boxed_sections else ""
                child.set("id", section.id)  # checks.py looks for it on the rendered pages
                current = ET.SubElement(root, "section", {"class": f"section{boxed}"})
            current.append(child)
        for wrapper in root.iter("section"):
            self._group_lead_ins(wrapper)

    @staticmethod
    def _group_lead_ins(section: ET.Element) -> None:
        """Put a paragraph just before a list and the list in one block.

        "Call 999 if you have:" goes with what follows it: styles/base.css keeps the block
        whole in a risk box.
        """
        for lead, listed in list(itertools.pairwise(section)):
            if lead.tag == "p" and listed.tag in ("ul", "ol") and lead.get("class") is None:
                group = ET.Element("div", {"class": "lead-in-list"})
                section.insert(list(section).index(lead), group)
                section.remove(lead)
                section.remove(listed)
                lead.set("class", "lead-in")
                group.extend([lead, listed])

    def _check_image(self, image: ET.Element) -> None:
        target = image.get("src", "")
        parts = urlsplit(target)
        folder = self.path.parent.resolve()
        relative = unquote(parts.path)
        local = None if "\0" in relative else (folder / relative).resolve()
        if (
            parts.scheme
            or parts.netloc
            or target.startswith("/")
            or local is None
            or not local.is_relative_to(folder)
        ):
            self.problems.append(
                f"image '{target}' is not allowed: a handout's images must be files in its own "
                f"folder {shown(self.path.parent)}/, given as a relative path"
            )
        elif not local.is_file():
            self.problems.append(f"image '{target}' not found in {shown(self.path.parent)}/")
        elif not image.get("alt", "").strip():
            self.problems.append(
                f"image '{target}' has no alt text: write ![what it shows]({target})"
            )


def missing_sections(handout: Handout) -> list[str]:
    """A problem for each required or risk section the handout's own text does not have.

    Names the nearest heading the handout does have: usually the same one, misspelt.
    `check` reports these; the web version is refused for them (the PDF's audit finds
    them after layout).
    """
    titles = [section.title for section in handout.sections]
    keys = dict.fromkeys(handout.meta.required_sections, "required_sections")
    keys |= {t: "risk_sections" for t in handout.meta.risk_sections or [] if t not in keys}
    problems = []
    for title, key in keys.items():
        if title not in titles:
            nearest = difflib.get_close_matches(title, titles, n=1, cutoff=0)
            hint = (
                f"; the nearest heading is '## {nearest[0]}' (make the two match)"
                if nearest
                else " (it has no ## headings; start each section with one)"
            )
            problems.append(
                f"{shown(handout.file)}: {key}: '{title}' has no '## {title}' heading{hint}"
            )
    return problems
