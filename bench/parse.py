"""Time reading a handout whose body is built to make a Markdown parser backtrack.

    .venv/bin/python bench/parse.py [--sizes 60000,1000000] [--timeout 30]

Each shape is written as the body of a small handout, `size` bytes long, and read with
`load_handout` (front matter, hidden characters, limits, Markdown, sanitising) in a child
process, stopped after `--timeout` seconds. A handout refused with a message is as good
as one parsed: what matters is that the answer comes quickly. Prints one table.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FRONT = """+++
id = "probe"
title = "Probe"
summary = "A probe."
version = "1.0"
issue_date = 2026-01-15
review_date = 2099-01-15
sources = ["A source"]
+++

## Risks

"""
SHAPES = {
    "[[[ ]]] brackets": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "[a]( repeated": lambda n: "[a](" * (n // 4),
    "[[[a]()]()] nested links": lambda n: "[" * (n // 4) + "a" + "]()" * (n // 4),
    "[a unclosed": lambda n: "[a" * (n // 2),
    "![a]( images": lambda n: "![a](" * (n // 5),
    "((( parens after ]": lambda n: "[a](" + "(" * (n - 4),
    "*a emphasis": lambda n: "*a" * (n // 2),
    "**a_ mixed emphasis": lambda n: "**a_" * (n // 4),
    "*a* many matches": lambda n: "*a* " * (n // 4),
    "[a](b) many links": lambda n: "[a](b) " * (n // 7),
    "``` backticks": lambda n: "`a" * (n // 2),
    "> > > blockquotes": lambda n: "> " * (n // 2) + "a",
    "- nested lists": lambda n: "".join(
        "    " * i + "- a\n" for i in range(int((2 * n / 4) ** 0.5))
    ),
    "<http:// autolinks": lambda n: "<http://a" * (n // 9),
    "one long word": lambda n: "a" * n,
    "| table cells": lambda n: "a|b\n-|-\n" + "|" * (n - 8),
    # Within every limit: paragraphs of just under 5,000 characters, repeated.
    "ok: [[[[ left open": lambda n: paragraphs(n, "[[[[" + "a " * 2445),
    "ok: [a]([a]([a]([a](": lambda n: paragraphs(n, "[a](" * 4 + "b " * 2440),
    "ok: *a* many matches": lambda n: paragraphs(n, "*a* " * 50 + "b " * 2000),
    "ok: [a](b) many links": lambda n: paragraphs(n, "[a](b) " * 100 + "b " * 2000),
    "ok: [a][b] references": lambda n: paragraphs(n, "[a][b] " * 50 + "b " * 2000),
    "ok: `a` code spans": lambda n: paragraphs(n, "`a` " * 50 + "b " * 2200),
    "ok: *a _b **c __d nested": lambda n: paragraphs(
        n, "*a _b **c __d e__ f** g_ h* " * 12 + "b " * 2100
    ),
    "ok: > > > quotes": lambda n: paragraphs(n, "> > > a " * 600),
    "ok: lists 4 deep": lambda n: paragraphs(
        n, "".join("    " * (i % 4) + "- item\n" for i in range(200))
    ),
}


def paragraphs(size: int, paragraph: str) -> str:
    """`paragraph` repeated, separated by blank lines, to `size` characters."""
    return "\n\n".join([paragraph] * max(1, size // (len(paragraph) + 2)))


def measure(shape: str, size: int) -> None:
    """Child process: read one generated handout and print the seconds it took."""
    sys.path.insert(0, str(REPO))
    from leaflets.content import load_handout
    from leaflets.errors import LeafletError

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "probe" / "en.md"
        path.parent.mkdir()
        body = SHAPES[shape](size - len(FRONT))
        path.write_text(FRONT + body + "\n", encoding="utf-8")
        start = time.perf_counter()
        try:
            load_handout(path)
            outcome = "parsed"
        except LeafletError as error:
            outcome = "refused: " + error.format_message().splitlines()[0][-70:]
        except RecursionError:
            outcome = "RecursionError (a bug: exit 70)"
        print(f"{time.perf_counter() - start:.2f}\t{outcome}")


def main() -> None:
    """Run every shape at every size in a child process, and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="60000,1000000")
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--shape", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.shape:
        measure(args.shape, args.size)
        return
    for size in map(int, args.sizes.split(",")):
        for shape in SHAPES:
            try:
                done = subprocess.run(
                    [sys.executable, __file__, "--shape", shape, "--size", str(size)],
                    capture_output=True,
                    text=True,
                    timeout=args.timeout,
                    check=False,
                )
                line = done.stdout.strip() or f"-\tfailed: {done.stderr.strip()[-70:]}"
            except subprocess.TimeoutExpired:
                line = f">{args.timeout:g}\tstill parsing, stopped"
            seconds, outcome = line.split("\t", 1)
            print(f"{size // 1000:>5} KB  {shape:<26} {seconds:>6} s  {outcome}", flush=True)


if __name__ == "__main__":
    main()
