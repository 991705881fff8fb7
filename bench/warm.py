"""One checkout's code and theme in a warm process, making a leaflet each time it is asked.

    .venv/bin/python bench/warm.py CHECKOUT PROJECT

`bench/run.py --vs` starts one of these for this checkout and one for the other (`versus`),
and asks them in turn, so that both are warm and a busy machine slows both alike.
`leaflets` is imported from CHECKOUT: the calls below are the same in every commit since
6149992. For each clinic slug read on stdin, this makes that clinic's standard English
leaflet of the benchmark handout (`make_leaflet`: templating, layout, checks, the tagged
PDF) and answers `WALL CPU PAGES`: the milliseconds it took, on the clock and in CPU time
(which other work on a shared machine stretches less), and the PDF's page count.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader

HANDOUT = "microneedling-hair-loss"


class Warm:
    """A `bench/warm.py` process for one checkout and project; `leaflet()` asks it for one."""

    def __init__(self, checkout: Path, project: Path, log: Path) -> None:
        self.log, self.errors = log, log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, Path(__file__).resolve(), checkout, project],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            text=True,
        )
        self.asks, self.answers = self.process.stdin, self.process.stdout  # both pipes

    def leaflet(self, clinic: str) -> tuple[float, float, int]:
        """(wall ms, CPU ms, pages) of making `clinic`'s leaflet in the warm process."""
        self.asks.write(f"{clinic}\n")
        self.asks.flush()
        answer = self.answers.readline().split()
        if len(answer) != 3:
            raise SystemExit(f"bench/warm.py stopped:\n{self.log.read_text()}")
        return float(answer[0]), float(answer[1]), int(answer[2])

    def close(self) -> None:
        """Let the process end (it ends when its stdin does)."""
        self.asks.close()
        self.process.wait()
        self.errors.close()


@dataclass
class Side:
    """One checkout's leaflets: wall and CPU ms of each, and their page counts."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    pages: set[int] = field(default_factory=set)


def versus(
    ours: tuple[Path, Path], theirs: tuple[Path, Path], clinics: list[str], rounds: int, logs: Path
) -> tuple[Side, Side]:
    """Two (checkout, project) pairs' leaflets of `clinics`, made in turn, after a warm-up.

    The side that goes first changes every round.
    """
    workers = (Warm(*ours, logs / "ours.log"), Warm(*theirs, logs / "theirs.log"))
    for worker in workers:
        for clinic in clinics:
            worker.leaflet(clinic)
    sides = (Side(), Side())
    for round_ in range(rounds):
        for clinic in clinics:
            for side in (0, 1) if round_ % 2 == 0 else (1, 0):
                wall, cpu, pages = workers[side].leaflet(clinic)
                sides[side].wall.append(wall)
                sides[side].cpu.append(cpu)
                sides[side].pages.add(pages)
    for worker in workers:
        worker.close()
    return sides


def main() -> None:
    checkout, root = (Path(argument).resolve() for argument in sys.argv[1:3])
    sys.path.insert(0, str(checkout))
    from leaflets.branding import load_branding
    from leaflets.content import load_handout
    from leaflets.leaflet import STANDARD, Options, make_leaflet
    from leaflets.project import Project

    project = Project(root)
    handout = load_handout(project.handout_file(HANDOUT, "en"))
    for line in sys.stdin:
        branding = load_branding(project.clinic_file(line.strip()))
        wall, cpu = time.perf_counter(), time.process_time()
        data = make_leaflet(project, branding, handout, STANDARD, Options())
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        pages = len(PdfReader(io.BytesIO(data)).pages)
        print(f"{wall * 1000:.1f} {cpu * 1000:.1f} {pages}", flush=True)


if __name__ == "__main__":
    main()
