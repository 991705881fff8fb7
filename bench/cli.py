"""Time how soon each command answers, whole process, side by side with another checkout.

    .venv/bin/python bench/cli.py [--runs 10] [--vs OTHER_CHECKOUT]

Runs `python generate.py --help`, `list` and `check` on the example project, each in a
fresh interpreter from start to exit, and prints the median wall time against the target,
and the median CPU time (user + system), which a busy machine stretches less.
With --vs, the same commands of another checkout (say one made with `git worktree add
/tmp/before <commit>`) run in turn with these, A B A B ..., and their ratio is taken pair
by pair, so that a busy machine slows both sides alike.
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGETS = {"--help": 0.3, "list": 0.3, "check": 1.0}  # seconds, issue 16


def seconds(checkout: Path, command: str) -> tuple[float, float]:
    """Wall and CPU seconds of `python generate.py COMMAND` in `checkout`, on its examples."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, checkout / "generate.py", command],
        cwd=checkout,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def medians(runs: list[tuple[float, float]]) -> str:
    """Median wall and CPU seconds."""
    return "  ".join(f"{statistics.median(column):5.2f}s" for column in zip(*runs, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--vs", type=Path, help="another checkout to compare with")
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {args.runs} runs of each, medians")
    print(f"{'command':<8}  {'wall':>6}  {'cpu':>6}  {'--vs wall':>9}  {'cpu':>6}  ratio  target")
    for command, target in TARGETS.items():
        ours, theirs, ratios = [], [], []
        for run in range(args.runs + 1):  # the first run of each only warms the disk cache
            a = seconds(REPO, command)
            b = seconds(args.vs, command) if args.vs else None
            if run:
                ours.append(a)
                theirs += [b] if b else []
                ratios += [a[0] / b[0]] if b else []
        vs = f"   {medians(theirs)}  {statistics.median(ratios):5.2f}" if theirs else ""
        print(f"{command:<8}  {medians(ours)}{vs:>28}  wall < {target:g} s")


if __name__ == "__main__":
    main()
