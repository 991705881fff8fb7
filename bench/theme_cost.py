"""What a change to the theme's CSS would save, per leaflet, before anyone makes it.

    .venv/bin/python bench/theme_cost.py [--rounds 8] [--vs OTHER_CHECKOUT] NAME='CSS' ...

Each NAME='CSS' is added to the end of a copy of styles/base.css in a generated project
(the project's own styles/ are not touched), say `no-page-number='.page-ref::after {
content: none; }'`. The theme as it is, each change, and with --vs another checkout, each
run in a warm process of its own (bench/warm.py) and take turns, round after round, on
the same clinics as bench/run.py's row i. Prints the median wall and CPU ms per leaflet,
the ratio of CPU times to the theme as it is and to --vs (each the median of one round's
pairs), and the page counts: a change that adds a page is not the same leaflet.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

from run import FONTS, REPO, make_project, pairwise
from warm import Side, Warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("changes", nargs="+", metavar="NAME=CSS")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--vs", type=Path, help="another checkout to compare with")
    args = parser.parse_args()
    changes = dict(change.split("=", 1) for change in args.changes)
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        theme = make_project(root / "as-is", len(FONTS))
        workers = {"as is": Warm(REPO, theme.root, root / "as-is.log")}
        for name, css in changes.items():
            shutil.copytree(theme.root, root / name)
            with (root / name / "styles" / "base.css").open("a", encoding="utf-8") as sheet:
                sheet.write(f"\n/* bench/theme_cost.py: {name} */\n{css}\n")
            workers[name] = Warm(REPO, root / name, root / f"{name}.log")
        if args.vs:
            other = make_project(root / "vs", len(FONTS), args.vs)
            workers["--vs"] = Warm(args.vs, other.root, root / "vs.log")
        clinics = theme.clinic_slugs()
        for worker in workers.values():  # warm-up
            for clinic in clinics:
                worker.leaflet(clinic)
        sides = {name: Side() for name in workers}
        names = list(workers)
        for round_ in range(args.rounds):
            clinic = clinics[round_ % len(clinics)]
            for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
                wall, cpu, pages = workers[name].leaflet(clinic)
                sides[name].wall.append(wall)
                sides[name].cpu.append(cpu)
                sides[name].pages.add(pages)
        for worker in workers.values():
            worker.close()
    width = max(len(name) for name in workers)
    vs = "  CPU / --vs" if args.vs else ""
    print(f"{'':<{width}}  {'wall':>7}  {'CPU':>7}  CPU / as is{vs}  pages")
    for name, side in sides.items():
        against = f"  {pairwise(side.cpu, sides['--vs'].cpu):11.2f}" if args.vs else ""
        print(
            f"{name:<{width}}  {statistics.median(side.wall):4.0f} ms  "
            f"{statistics.median(side.cpu):4.0f} ms  {pairwise(side.cpu, sides['as is'].cpu):11.2f}"
            f"{against}  {' or '.join(str(n) for n in sorted(side.pages))}"
        )


if __name__ == "__main__":
    main()
