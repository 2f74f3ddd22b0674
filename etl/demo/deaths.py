"""Who died, when and where they lived: record-level synthetic deaths.

Deaths are Poisson counts per LSOA × sex × five-year band from England-like mortality
rates, raised in more deprived areas, and scaled to about 560,000 a year (times the
scale) with a COVID-19 excess in 2020-21. Each death then gets an age, dates (registered
on weekdays, with winter peaks), ethnicity, cause, usual residence and practice; care
at the end of life (register, place of death, admissions) is added by ``etl.demo.care``.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from etl.demo import care, causes
from etl.demo.calibrate import draw_categories, expit, logit_shift, sample
from etl.demo.geography import Geography
from etl.demo.population import OLD_FROM, Population
from etl.demo.streams import stream
from peolc.vocabulary import AGE_BANDS_5Y

DEATHS_PER_YEAR = 560_000
# registrations relative to DEATHS_PER_YEAR (COVID-19 excess in 2020 and 2021)
YEAR_FACTOR = {2019: 0.95, 2020: 1.07, 2021: 1.02, 2022: 1.00, 2023: 0.99}
OTHER_YEAR_FACTOR = 0.96
# deaths per 1,000 a year by band, (M, F): the shape of England's rates c. 2019
MORTALITY = np.array(
    [
        [0.95, 0.08, 0.10, 0.30, 0.48, 0.60, 0.80, 1.1, 1.6, 2.4, 3.5, 5.3, 8.3,
         13.0, 21.0, 35.0, 62.0, 110.0, 230.0],
        [0.78, 0.07, 0.08, 0.15, 0.20, 0.27, 0.40, 0.6, 1.0, 1.6, 2.3, 3.5, 5.4,
         8.5, 14.0, 24.0, 44.0, 84.0, 210.0],
    ]
)  # fmt: skip
DEPRIVATION_MORTALITY = 0.075  # log rate per decile more deprived (decile 1 ≈ 2× decile 10)
MONTH_WEIGHT = np.array([1.18, 1.04, 1.03, 0.95, 0.94, 0.90, 0.92, 0.88, 0.90, 0.98, 1.02, 1.12])
# registrations by month relative to the usual winter pattern (the COVID-19 waves)
COVID_MONTHS: dict[int, tuple[float, ...]] = {
    2020: (1, 1, 1.02, 1.55, 1.2, 1.02, 1, 1, 1, 1.04, 1.08, 1.12),
    2021: (1.45, 1.25, 1.02, 1, 1, 1, 1, 1.02, 1.02, 1.02, 1.02, 1.04),
}
# COVID-19 (U07.1) as a share of sudden or other deaths, by month of registration
COVID_SHARE: dict[int, tuple[float, ...]] = {
    2020: (0, 0, 0.15, 0.6, 0.45, 0.2, 0.05, 0.03, 0.05, 0.3, 0.45, 0.5),
    2021: (0.65, 0.55, 0.25, 0.08, 0.04, 0.04, 0.1, 0.15, 0.15, 0.15, 0.15, 0.15),
    2022: (0.2, 0.12, 0.12, 0.15, 0.08, 0.06, 0.12, 0.08, 0.06, 0.08, 0.06, 0.08),
    2023: (0.08, 0.06, 0.06, 0.07, 0.05, 0.03, 0.03, 0.04, 0.05, 0.06, 0.05, 0.06),
}
# ethnicity: England's deaths ~85% White, 2.5% not stated; more diverse in London and the
# West Midlands, among younger people and in more deprived areas
ETHNIC_CODES = ("white", "mixed", "asian", "black", "other", "not_stated")
NOT_STATED = 0.025
MINORITY_SHARE = 0.125
REGION_DIVERSITY = {"Y56": 3.0, "Y60": 1.3, "Y62": 1.0, "Y63": 0.9, "Y61": 0.9, "Y59": 0.85,
                    "Y58": 0.45}  # fmt: skip
ICB_DIVERSITY = {"QHL": 2.8, "QUA": 2.0, "QK1": 2.2, "QWO": 1.6, "QOP": 1.5, "QHG": 1.8,
                 "QWU": 1.3, "QHM": 0.5, "QJM": 0.4, "QOQ": 0.5, "QJK": 0.25, "QT6": 0.2,
                 "QSL": 0.3, "QVV": 0.35}  # fmt: skip
# minority mix (mixed, asian, black, other): London has more Black residents
MINORITY_MIX = {"Y56": (0.13, 0.42, 0.36, 0.09), "Y60": (0.11, 0.62, 0.20, 0.07)}
DEFAULT_MINORITY_MIX = (0.13, 0.58, 0.20, 0.09)
CARE_HOME_RESIDENTS = 0.20  # share of deaths whose usual residence was a care home
CARE_HOME_ODDS_BY_AGE = np.array([0.012, 0.045, 0.15, 0.33, 0.65])  # care.MODEL_AGE_GROUPS
CARE_HOME_BY_GROUP = np.array([0.45, 0.9, 3.0, 3.0, 1.2, 1.0])
NO_PRACTICE = 0.005  # deaths with no registered practice recorded


def year_factor(year: int) -> float:
    return YEAR_FACTOR.get(year, OTHER_YEAR_FACTOR)


def _counts(geo: Geography, pop: Population, scale: float, seed: int) -> list[np.ndarray]:
    """Deaths per LSOA × sex × band for each year (Poisson around the expected)."""
    rng = stream(seed, "death-counts")
    decile = geo.lsoas["imd_decile"].to_numpy().astype(np.float64)
    uplift = np.exp(DEPRIVATION_MORTALITY * (5.5 - decile))
    out = []
    for i, year in enumerate(pop.years):
        expected = pop.lsoa[i] * MORTALITY[None, :, :] * uplift[:, None, None]
        expected *= DEATHS_PER_YEAR * scale * year_factor(year) / expected.sum()
        out.append(rng.poisson(expected))
    return out


def _ages(band: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Completed years within each band; most 0-4 deaths are infants, 90+ tails to 110."""
    offsets = np.ones((len(AGE_BANDS_5Y), 5))
    offsets[0] = (0.8, 0.08, 0.05, 0.04, 0.03)
    offsets[1:OLD_FROM] = np.exp(0.06 * np.arange(5))
    offsets[OLD_FROM:] = np.exp(0.09 * np.arange(5))
    offsets /= offsets.sum(axis=1, keepdims=True)
    age = band * 5 + draw_categories(offsets[band], rng.random(band.size))
    top = band == len(AGE_BANDS_5Y) - 1
    age[top] = np.minimum(90 + np.floor(rng.exponential(3.2, top.sum())), 110).astype(np.int64)
    out: np.ndarray = age
    return out


def _registration_days(year: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """Registration dates (days since 1970) in ``year``: weekdays, winter peaks, COVID waves."""
    first = np.datetime64(f"{year}-01-01")
    days = np.arange(first, np.datetime64(f"{year + 1}-01-01"))
    month = days.astype("datetime64[M]").astype(np.int64) % 12
    weekday = (days.astype(np.int64) + 3) % 7  # 0 = Monday
    weight = MONTH_WEIGHT[month] * np.array(COVID_MONTHS.get(year, (1.0,) * 12))[month]
    weight = weight * (weekday < 5)
    chosen = np.searchsorted(np.cumsum(weight), rng.random(n) * weight.sum(), side="right")
    out: np.ndarray = days[np.minimum(chosen, days.size - 1)].astype(np.int64)
    return out


def _ethnicity(geo: Geography, age: np.ndarray, lsoa: np.ndarray, seed: int) -> np.ndarray:
    """Index into ETHNIC_CODES of each death."""
    rng = stream(seed, "ethnicity")
    region_ods = dict(geo.ref.regions.select("region_code", "region_ods").iter_rows())
    areas = geo.lsoas.select("region_code", "icb_ods").rows()
    regions = [region_ods[r] for r, _ in areas]
    diversity = np.array(
        [
            ICB_DIVERSITY.get(i, REGION_DIVERSITY[r])
            for r, (_, i) in zip(regions, areas, strict=True)
        ]
    )
    mixes = np.array([MINORITY_MIX.get(r, DEFAULT_MINORITY_MIX) for r in regions])
    decile = geo.lsoas["imd_decile"].to_numpy()
    area_effect = np.log(diversity) + 0.08 * (5.5 - decile)
    age_factor = np.log(np.select([age < 45, age < 65, age < 85], [3.0, 1.8, 0.9], 0.5))
    effects = area_effect[lsoa] + age_factor
    shift = logit_shift(effects[sample(age.size)], MINORITY_SHARE / (1 - NOT_STATED))
    minority = rng.random(age.size) < expit(shift + effects)
    which = 1 + draw_categories(mixes[lsoa], rng.random(age.size))
    out = np.where(minority, which, 0)
    out[rng.random(age.size) < NOT_STATED] = ETHNIC_CODES.index("not_stated")
    return out


def _usual_residence(age: np.ndarray, group: np.ndarray, seed: int) -> np.ndarray:
    """0 private home, 1 care home, 2 other (about 20% of deaths lived in care homes)."""
    rng = stream(seed, "residence")
    effects = np.log(CARE_HOME_ODDS_BY_AGE[care.model_age_group(age)] * CARE_HOME_BY_GROUP[group])
    shift = logit_shift(effects[sample(age.size)], CARE_HOME_RESIDENTS)
    out = (rng.random(age.size) < expit(shift + effects)).astype(np.int8)
    other = rng.random(age.size) < np.where(age < 65, 0.02, 0.005)
    out[(out == 0) & other] = 2
    return out


def _practices(geo: Geography, lsoa: np.ndarray, seed: int) -> np.ndarray:
    """Practice index of each death from its LSOA's catchment shares (-1: none recorded)."""
    rng = stream(seed, "practice-of-death")
    catch = geo.catchment  # sorted by lsoa_index; shares of each LSOA sum to 1
    rows = catch["lsoa_index"].to_numpy().astype(np.int64)
    shares = catch["share"].to_numpy()
    running = np.cumsum(shares) - shares
    starts = rows + running - running[np.searchsorted(rows, rows, side="left")]
    position = lsoa + rng.random(lsoa.size) * 0.999999
    picked = np.searchsorted(starts, position, side="right") - 1
    out: np.ndarray = catch["practice_index"].to_numpy()[picked].astype(np.int64)
    out[rng.random(lsoa.size) < NO_PRACTICE] = -1
    return out


def build_deaths(geo: Geography, pop: Population, scale: float, seed: int) -> pl.DataFrame:
    """Every synthetic death, one row each, with the columns of the deaths layout plus
    the indices and values the extracts need (lsoa_index, practice_index, bed days...)."""
    counts = _counts(geo, pop, scale, seed)
    rng = stream(seed, "death-people")
    n_bands = len(AGE_BANDS_5Y)
    parts: list[tuple[np.ndarray, ...]] = []
    for each_year, count in zip(pop.years, counts, strict=True):
        flat = count.reshape(-1)
        cell = np.repeat(np.arange(flat.size), flat)
        parts.append(
            (
                np.full(cell.size, each_year),
                cell // (2 * n_bands),
                cell // n_bands % 2,
                cell % n_bands,
            )
        )
    year = np.concatenate([p[0] for p in parts])
    lsoa = np.concatenate([p[1] for p in parts])
    sex = np.concatenate([p[2] for p in parts])
    band = np.concatenate([p[3] for p in parts])
    age = _ages(band, rng)
    registered = np.concatenate(
        [_registration_days(y, int((year == y).sum()), rng) for y in pop.years]
    )
    month = registered.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
    covid = np.zeros(year.size)
    for y, shares in COVID_SHARE.items():
        chosen = year == y
        covid[chosen] = np.array(shares)[month[chosen]]

    decile = geo.lsoas["imd_decile"].to_numpy()[lsoa]
    ethnic = _ethnicity(geo, age, lsoa, seed)

    cause_rng = stream(seed, "causes")
    group = causes.draw_groups(age, sex, covid, cause_rng)
    code = causes.draw_codes(group, age, sex, covid, cause_rng)
    contributory = causes.draw_contributory(age.size, cause_rng)
    residence = _usual_residence(age, group, seed)
    practice = _practices(geo, lsoa, seed)

    # death happens before registration: days for natural causes, months for inquests
    delay_rng = stream(seed, "registration-delay")
    external = causes.EXTERNAL[code]
    delay = np.where(
        external,
        np.minimum(20 + np.rint(delay_rng.lognormal(np.log(100), 0.8, age.size)), 600),
        1 + delay_rng.poisson(4.0, age.size),
    ).astype(np.int64)
    died = registered - delay

    people = care.People(
        year=year, age=age, sex=sex, decile=decile, ethnic=ethnic, group=group, code=code,
        residence=residence, practice=practice, lsoa=lsoa, died=died,
    )  # fmt: skip
    cared = care.build_care(geo, people, seed)

    order = np.lexsort((lsoa, died, registered))
    return _frame(people, cared, registered, contributory, order)


def _frame(
    people: care.People,
    cared: care.Care,
    registered: np.ndarray,
    contributory: np.ndarray,
    order: np.ndarray,
) -> pl.DataFrame:
    """The deaths as a frame of codes (indices into the vocabularies), in file order."""
    p = people
    frame = pl.DataFrame(
        {
            "year": p.year[order].astype(np.int16),
            "date_of_death": p.died[order].astype(np.int32),
            "date_of_registration": registered[order].astype(np.int32),
            "age": p.age[order].astype(np.int16),
            "sex_index": p.sex[order].astype(np.int8),
            "ethnic_index": p.ethnic[order].astype(np.int8),
            "lsoa_index": p.lsoa[order].astype(np.int64),
            "practice_index": p.practice[order],
            "residence_index": p.residence[order],
            "place_index": cared.place[order],
            "code_index": p.code[order],
            "contributory_index": contributory[order],
            "group_index": p.group[order].astype(np.int8),
            "imd_decile": p.decile[order].astype(np.int8),
            "on_register": cared.on_register[order],
            "days_on_register": cared.days_on_register[order],
            "advance_care_plan": cared.advance_care_plan[order],
            "epaccs_record": cared.epaccs[order],
            "emergency_admissions_90d": cared.admissions[order].astype(np.int16),
            "bed_days_90d": cared.bed_days[order].astype(np.int16),
            "spc_contact": cared.spc_contact[order],
        }
    )
    return frame.with_columns(
        pl.col("date_of_death").cast(pl.Date), pl.col("date_of_registration").cast(pl.Date)
    )
