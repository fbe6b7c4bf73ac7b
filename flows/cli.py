"""`scorecards`: ingest reports, export the contract views, show what is loaded.

    scorecards ingest PATH... [--warehouse FILE|URL] [--workers N] [--dask ADDRESS] [--prefect | --no-prefect]
    scorecards export [--warehouse FILE|URL] --out DIR [--format csv,parquet,duckdb,ees]
    scorecards status [--warehouse FILE]
    scorecards correct FILE --row R --col C (--accept | --reject | --value V | --status S) --why TEXT
    scorecards inspect FILE [--json]
    scorecards serve [--inbox DIR] [--warehouse FILE|URL] [--cron "0 2 * * *"] [--port 4200] [--dask ADDRESS]
    scorecards review [--warehouse FILE] --out DIR [--serve] [--port 8800]

Defaults come from scorecards.toml (see flows/config.py) and SCORECARDS_* environment variables.

Exit status: 0 all files loaded (or unchanged), 1 some failed (the rest still loaded), 2 bad usage.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from pathlib import Path

from scorecards.flows.config import Config, load_config


def _parser(config: Config) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scorecards", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="load report files or folders into the warehouse")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    ingest.add_argument("--warehouse", default=config.warehouse,
                        help="DuckDB file or postgresql://user@host/db (default: %(default)s)")
    ingest.add_argument("--workers", type=int, default=config.workers,
                        help="extraction processes, or Dask workers of a local cluster with --dask local "
                             "(default: %(default)s); loading stays one writer")
    ingest.add_argument("--dask", default=config.dask or None, metavar="ADDRESS",
                        help="extract on a Dask cluster through Prefect: a scheduler (tcp://host:8786), "
                             "or `local` for a local cluster of --workers workers")
    mode = ingest.add_mutually_exclusive_group()
    mode.add_argument("--prefect", dest="prefect", action="store_true", default=None,
                      help="run as a Prefect flow (default when PREFECT_API_URL is set)")
    mode.add_argument("--no-prefect", dest="prefect", action="store_false",
                      help="run the same steps without orchestration (default otherwise)")
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")

    export = sub.add_parser("export", help="write every contract view as CSV and Parquet (and other formats)")
    export.add_argument("--warehouse", default=config.warehouse)
    export.add_argument("--out", required=True, type=Path)
    export.add_argument("--format", dest="formats", default="csv,parquet",
                        help="comma-separated: csv, parquet, duckdb (one file for BI tools), "
                             "ees (tidy CSV for explore-education-statistics) (default: %(default)s)")

    status = sub.add_parser("status", help="what is loaded, failed and quarantined")
    status.add_argument("--warehouse", default=config.warehouse)

    correct = sub.add_parser("correct", help="record a reviewer's decision about one cell (kept in corrections.csv)")
    correct.add_argument("file", help="the loaded file's name (as in the views' source_file)")
    correct.add_argument("--row", type=int, required=True, help="the cell's row_index")
    correct.add_argument("--col", type=int, required=True, help="the cell's col_index")
    correct.add_argument("--table", type=int, help="table_index (needed only when several tables fit)")
    correct.add_argument("--breakdown", help="needed only when the cell gives several figures")
    decision = correct.add_mutually_exclusive_group(required=True)
    decision.add_argument("--accept", action="store_true", help="take the quarantined figure as read")
    decision.add_argument("--reject", action="store_true", help="drop the row from observations / quarantine")
    decision.add_argument("--value", type=float, help="correct: the right figure (percentages in points)")
    decision.add_argument("--status", default="", help="correct: the right status (not_available, missing, ...)")
    correct.add_argument("--why", required=True, help="the reason, kept with the decision")
    correct.add_argument("--who", default=os.environ.get("USER", ""), help="default: %(default)s")
    correct.add_argument("--warehouse", default=config.warehouse)
    correct.add_argument("--corrections", default=config.corrections, help="CSV to record in (%(default)s)")

    inspect = sub.add_parser("inspect", help="show every table region found in one file and how it was read")
    inspect.add_argument("file", type=Path)
    inspect.add_argument("--json", action="store_true",
                         help="a JSON list of regions (one per table piece on its page), each with its rows")

    review = sub.add_parser("review", help="write the data-quality review site (static HTML, opens offline)")
    review.add_argument("--warehouse", default=config.warehouse)
    review.add_argument("--out", required=True, type=Path, help="folder for the site (index.html inside)")
    review.add_argument("--serve", action="store_true", help="then serve it on http://127.0.0.1:PORT/ until Ctrl-C")
    review.add_argument("--port", type=int, default=8800, help="port for --serve (default: %(default)s)")

    serve = sub.add_parser("serve", help="Prefect server + nightly-ingest deployment + the process that runs it")
    serve.add_argument("--inbox", default=config.inbox, help="folder to ingest (default: %(default)s)")
    serve.add_argument("--warehouse", default=config.warehouse)
    serve.add_argument("--cron", default=config.schedule, help="schedule (default: %(default)r)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=4200)
    serve.add_argument("--workers", type=int, default=config.workers)
    serve.add_argument("--dask", default=config.dask or None, metavar="ADDRESS",
                       help="nightly runs extract on this Dask scheduler (tcp://host:8786) or `local` cluster")

    validator = sub.add_parser("validator",
                               help="the validator service that keeps Great Expectations warm between runs")
    validator.add_argument("--stop", action="store_true", help="stop it (the next run starts another)")
    return parser


def _is_null(value: object) -> bool:
    """NULL comes back as None, NaN or pandas' NA, by the column's type and the backend: all shown blank."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN is the one value not equal to itself
    except TypeError:  # pandas.NA: its comparisons are NA, which has no truth value
        return True


def _print_table(title: str, rows: list[dict[str, object]]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:  # piped or captured: do not squeeze file names into 80 columns
        console.width = 200
    table = Table(title=title)
    if not rows:
        console.print(f"{title}: none")
        return
    for key in rows[0]:
        table.add_column(str(key))
    for row in rows:
        table.add_row(*("" if _is_null(v) else str(v) for v in row.values()))
    console.print(table)


def run_ingest(args: argparse.Namespace) -> int:
    orchestrate = args.prefect if args.prefect is not None else bool(os.environ.get("PREFECT_API_URL"))
    missing = [p for p in args.paths if not p.exists()]
    for path in missing:
        print(f"scorecards: {path}: no such file or folder", file=sys.stderr)
    started = time.perf_counter()
    settings = args.config.ingest_settings()
    if settings["validator"] == "service" and not missing:
        # Started before the run's own imports, which its start (Great Expectations' import) then
        # overlaps too; the run connects to it when its first batch is read. No-op when one is running.
        from scorecards.expectations.service import ServiceRunner

        ServiceRunner(args.config.validator_idle).start()
    if orchestrate or args.dask:
        orchestrate = True
        from scorecards.flows.ingest import ingest

        summary = ingest([str(p) for p in args.paths], args.warehouse, progress=not args.quiet,
                         settings=settings, workers=args.workers, corrections=args.config.corrections,
                         dask=args.dask)
    else:
        from scorecards.api import ingest

        summary = ingest(args.paths, args.warehouse, workers=args.workers, progress=not args.quiet,
                         corrections=args.config.corrections, **settings)
    elapsed = time.perf_counter() - started
    for outcome in summary.outcomes:
        if outcome.status == "failed":
            print(f"FAILED {outcome.reason}", file=sys.stderr)
    _print_table(
        f"ingest into {args.warehouse} ({'Prefect flow' if orchestrate else 'direct'}, {elapsed:.1f} s)",
        [summary.totals],
    )
    return 1 if summary.count("failed") or missing else 0


def run_export(args: argparse.Namespace) -> int:
    from scorecards.api import open_warehouse

    with open_warehouse(args.warehouse, read_only=True) as wh:
        written = wh.export(args.out, tuple(f.strip() for f in args.formats.split(",") if f.strip()))
    print(f"wrote {len(written)} files to {args.out}")
    return 0


def run_status(args: argparse.Namespace) -> int:
    from scorecards.api import open_warehouse

    with open_warehouse(args.warehouse, read_only=True) as wh:
        report = wh.status()
    for title, frame in report.items():
        _print_table(title, frame.to_dict("records"))
    return 0


def run_correct(args: argparse.Namespace) -> int:
    """Check the decision against the warehouse, record it in the CSV (the record), then apply it."""
    from scorecards.normalise.corrections import corrected_row
    from scorecards.warehouse import warehouse_exists
    from scorecards.warehouse.corrections import record_in_csv

    from scorecards.api import open_warehouse

    if not warehouse_exists(args.warehouse):
        raise FileNotFoundError(f"no warehouse at {args.warehouse}")
    action = "accept" if args.accept else "reject" if args.reject else "correct"
    with open_warehouse(args.warehouse) as wh:
        try:
            correction = wh.new_correction(
                Path(args.file).name, args.row, args.col, action, table_index=args.table, breakdown=args.breakdown,
                new_value=args.value, new_status=args.status, who=args.who, why=args.why, corrector=corrected_row)
            record_in_csv(Path(args.corrections), correction)
        except ValueError as exc:
            print(f"scorecards: {exc}", file=sys.stderr)
            return 2
        state = wh.record_correction(correction, corrector=corrected_row)
    print(f"correction {correction.correction_id}: {state['state']} ({state['state_reason']}); "
          f"recorded in {args.corrections}")
    return 0 if state["state"] == "applied" else 1


def run_inspect(args: argparse.Namespace) -> int:
    import json

    from scorecards.extractors import ExtractionError

    from scorecards.api import inspect

    try:
        # The configuration's extraction settings, as `ingest` uses them, so that inspect shows what ingest reads.
        seen = inspect(args.file, **args.config.extract_settings())
    except (ExtractionError, OSError) as exc:
        print(f"scorecards: {exc}", file=sys.stderr)
        return 1
    regions = seen.regions
    if args.json:
        print(json.dumps(regions, indent=1))
        return 0
    print(f"{seen.doc.source_file}: {seen.doc.pages} page(s), {len(regions)} region(s) read as "
          f"{seen.tables} table(s)")
    for source in seen.doc.page_sources:
        if source.source != "text":  # text-layer pages are the usual case: only the others are named
            print(f"page {source.describe()}")
    for region in regions:
        joined = f" continues region {region['continues']}" if region["continues"] else ""
        print(f"\nregion {region['region']} (table {region['table']}{joined}): page {region['page']} "
              f"bbox {region['bbox']} engine {region['engine']} quality {region['quality']} "
              f"layout {region['layout']} ({region['reason']})")
        for r, row in enumerate(region["rows"]):
            # H: header rows; on a continuation they repeat the table's header and are dropped when joined.
            marker = "H" if r < region["header_rows"] else " "
            if region["row_fragment"] and r == region["header_rows"]:
                marker = "+"  # finishes the last row of the region it continues
            print(f"  {marker}{r:3d} | " + " | ".join(text[:24] for text in row))
    return 0


def run_review(args: argparse.Namespace) -> int:
    from scorecards.warehouse.review import serve_site

    from scorecards.api import review

    try:
        report = review(args.warehouse, args.out)
    except FileExistsError as exc:
        print(f"scorecards: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {report.pages} pages and {report.images} pictures to {args.out} in {report.seconds:.1f} s; "
          f"open {report.index.resolve().as_uri()}")
    if not args.serve:
        return 0
    server = serve_site(args.out, args.port)  # 127.0.0.1 only: the site shows unpublished figures
    print(f"serving {args.out} on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        server.server_close()
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from scorecards.flows.serve import serve

    Path(args.inbox).mkdir(parents=True, exist_ok=True)
    try:
        serve(args.inbox, args.warehouse, args.cron, args.host, args.port, args.workers,
              args.config.ingest_settings(), args.config.corrections, args.dask)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return 0


def run_validator(args: argparse.Namespace) -> int:
    from scorecards.expectations.service import service_status, stop_service

    if args.stop:
        print("stopped" if stop_service() else "not running")
        return 0
    print(service_status())
    return 0


def main(argv: list[str] | None = None) -> int:
    if argv is None and hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `scorecards inspect x.pdf | head` ends quietly
    try:
        config = load_config()
    except (ValueError, OSError) as exc:
        print(f"scorecards: {exc}", file=sys.stderr)
        return 2
    args = _parser(config).parse_args(argv)
    args.config = config
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        commands = {
            "ingest": run_ingest, "export": run_export, "status": run_status, "inspect": run_inspect,
            "serve": run_serve, "review": run_review, "correct": run_correct, "validator": run_validator,
        }
        return commands[args.command](args)
    except FileNotFoundError as exc:
        print(f"scorecards: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: files loaded so far are kept; run the same command again to finish", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
