"""Say, for each QOF or registered-patients file of a load, which practices were unmapped.

A practice that no loaded mapping of today's areas names still counts (in England, and in
the area its newest practice mapping gives: ``derive_geography.sql``, table
``practice_placement``). Once the areas are rebuilt, ``add_notes`` adds a sentence to each
such file's load notes (its summary and ``load_log``) saying how many practices, patients
on the register and people were not mapped, and where they were counted instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from etl import SQL_DIR
from etl.warehouse import Transaction
from peolc.errors import LoadSummary
from peolc.levels import LEVEL_BY_KEY, BaseKind
from peolc.sqlfiles import sql_text

PALLIATIVE_REGISTER = "PC"
KINDS = ("qof", "population")
_MAX_CODES = 5


def _load_id(con: duckdb.DuckDBPyConnection, summary: LoadSummary) -> int | None:
    row = con.execute(
        "select max(load_id) from load_log where sha256 = $sha and kind = $kind",
        {"sha": summary.sha256, "kind": summary.kind},
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def _mappings(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        "select string_agg(distinct file_name, ', ' order by file_name) from load_log "
        "where load_id in (select load_id from geo_practice_map)"
    ).fetchone()
    return str(rows[0]) if rows and rows[0] else "none loaded"


def note_for(con: duckdb.DuckDBPyConnection, load_id: int) -> str | None:
    """The sentence for one load, or None when every practice it holds is mapped."""
    rows = con.execute(
        sql_text(SQL_DIR, "unmapped_practices"),
        {
            "load_id": load_id,
            "practice_level": BaseKind.PRACTICE,
            "register_group": PALLIATIVE_REGISTER,
        },
    ).fetchall()
    if not rows:
        return None
    practices = sum(int(r[3]) for r in rows)
    people = sum(int(r[5] or 0) for r in rows)
    register = None if rows[0][4] is None else sum(int(r[4] or 0) for r in rows)
    counted = "people" if register is None else "registered patients"
    head = f"{practices:,} practice{'' if practices == 1 else 's'} ("
    if register is not None:
        head += f"{register:,} on the {PALLIATIVE_REGISTER} register, "
    head += (
        f"{people:,} {counted}) {'is' if practices == 1 else 'are'} in no loaded mapping of "
        "today's areas "
        f"({_mappings(con)}); they still count in England"
    )
    parts = []
    for level, area, placed_by, n, _, _, codes in rows:
        listed = str(codes).split(", ")
        shown = ", ".join(listed[:_MAX_CODES]) + (" ..." if len(listed) > _MAX_CODES else "")
        if placed_by is None:
            parts.append(f"{n:,} in England only, being in no practice mapping ({shown})")
        else:
            where = LEVEL_BY_KEY[level].plural if level in LEVEL_BY_KEY else level
            place = f" ({area})" if area else ""
            parts.append(
                f"{n:,} also in the {where}{place} the practice mapping {placed_by} gives ({shown})"
            )
    return head + ": " + "; ".join(parts)


def add_notes(tx: Transaction, summaries: Sequence[LoadSummary]) -> None:
    """Append the unmapped-practice sentence to the loaded QOF and population files' notes."""
    with tx.step() as con:
        for summary in summaries:
            if summary.skipped or summary.kind not in KINDS:
                continue
            load_id = _load_id(con, summary)
            note = None if load_id is None else note_for(con, load_id)
            if note is None or load_id is None:
                continue
            summary.notes.append(note)
            con.execute(
                "update load_log set notes = concat_ws('; ', notes, $note) where load_id = $id",
                {"note": note, "id": load_id},
            )
