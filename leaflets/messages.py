"""Pydantic's validation errors, retold in the words clinic staff use.

One `Problem` per problem, a key and what is wrong (what would be valid): no Python type
names, no "Value error,", and a "did you mean" for a misspelt key. The CLI prints each as
`key: message`; the web form shows the message beside the key's field.
"""

from __future__ import annotations

import datetime
import difflib
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

_KINDS = {
    str: "text in quotes",
    Path: "text in quotes",  # a file named in a clinic file, resolved once valid
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    list: "a list in [ ]",
    dict: "a table",
    datetime.date: "a date such as 2026-11-01",
}


class Problem(NamedTuple):
    """One problem in a file: its dotted key ('' for the file as a whole) and what is wrong."""

    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.key or '(top level)'}: {self.message}"


def describe_errors(error: ValidationError, model: type[BaseModel]) -> list[Problem]:
    """Every problem in `error`, keyed by dotted path (`colours.primary`, `font.files[0]`).

    A check that finds several problems in one value (a clinic stylesheet) gives one
    `Problem` a line; each is reported under the value's key.
    """
    return [
        Problem(_key(detail["loc"]), line)
        for detail in error.errors(include_url=False)
        for line in _describe(detail, model).splitlines()
    ]


def _key(loc: tuple[str | int, ...]) -> str:
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else f".{part}" if key else part
    return key


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value if len(value) <= 80 else value[:77] + "...")
    return str(value)


def _describe(detail: ErrorDetails, model: type[BaseModel]) -> str:
    loc, kind, given = detail["loc"], detail["type"], detail["input"]
    ctx = detail.get("ctx") or {}
    if kind == "missing":
        return f"required, but missing{_purpose(model, loc)}"
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"valid keys: {', '.join(known)}"
        return f"unknown key ({hint})"
    if kind == "literal_error":
        return f"{_value(given)} is not allowed (use {ctx['expected']})"
    if kind == "string_too_long":
        return f"is {len(given)} characters long; the limit is {ctx['max_length']}"
    if kind == "string_too_short" or kind == "too_short":
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        return f"{_value(given)} is not in the expected form ({ctx['pattern']})"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        expected = _expected(model, loc)
        return f"expected {expected}, got {_value(given)}"
    if kind == "value_error":
        return str(ctx.get("error", detail["msg"]))
    return detail["msg"]


def _walk(model: type[BaseModel], loc: tuple[str | int, ...]) -> Any:
    """The annotation at `loc` inside `model`, or None when the path leaves the model."""
    annotation: Any = model
    for part in loc:
        if isinstance(part, int):
            args = getattr(annotation, "__args__", ())
            annotation = args[0] if args else None
            continue
        fields = getattr(_model_of(annotation), "model_fields", {})
        if part not in fields:
            return None
        annotation = fields[part].annotation
    return annotation


def _model_of(annotation: Any) -> Any:
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _purpose(model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    """What a field is for (its description), to say beside a value that is missing."""
    parent = _model_of(_walk(model, loc[:-1]))
    field = parent.model_fields.get(loc[-1]) if parent and loc else None
    return f" ({field.description})" if field and field.description else ""


def _fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    inner = _model_of(_walk(model, loc))
    return list(inner.model_fields) if inner else []


def _expected(model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    annotation = _walk(model, loc)
    if _model_of(annotation):
        return "a table"
    origin = getattr(annotation, "__origin__", annotation)
    for candidate in (origin, *getattr(annotation, "__args__", ())):
        candidate = getattr(candidate, "__origin__", candidate)
        if candidate in _KINDS:
            return _KINDS[candidate]
    return "another kind of value"
