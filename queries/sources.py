"""Which sources the warehouse holds, and what to do about the ones it doesn't."""

from __future__ import annotations

from queries.runner import Db, run

HOW_TO_LOAD: dict[str, str] = {
    "deaths": "record-level deaths: `peolc load deaths FILE.csv` (layout in docs/data-formats.md)",
    "population": "population estimates: `peolc load population mye22final.xlsx` (ONS MYEB1) "
    "or a GP registered-patients file",
    "qof": "QOF registers: `peolc load qof PREVALENCE_2223.csv MAPPING_NHS_GEOGRAPHIES_2223.csv`",
    "imd": "deprivation: `peolc load imd File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx`",
    "boundaries": "boundaries: `peolc load boundaries ../shared/data/boundaries/*.geojson`",
    "indicators": "Fingertips indicators: `peolc load fingertips EXTRACT.csv`",
    "measures": "ICB dashboard measures: `peolc load icb-extract EXTRACT.csv`",
    "published": "published death figures: a Fingertips End of Life Care extract (`peolc load "
    "fingertips EXTRACT.csv`) or an ICB dashboard extract (`peolc load icb-extract "
    "EXTRACT.csv`)",
}
# the sources that give death figures: either is enough for the death pages
DEATH_FIGURES = ("deaths", "published")


def available(db: Db = None) -> dict[str, int]:
    """Rows per source (0 where a source has not been loaded)."""
    row = run("source_counts", db).row(0, named=True)
    return {key: int(value or 0) for key, value in row.items()}


def missing_message(source: str) -> str:
    """A sentence saying what is not loaded and the command that loads it."""
    return f"Not loaded yet: {HOW_TO_LOAD[source]}."


def missing_any_message(options: tuple[str, ...]) -> str:
    """A sentence saying none of ``options`` is loaded, and the commands for each."""
    return "Not loaded yet: any of " + "; or ".join(HOW_TO_LOAD[s] for s in options) + "."
