"""The ``peolc`` command: build, load, inspect and query the warehouse.

Every command takes ``--db PATH`` (or the ``PEOLC_DB`` environment variable) to choose
the warehouse; the default is ``data/peolc.duckdb``. Errors go to stderr as a title and
the places to look (file, line, column, what was expected); the exit status is non-zero.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from peolc import __version__
from peolc.config import ENV_VAR, warehouse_path
from peolc.errors import PeolcError
from peolc.measures import FINGERTIPS_PROFILE

if TYPE_CHECKING:
    from etl.fetch.commands import FetchResult

app = typer.Typer(
    name="peolc",
    help="Palliative and end of life care needs warehouse: load data, build the demo, "
    "inspect and query it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help=f"Warehouse file (default: ${ENV_VAR}, else data/peolc.duckdb).",
        show_default=False,
    ),
]


class Kind(StrEnum):
    fingertips = "fingertips"
    icb_extract = "icb-extract"
    deaths = "deaths"
    qof = "qof"
    lookups = "lookups"
    imd = "imd"
    population = "population"
    boundaries = "boundaries"


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@contextmanager
def _progress(enabled: bool = True) -> Iterator[Progress]:
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=not enabled) as progress:
        yield progress


def _fail(error: PeolcError) -> None:
    err.print(f"[bold red]error:[/] {error.title}", highlight=False)
    if error.detail:
        err.print(error.detail, highlight=False, markup=False)
    raise typer.Exit(code=1)


@app.command()
def load(
    kind: Annotated[Kind, typer.Argument(help="What the files are.")],
    files: Annotated[list[Path], typer.Argument(help="One or more files of that kind.")],
    db: DbOption = None,
    lenient: Annotated[
        bool,
        typer.Option(
            "--lenient",
            help="Load the good rows and keep each bad row in the rejects table, "
            "instead of failing on the first file with problems.",
        ),
    ] = False,
) -> None:
    """Load FILES of KIND into the warehouse, all or nothing.

    A file whose exact bytes were loaded before is skipped. Rows with problems fail the
    load (nothing changes) unless --lenient is given.
    """
    from etl.loading import load_files

    target = warehouse_path(db)
    started = time.perf_counter()
    try:
        with _progress() as progress:
            task = progress.add_task(f"loading {len(files)} file(s)", total=None)
            summaries = load_files(
                target,
                kind.value,
                files,
                lenient=lenient,
                progress=lambda text: progress.update(task, description=text),
            )
    except PeolcError as e:
        _fail(e)
        return
    for s in summaries:
        status = "skipped" if s.skipped else f"{s.rows_loaded:,} rows loaded"
        if s.rows_rejected:
            status += f", {s.rows_rejected:,} rejected"
        out.print(f"{s.file_name}: {status}", highlight=False)
        for note in s.notes:
            out.print(f"  note: {note}", highlight=False)
    out.print(f"warehouse: {target} ({time.perf_counter() - started:.1f} s)", highlight=False)


@app.command()
def demo(
    db: DbOption = None,
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives the same data.")
    ] = 2024,
    years: Annotated[int, typer.Option(help="Years of deaths to generate (ending 2023).")] = 5,
    scale: Annotated[
        float,
        typer.Option(help="Fraction of national size (1.0 = about 560,000 deaths a year)."),
    ] = 1.0,
    keep_files: Annotated[
        Path | None,
        typer.Option(help="Also keep the generated input files in this folder."),
    ] = None,
    without: Annotated[
        list[str] | None,
        typer.Option(
            help="A kind to generate but not load, e.g. deaths: a warehouse from the "
            "aggregate sources (Fingertips and ICB extracts) only. Repeat for more."
        ),
    ] = None,
) -> None:
    """Build a synthetic warehouse at national scale (labelled synthetic everywhere).

    The generator writes its data in the documented file layouts and loads them through
    the same loaders as real data, replacing whatever the warehouse held. With
    ``--without deaths`` the pages show what Fingertips and the ICB extract give.
    """
    from etl.demo.build import build_demo

    target = warehouse_path(db)
    started = time.perf_counter()
    try:
        with _progress() as progress:
            task = progress.add_task("generating synthetic data", total=None)
            build_demo(
                target,
                seed=seed,
                years=years,
                scale=scale,
                keep_files=keep_files,
                progress=lambda text: progress.update(task, description=text),
                without=frozenset(without or ()),
            )
    except PeolcError as e:
        _fail(e)
        return
    size = target.stat().st_size / 1e6
    out.print(
        f"demo warehouse (SYNTHETIC data, seed {seed}) built in "
        f"{time.perf_counter() - started:.1f} s: {target} ({size:,.0f} MB)",
        highlight=False,
    )


@app.command("open-data")
def open_data(
    folder: Annotated[Path, typer.Argument(help="A folder laid out like ../shared/data.")],
    db: DbOption = None,
) -> None:
    """Build a warehouse from the official open files in FOLDER (replacing the warehouse).

    Looks for the boundaries/, lookups/, qof/, imd/, population/ and fingertips/ files
    described in docs/data-formats.md; reports each file loaded and anything missing.
    """
    from etl.open_data import build_open_data

    target = warehouse_path(db)
    started = time.perf_counter()
    try:
        with _progress() as progress:
            task = progress.add_task("loading open data", total=None)
            summaries = build_open_data(
                target, folder, progress=lambda text: progress.update(task, description=text)
            )
    except PeolcError as e:
        _fail(e)
        return
    for s in summaries:
        status = "not loaded" if s.skipped else f"{s.rows_loaded:,} rows"
        out.print(f"{s.kind:<11} {s.file_name}: {status}", highlight=False)
        for note in s.notes:
            out.print(f"  note: {note}", highlight=False)
    out.print(f"warehouse: {target} ({time.perf_counter() - started:.1f} s)", highlight=False)


@app.command()
def info(db: DbOption = None) -> None:
    """Show the warehouse: origin (demo or real), tables with row counts, and the load log."""
    from queries import warehouse_info

    try:
        meta, tables, log = warehouse_info.describe(warehouse_path(db))
    except PeolcError as e:
        _fail(e)
        return
    out.print(f"warehouse: {warehouse_path(db)}", highlight=False)
    for key, value in meta.items():
        out.print(f"  {key}: {value}", highlight=False)
    counts = Table("table", "rows", title="Tables")
    for name, rows in tables:
        counts.add_row(name, f"{rows:,}")
    out.print(counts)
    loads = Table("id", "kind", "file", "read", "loaded", "rejected", "loaded at", title="Load log")
    for row in log:
        loads.add_row(*(str(v) for v in row))
    out.print(loads)


@app.command()
def show(
    place: Annotated[str, typer.Argument(help="ONS or ODS code of a place, current or previous.")],
    db: DbOption = None,
    year: Annotated[int | None, typer.Option(help="Year of deaths (default: latest).")] = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.table
    ),
) -> None:
    """Print the Overview's headline figures for PLACE, as the dashboard shows them."""
    from queries import overview, places
    from queries.runner import Reader

    try:
        reader = Reader.of(warehouse_path(db))
        figures = overview.headline(places.resolve(place, reader), year, reader)
    except PeolcError as e:
        _fail(e)
        return
    rows = figures.rows()
    if output is OutputFormat.json:
        sys.stdout.write(json.dumps(figures.as_dict(), indent=2) + "\n")
    elif output is OutputFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["key", "measure", "value", "display", "lower_95", "upper_95", "note"])
        for t in figures.tiles:
            writer.writerow([t.key, t.label, t.value, t.display, t.lower, t.upper, t.note])
    else:
        table = Table("measure", "value", "note", title=figures.title())
        for measure, value, note in rows:
            table.add_row(measure, value, note)
        out.print(table)
    if figures.replaced and output is not OutputFormat.json:
        err.print(f"note: {figures.replaced}")


export = typer.Typer(
    help="Write the warehouse's figures to files for sharing.", no_args_is_help=True
)
app.add_typer(export, name="export")


class DatasetFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    json = "json"


@export.command("dataset")
def export_dataset(
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out", help="Folder to write the files to (made if missing).", show_default=False
        ),
    ],
    place: Annotated[
        list[str] | None,
        typer.Argument(
            help="ONS or ODS codes of places, current or previous (default: England).",
            metavar="PLACE",
            show_default=False,
        ),
    ] = None,
    output: Annotated[DatasetFormat, typer.Option("--format", help="File format.")] = (
        DatasetFormat.csv
    ),
    year: Annotated[
        list[int] | None,
        typer.Option(
            help="A year to export; repeat for more (default: every year with figures).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Write the standardised data set for PLACEs: every indicator value, long format.

    One row per place, period, indicator and breakdown group, in every breakdown, with
    counts protected as the pages show them (hidden counts are blank, suppressed true),
    plus a data dictionary: <stem>.csv and <stem>-dictionary.csv, <stem>.xlsx (sheets data
    and dictionary), or <stem>.json and <stem>-dictionary.json. Layout:
    docs/data-formats.md.
    """
    from queries import dataset, places
    from queries.runner import Reader

    started = time.perf_counter()
    try:
        reader = Reader.of(warehouse_path(db))
        chosen = [places.resolve(code, reader) for code in place] if place else [places.ENGLAND]
        with _progress() as progress:
            progress.add_task("reading every indicator, year and breakdown", total=None)
            built = dataset.build(chosen, year, reader)
    except PeolcError as e:
        _fail(e)
        return
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name, data in dataset.files(built, output.value).items():
            (out_dir / name).write_bytes(data)
            written.append(out_dir / name)
    except OSError as e:
        _fail(PeolcError("The files could not be written.", f"{out_dir}: {e}"))
        return
    table = Table("place", "level", "code", "rows", title="Standardised data set")
    for p in built.places:
        table.add_row(p.name, p.level_label, p.code, f"{built.rows_of(p):,}")
    out.print(table)
    for p in built.places:
        if not built.rows_of(p):
            err.print(
                f"note: no figures for {p.name} ({p.code})"
                + (f" in {', '.join(str(y) for y in built.years)}" if built.years else ""),
                highlight=False,
            )
    if built.synthetic:
        out.print("SYNTHETIC demo data: not real figures.", highlight=False)
    for path in written:
        out.print(f"wrote {path}", highlight=False)
    out.print(f"({time.perf_counter() - started:.1f} s)", highlight=False)


fetch = typer.Typer(
    help="Download public data (Fingertips, NHS England, ONS) and load it in one atomic load. "
    "Every response is kept under data/raw/<source>/<UTC time>/ beside the warehouse (or "
    "--raw-dir), listed in its manifest.json with URL, time and sha256. On any failure "
    "nothing is loaded and the message says how to load the files by hand (peolc load). "
    "Sources and addresses: docs/data-sources.md.",
    no_args_is_help=True,
)
app.add_typer(fetch, name="fetch")

RawDirOption = Annotated[
    Path | None,
    typer.Option(
        "--raw-dir",
        help="Folder for the raw files (default: raw/ beside the warehouse, e.g. data/raw).",
        show_default=False,
    ),
]


@contextmanager
def _fetch_progress() -> Iterator[Callable[[str, int, int | None], None]]:
    from rich.progress import BarColumn, MofNCompleteColumn

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("starting", total=None)

        def report(text: str, done: int, total: int | None) -> None:
            if total is None:
                progress.update(task, description=text)
            else:
                progress.update(task, description=text, completed=done, total=total)

        yield report


def _fetched(result: FetchResult, target: Path, started: float) -> None:
    size = sum(d.size for d in result.downloads)
    out.print(
        f"fetched {len(result.downloads)} file(s), {size / 1e6:,.1f} MB: {result.folder}",
        highlight=False,
    )
    for note in result.notes:
        out.print(f"  note: {note}", highlight=False)
    for s in result.summaries:
        status = "skipped" if s.skipped else f"{s.rows_loaded:,} rows loaded"
        out.print(f"{s.kind:<11} {s.file_name}: {status}", highlight=False)
        for note in s.notes:
            out.print(f"  note: {note}", highlight=False)
    out.print(f"warehouse: {target} ({time.perf_counter() - started:.1f} s)", highlight=False)


@fetch.command("fingertips")
def fetch_fingertips(
    profile: Annotated[int, typer.Option(help="Fingertips profile id (95: End of Life Care).")] = (
        FINGERTIPS_PROFILE
    ),
    indicators: Annotated[
        str | None,
        typer.Option(
            help="Indicator ids, e.g. 93474,93475 (default: every indicator of the profile).",
            show_default=False,
        ),
    ] = None,
    area_types: Annotated[
        str | None,
        typer.Option(
            "--area-types",
            help="Fingertips area type ids: 221 ICB, 66 sub-ICB, 204 PCN, 7 GP, 502 county/UA, "
            "501 district, 15 England, 6 region (default: the profile's that these are).",
            show_default=False,
        ),
    ] = None,
    api: Annotated[
        str | None,
        typer.Option(
            help="API base URL (default: $PEOLC_FINGERTIPS_API, else "
            "https://fingertips.phe.org.uk/api).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    raw_dir: RawDirOption = None,
) -> None:
    """Fetch Fingertips indicator data from its API and load it.

    With --indicators and --area-types only all_data/csv/by_indicator_id is called (100 ids
    a call); otherwise the profile's indicators and area types are read first. Area codes
    lose the API's n prefix; CCG/STP rows repeating an ICB or sub-ICB row are dropped.
    Retries 5xx, 429 (after its Retry-After), timeouts and dropped connections, and gives
    up on a file after two minutes.
    """
    from etl.fetch import fingertips as ft
    from etl.fetch.commands import fetch_fingertips as run

    target = warehouse_path(db)
    started = time.perf_counter()
    try:
        ids = ft.parse_ids(indicators, "indicators")
        types = ft.parse_ids(area_types, "area-types")
        with _fetch_progress() as report:
            result = run(
                target,
                profile=profile,
                indicators=ids,
                area_types=types,
                api=api,
                raw_dir=raw_dir,
                progress=report,
            )
    except PeolcError as e:
        _fail(e)
        return
    _fetched(result, target, started)


UrlOption = Annotated[
    list[str] | None,
    typer.Option(
        "--url",
        help="A file's address instead of the known one (once per file, in order).",
        show_default=False,
    ),
]


def _fetch_publisher(
    name: str, option: str, url: list[str] | None, db: Path | None, raw_dir: Path | None
) -> None:
    from etl.fetch.commands import fetch_publisher

    target = warehouse_path(db)
    started = time.perf_counter()
    try:
        with _fetch_progress() as report:
            result = fetch_publisher(
                target, name, option=option, urls=url or (), raw_dir=raw_dir, progress=report
            )
    except PeolcError as e:
        _fail(e)
        return
    _fetched(result, target, started)


@fetch.command("qof")
def fetch_qof(
    year: Annotated[str, typer.Option(help="Financial year of the QOF publication.")] = "2024-25",
    url: UrlOption = None,
    db: DbOption = None,
    raw_dir: RawDirOption = None,
) -> None:
    """QOF raw data .csv files (zip) for a year, from NHS England.

    Its PREVALENCE_*.csv and MAPPING_NHS_GEOGRAPHIES_*.csv are taken out of the zip and
    loaded; by hand: unzip, then peolc load qof PREVALENCE_*.csv MAPPING_*.csv.
    """
    _fetch_publisher("qof", year, url, db, raw_dir)


@fetch.command("gp-registered")
def fetch_gp_registered(
    month: Annotated[str, typer.Option(help="Month of the publication, YYYY-MM.")] = "2026-07",
    url: UrlOption = None,
    db: DbOption = None,
    raw_dir: RawDirOption = None,
) -> None:
    """Patients registered at a GP practice: the practice mapping and five-year ages.

    From NHS England's monthly publication page: gp-reg-pat-prac-map.zip (loaded as
    lookups) and gp-reg-pat-prac-quin-age.zip (population).
    """
    _fetch_publisher("gp-registered", month, url, db, raw_dir)


@fetch.command("sape")
def fetch_sape(
    edition: Annotated[
        str, typer.Option(help="Edition on ONS's dataset page.")
    ] = "mid2021andmid2022",
    url: UrlOption = None,
    db: DbOption = None,
    raw_dir: RawDirOption = None,
) -> None:
    """ONS population estimates for health geographies (sub-ICB and ICB, single years of age).

    The workbook is downloaded, checked, kept under data/raw/sape/ and loaded: the
    residents of each sub-ICB location by sex and five-year band, for each mid-year on the
    newest ICB geography it has (docs/data-sources.md).
    """
    _fetch_publisher("sape", edition, url, db, raw_dir)


@fetch.command("boundaries")
def fetch_boundaries(
    year: Annotated[str, typer.Option(help="Vintage of the boundary set.")] = "2023",
    url: UrlOption = None,
    db: DbOption = None,
    raw_dir: RawDirOption = None,
) -> None:
    """ONS generalised boundaries: ICB, sub-ICB, NHS region, LAD, county/UA, region (GeoJSON)."""
    _fetch_publisher("boundaries", year, url, db, raw_dir)


@fetch.command("lookups")
def fetch_lookups(
    year: Annotated[str, typer.Option(help="Year of the sub-ICB/ICB geography.")] = "2024",
    url: UrlOption = None,
    db: DbOption = None,
    raw_dir: RawDirOption = None,
) -> None:
    """ONS lookup LSOA 2021 -> sub-ICB -> ICB -> LAD, read page by page into one CSV."""
    _fetch_publisher("lookups", year, url, db, raw_dir)


def version_callback(value: bool) -> None:
    if value:
        out.print(f"peolc {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=version_callback, is_eager=True, help="Show version."),
    ] = False,
) -> None:
    """Palliative and end of life care needs warehouse."""


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
