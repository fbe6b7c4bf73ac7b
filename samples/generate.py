"""Generate synthetic grid-style scorecard reports (PDF and Word) together with their exact tidy truth.

Three styles, every label, figure and name drawn from invented word lists so that the pipeline is
measured on reports it has never seen: ``contract`` (quarterly contract KPI grids,
``contract_model.py``), ``improvement`` (improvement-plan scorecards, ``improvement_model.py``) and
``target`` (target-setting tables, ``target_model.py``). ``random_report`` draws one report model
(``model.py``); ``pdf_render.write_pdf`` and ``word_render.write_docx`` print it and ``truth`` says
what the pipeline should read from it.

A folder (``generate_folder``) also holds, by default, the next quarter's report of one contract grid
(``<name>_next``, ``follow_up.py``): a revised figure, a mis-printed Position and a ``#DIV/0!`` cell,
for the review.
The bundled samples are ``python -m samples.generate samples/reports --count 4 --seed 2019 --measures 16``.

Usage: ``python -m samples.generate OUT [--count N] [--seed S] [--measures M] [--styles S,S] [--no-follow-ups]``.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from samples.contract_model import _contract
from samples.drawing import _ORG_KINDS, _PLACES
from samples.follow_up import follow_up
from samples.improvement_model import _improvement
from samples.model import ReportModel
from samples.pdf_render import write_pdf
from samples.target_model import _target
from samples.truth import (
    BENCHMARK_FIELDS,
    FULL_OBSERVATION_FIELDS,
    MEASURE_FIELDS,
    QUARANTINE_FIELDS,
    expected_benchmarks,
    expected_measures,
    expected_observations,
    expected_quarantine,
    write_truth,
)
from samples.word_render import write_docx

# samples/scans.py reads the grid reports through this module (``grids.random_report``, ``grids.write_pdf``,
# ``grids.expected_*``, ``grids.*_FIELDS``), so those names stay reachable here.
__all__ = [
    "BENCHMARK_FIELDS", "FOLDER_STYLES", "FULL_OBSERVATION_FIELDS", "MEASURE_FIELDS", "QUARANTINE_FIELDS", "STYLES",
    "expected_benchmarks", "expected_measures", "expected_observations", "expected_quarantine", "generate_folder",
    "main", "random_report", "write_docx", "write_pdf",
]

STYLES = ("contract", "improvement", "target")
FOLDER_STYLES = ("contract", "improvement")  # what generate_folder alternates unless asked for more


def random_report(seed: int, style: str = "contract", n_measures: int | None = None) -> ReportModel:
    """A random report of ``style`` with ``n_measures`` measure rows, the same for the same seed.

    ``n_measures`` defaults to 12, or 14 for ``target`` (enough for the table to take two pages).
    """
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {STYLES}")
    rng = random.Random(f"{style}:{seed}")  # str seeds are stable across runs and Python versions
    if n_measures is None:
        n_measures = 14 if style == "target" else 12
    n_measures = max(1, int(n_measures))
    org = f"{rng.choice(_PLACES)} {rng.choice(_ORG_KINDS)}"
    page = rng.choice(["A4", "A4", "Letter"])
    if style == "contract":
        return _contract(rng, seed, org, page, n_measures)
    if style == "target":
        return _target(rng, seed, org, page, n_measures)
    return _improvement(rng, seed, org, page, n_measures)


def generate_folder(out: Path, count: int = 4, seed: int = 0, formats: tuple[str, ...] = ("pdf", "docx"),
                    n_measures: int = 12, styles: tuple[str, ...] = FOLDER_STYLES,
                    follow_ups: bool = True) -> list[Path]:
    """Write ``count`` reports (``styles`` alternating) and ``truth/observations.csv`` / ``truth/measures.csv``.

    With ``follow_ups``, the first contract report whose last year is incomplete also gets its
    next quarter's report (``<name>_next``, see ``follow_up``): a revised figure across two reports,
    a Position that disagrees with its figure, and a quarantined cell, listed in ``truth/quarantine.csv``.

    Formats: ``pdf``, ``docx`` and ``pdf_unruled`` (written as ``<name>_unruled.pdf``). ``styles``
    defaults to contract and improvement; pass ``STYLES`` to alternate all three. When a target-setting
    style is among them, observations.csv also carries numerator, denominator and reported_rag, and
    ``truth/benchmarks.csv`` lists the comparator figures. Returns the document paths, in order.
    """
    unknown = [s for s in styles if s not in STYLES]
    if unknown or not styles:
        raise ValueError(f"unknown styles {unknown!r}; expected some of {STYLES}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    observations: list[dict[str, object]] = []
    measures: list[dict[str, object]] = []
    benchmarks: list[dict[str, object]] = []
    quarantine: list[dict[str, object]] = []
    models: list[tuple[str, ReportModel]] = []
    for i in range(count):
        style = styles[i % len(styles)]
        models.append((f"{style}_{i:03d}", random_report(seed + i, style, n_measures)))
    if follow_ups:
        later = next(((f"{name}_next", m) for name, m in models if follow_up(m) is not None), None)
        if later is not None:
            models.append((later[0], follow_up(later[1])))  # type: ignore[arg-type]
    for base, model in models:
        obs, meas, bench = expected_observations(model), expected_measures(model), expected_benchmarks(model)
        held = expected_quarantine(model)
        for fmt in formats:
            name = base
            if fmt == "pdf":
                doc = write_pdf(model, out / f"{name}.pdf")
            elif fmt == "pdf_unruled":
                doc = write_pdf(model, out / f"{name}_unruled.pdf", ruled=False)
            elif fmt == "docx":
                doc = write_docx(model, out / f"{name}.docx")
            else:
                raise ValueError(f"unknown format {fmt!r}")
            written.append(doc)
            observations += [{"source_file": doc.name, **row} for row in obs]
            measures += [{"source_file": doc.name, **row} for row in meas]
            benchmarks += [{"source_file": doc.name, **row} for row in bench]
            quarantine += [{"source_file": doc.name, **row} for row in held]
    write_truth(out / "truth", observations, measures, benchmarks, quarantine, targets="target" in styles)
    return written


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m samples.generate OUT [--count N] [--seed S] [--measures M] [--styles S,S]``."""
    parser = argparse.ArgumentParser(prog="python -m samples.generate", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--measures", type=int, default=12)
    parser.add_argument("--formats", default="pdf,docx", help="comma-separated: pdf, docx, pdf_unruled")
    parser.add_argument("--styles", default=",".join(FOLDER_STYLES),
                        help=f"comma-separated styles to alternate, from {', '.join(STYLES)}")
    parser.add_argument("--no-follow-ups", dest="follow_ups", action="store_false",
                        help="no next-quarter report of a contract grid")
    args = parser.parse_args(argv)
    paths = generate_folder(args.out, args.count, args.seed, tuple(args.formats.split(",")), args.measures,
                            tuple(args.styles.split(",")), args.follow_ups)
    print(f"wrote {len(paths)} documents and truth/ to {args.out}")


if __name__ == "__main__":
    main()
