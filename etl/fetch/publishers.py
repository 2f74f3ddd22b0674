"""The other public sources ``peolc fetch`` knows: where each file is and how to check it.

Addresses and what each file is: docs/data-sources.md. A source is a list of ``Item``s for
its option (a year, a month, an edition). An item's address is known (``url``), or it is
the link on a publication page whose address matches ``link``: NHS England's files live
under addresses with random parts (``files.digital.nhs.uk/7E/DC8059/...``) that only the
month's page gives. ONS boundaries and lookups come from the Open Geography Portal's
ArcGIS feature services (``.../<service>/FeatureServer/0/query``): GeoJSON for shapes; a
lookup's JSON answer read page by page (``resultOffset``) and written out as one CSV with
ONS's column names. Every saved response is checked for what it should be (a zip, a
workbook, GeoJSON, a feature service answer without an ``error``) before anything is
loaded. A zip of one file goes to its loader whole (``etl.sources`` reads it); from a zip
of several (QOF's raw data) the files the loader reads are taken out (``members``).
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlencode, urljoin

from etl.fetch.archive import RawArchive, safe_name
from etl.fetch.fingertips import looks_like_html
from etl.fetch.http import Download
from peolc.errors import FetchError

# (url, file name, what it is) -> the saved download (etl.fetch.commands' run)
Get = Callable[[str, str, str], Download]

NHS_PUBLICATIONS = "https://digital.nhs.uk/data-and-information/publications/statistical"
QOF_PAGE = (
    f"{NHS_PUBLICATIONS}/quality-and-outcomes-framework-achievement-prevalence-and-exceptions-data"
)
QOF_ZIPS = {  # year -> the raw data zip (docs/data-sources.md; else the year's page)
    "2024-25": "https://files.digital.nhs.uk/95/4708D7/QOF2425.zip",
    "2023-24": "https://files.digital.nhs.uk/DA/975A29/QOF2324.zip",
    "2022-23": "https://files.digital.nhs.uk/32/40B931/QOF%202022-23%20Raw%20data%20.csv%20files.zip",
}
QOF_MEMBERS = r"(^|/)(PREVALENCE|MAPPING_NHS_GEOGRAPHIES)_[^/]*\.csv$"
GP_REGISTERED_PAGE = f"{NHS_PUBLICATIONS}/patients-registered-at-a-gp-practice"
SAPE_PAGE = (
    "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/"
    "populationestimates/datasets/clinicalcommissioninggroupmidyearpopulationestimates"
)
SAPE_FILES = {  # edition -> the workbook on that page
    "mid2021andmid2022": "https://www.ons.gov.uk/file?uri=/peoplepopulationandcommunity/"
    "populationandmigration/populationestimates/datasets/"
    "clinicalcommissioninggroupmidyearpopulationestimates/mid2021andmid2022/"
    "sapehealthgeogstablefinal.xlsx",
}
SAPE_SHEETS = r'name="Mid-[0-9]{4} ICB [0-9]{4}"'  # in the workbook's xl/workbook.xml
ARCGIS = "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services"
# year -> the ONS generalised (BSC/BUC) boundary services of that vintage
BOUNDARY_SERVICES: dict[str, tuple[str, ...]] = {
    "2023": (
        "Integrated_Care_Boards_April_2023_EN_BSC",
        "NHS_SubICB_April_2023_EN_BSC",
        "NHS_England_Regions_January_2024_EN_BSC",
        "Local_Authority_Districts_May_2024_Boundaries_UK_BSC",
        "Counties_and_Unitary_Authorities_December_2023_Boundaries_UK_BSC",
        "Regions_December_2023_Boundaries_EN_BUC",
    ),
}
# year -> ONS lookup services whose columns the lookups loader reads (LSOA 2021 -> sub-ICB
# -> ICB of that year; etl.loaders.lookups)
LOOKUP_SERVICES: dict[str, tuple[str, ...]] = {
    "2024": ("LSOA21_SICBL24_ICB24_CAL24_LAD24_EN_LU",),
}
PAGE_SIZE = 2000  # records per feature service page (the ONS services' usual maximum)
MAX_PAGES = 100


@dataclass(frozen=True)
class Item:
    """One file to fetch: from ``url``, or from the link on ``page`` that ``link`` matches."""

    kind: str | None  # the loader kind it goes to; None: no loader reads it yet
    what: str
    form: str  # "zip", "xlsx", "geojson", "arcgis-table"
    name: str  # the saved file's name
    url: str | None = None
    page: str | None = None
    link: str | None = None  # regex over a link's address and text (case-insensitive)
    members: str | None = None  # regex of the zip's files to load (a zip of several)
    sheets: str | None = None  # regex the workbook's sheet list must match (xlsx)


@dataclass(frozen=True)
class Spec:
    """A ``peolc fetch`` source: its option (year, month, ...) and the files it brings."""

    option: str
    default: str
    items: Callable[[str], list[Item]]


def _qof(year: str) -> list[Item]:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", year):
        raise FetchError("--year takes a financial year such as 2024-25.", f"found {year!r}")
    known = QOF_ZIPS.get(year)
    return [
        Item(
            "qof",
            f"QOF {year} raw data .csv files",
            "zip",
            f"qof-{year}-raw.zip",
            url=known,
            page=None if known else f"{QOF_PAGE}/{year}",
            link=None if known else r"\.zip$",
            members=QOF_MEMBERS,
        )
    ]


MONTHS = (
    "january february march april may june july august september october november december"
).split()


def month_slug(month: str) -> str:
    """``2026-07`` -> ``july-2026`` (the publication's page name)."""
    found = re.fullmatch(r"([0-9]{4})-([0-9]{2})", month)
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise FetchError("--month takes a month such as 2026-07.", f"found {month!r}")
    return f"{MONTHS[int(found.group(2)) - 1]}-{found.group(1)}"


def _gp_registered(month: str) -> list[Item]:
    page = f"{GP_REGISTERED_PAGE}/{month_slug(month)}"
    return [  # the mapping first: the patients' load checks its totals against it
        Item(
            "lookups",
            f"GP practice mapping, {month}",
            "zip",
            f"gp-reg-pat-prac-map_{month}.zip",
            page=page,
            link=r"/gp-reg-pat-prac-map\.zip$",
        ),
        Item(
            "population",
            f"registered patients by five-year age and sex, {month}",
            "zip",
            f"gp-reg-pat-prac-quin-age_{month}.zip",
            page=page,
            link=r"/gp-reg-pat-prac-quin-age\.zip$",
        ),
    ]


def _sape(edition: str) -> list[Item]:
    known = SAPE_FILES.get(edition)
    return [
        Item(
            "population",
            f"ONS population estimates for health geographies, {edition}",
            "xlsx",
            f"ons_sape_health_geographies_{safe_name(edition)}.xlsx",
            url=known,
            page=None if known else SAPE_PAGE,
            link=None if known else rf"/{re.escape(edition)}/[^/]*\.xlsx$",
            sheets=SAPE_SHEETS,
        )
    ]


def _arcgis(services: dict[str, tuple[str, ...]], form: str, kind: str) -> Spec:
    def items(year: str) -> list[Item]:
        if year not in services:
            raise FetchError(
                f"No ONS {kind} services are listed for {year}.",
                f"Known: {', '.join(services)}; or give each service's query address with "
                "--url (docs/data-sources.md).",
            )
        suffix = "geojson" if form == "geojson" else "json"
        return [
            Item(kind, f"ONS {s}", form, f"{s}.{suffix}", url=arcgis_query(s, form))
            for s in services[year]
        ]

    return Spec("year", max(services), items)


def arcgis_query(service: str, form: str) -> str:
    params = {"where": "1=1", "outFields": "*"}
    if form == "geojson":
        params |= {"outSR": "4326", "f": "geojson"}
    else:
        params |= {"returnGeometry": "false", "f": "json"}
    return f"{ARCGIS}/{service}/FeatureServer/0/query?{urlencode(params)}"


SOURCES: dict[str, Spec] = {
    "qof": Spec("year", "2024-25", _qof),
    "gp-registered": Spec("month", "2026-07", _gp_registered),
    "sape": Spec("edition", "mid2021andmid2022", _sape),
    "boundaries": _arcgis(BOUNDARY_SERVICES, "geojson", "boundaries"),
    "lookups": _arcgis(LOOKUP_SERVICES, "arcgis-table", "lookups"),
}


def plan(source: str, option: str | None, urls: list[str]) -> list[Item]:
    """The files to fetch; ``urls`` (``--url``) replace their addresses, in order."""
    spec = SOURCES[source]
    items = spec.items(option or spec.default)
    if not urls:
        return items
    if len(urls) != len(items):
        raise FetchError(
            f"Give --url once for each of the {len(items)} file(s), or not at all.",
            "in this order: " + "; ".join(i.what for i in items),
        )
    return [replace(i, url=u, page=None, link=None) for i, u in zip(items, urls, strict=True)]


def by_hand(items: list[Item]) -> str:
    """How to get and load ``items`` without the fetch."""
    lines = ["To load by hand: download each file in a browser, then load it:"]
    for i in items:
        lines.append(f"  {i.what}: {i.url or i.page}")
        if i.kind is None:
            lines.append("    (kept only: no loader reads this file yet)")
        elif i.members:
            lines.append(f"    unzip it; peolc load {i.kind} <the files matching {i.members}>")
        else:
            lines.append(f"    peolc load {i.kind} {i.name}")
    return "\n".join(lines)


class _Links(HTMLParser):
    """Every ``<a href>`` of a page, with its text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


def find_link(html: str, page: str, pattern: str, what: str) -> str:
    """The first link of ``html`` (from ``page``) whose address or text matches ``pattern``."""
    parser = _Links()
    parser.feed(html)
    wanted = re.compile(pattern, re.IGNORECASE)
    for href, text in parser.links:
        url = urljoin(page, href)
        if url.startswith(("http://", "https://")) and (
            wanted.search(unquote(url.split("#")[0])) or wanted.search(text)
        ):
            return url
    raise FetchError(
        f"The publication page has no link to the {what}.",
        f"{page}\nlooked for a link matching /{pattern}/ among {len(parser.links)} links: the "
        "page may have moved, or the file is not published yet. Give the file's address "
        "with --url.",
    )


def fetch_item(get: Get, archive: RawArchive, item: Item, pages: dict[str, str]) -> list[Path]:
    """Download ``item`` (its page first if need be), check it; the files to load."""
    url = item.url
    if url is None:
        assert item.page is not None and item.link is not None
        if item.page not in pages:
            got = get(item.page, "page.html", f"publication page for the {item.what}")
            pages[item.page] = got.path.read_text(encoding="utf-8", errors="replace")
        url = find_link(pages[item.page], item.page, item.link, item.what)
    if item.form == "arcgis-table":
        return [_fetch_table(get, archive, item, url)]
    got = get(url, item.name, item.what)
    check(got, item)
    if item.members:
        return _extract(got, item, archive)
    return [got.path] if item.kind else []


def check(got: Download, item: Item) -> None:
    """Raise FetchError unless the saved body is the kind of file ``item`` expects."""
    if item.form not in ("zip", "xlsx"):
        _feature_json(got, item)
        return
    head = got.path.read_bytes()[:4096]
    problem = None
    if not (head.startswith(b"PK\x03\x04") and zipfile.is_zipfile(got.path)):
        problem = (
            "a web page (an error or sign-in page?)"
            if looks_like_html(head.decode("utf-8", "replace"))
            else f"{got.size:,} bytes that are not a whole {item.form} file (cut short?)"
        )
    elif item.form == "xlsx":
        with zipfile.ZipFile(got.path) as z:
            book = z.read("xl/workbook.xml") if "xl/workbook.xml" in z.namelist() else b""
        if not book:
            problem = "a zip that is not an Excel workbook"
        elif item.sheets and not re.search(item.sheets, book.decode("utf-8", "replace")):
            problem = f"a workbook without the sheets expected (/{item.sheets}/: a new layout?)"
    if problem:
        raise FetchError(
            f"The download of the {item.what} is not what was expected.",
            f"{got.url}\nfound {problem}; saved as {got.path}.",
        )


def _extract(got: Download, item: Item, archive: RawArchive) -> list[Path]:
    """The zip's files that match ``item.members``, extracted beside it."""
    assert item.members is not None
    wanted = re.compile(item.members, re.IGNORECASE)
    with zipfile.ZipFile(got.path) as z:
        names = [n for n in z.namelist() if not n.endswith("/")]
        chosen = sorted(n for n in names if wanted.search(n))
        if not chosen:
            raise FetchError(
                f"The {item.what} zip holds none of the files this tool loads.",
                f"{got.url}\nlooked for /{item.members}/; it holds "
                f"{', '.join(names[:12]) or 'nothing'}; saved as {got.path}.",
            )
        paths = []
        for name in chosen:
            target = archive.folder / safe_name(Path(name).name)
            target.write_bytes(z.read(name))
            archive.add_derived(target, f"{name} from the {item.what} zip", [got.path.name])
            paths.append(target)
    return paths


def _feature_json(got: Download, item: Item) -> dict[str, object]:
    text = got.path.read_text(encoding="utf-8-sig", errors="replace")
    if looks_like_html(text):
        raise FetchError(
            f"The ONS service sent a web page, not the {item.what}.",
            f"{got.url}\nsaved as {got.path}.",
        )
    try:
        found = json.loads(text)
    except json.JSONDecodeError as e:
        raise FetchError(
            f"The ONS service's answer for the {item.what} is not whole JSON.",
            f"{got.url}\nline {e.lineno}, column {e.colno}: {e.msg}; saved as {got.path}.",
        ) from e
    if not isinstance(found, dict) or not isinstance(found.get("features"), list):
        said = found.get("error") if isinstance(found, dict) else None
        raise FetchError(
            f"The ONS service did not send the {item.what}.",
            f"{got.url}\n{f'it said: {said}' if said else 'expected a list of features'}; the "
            f"service may have been renamed (give its query address with --url); saved as "
            f"{got.path}.",
        )
    if item.form == "geojson" and (
        found.get("exceededTransferLimit")
        or (found.get("properties") or {}).get("exceededTransferLimit")
    ):
        raise FetchError(
            f"The ONS service sent only part of the {item.what}.",
            f"{got.url}\nmore features than one answer holds; download the GeoJSON from the "
            "Open Geography Portal instead.",
        )
    return found


def _as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _fetch_table(get: Get, archive: RawArchive, item: Item, url: str) -> Path:
    """A lookup service read page by page, written as one CSV of its attributes."""
    rows: list[dict[str, object]] = []
    pages: list[str] = []
    for n in range(1, MAX_PAGES + 1):
        query = urlencode({"resultOffset": len(rows), "resultRecordCount": PAGE_SIZE})
        name = f"{Path(item.name).stem}-page{n}.json"
        got = get(f"{url}&{query}", name, f"{item.what}, page {n}")
        pages.append(got.path.name)
        found = _feature_json(got, item)
        features = [f for f in _as_list(found.get("features")) if isinstance(f, dict)]
        rows.extend(f.get("attributes") or {} for f in features)
        if not found.get("exceededTransferLimit") or not features:
            break
    else:
        raise FetchError(f"The {item.what} did not end after {MAX_PAGES} pages.", url)
    if not rows:
        raise FetchError(f"The ONS service sent no rows for the {item.what}.", url)
    target = archive.folder / f"{Path(item.name).stem}.csv"
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(dict.fromkeys(k for r in rows for k in r)))
        writer.writeheader()
        writer.writerows(rows)
    archive.add_derived(target, f"{item.what} as CSV", pages)
    return target
