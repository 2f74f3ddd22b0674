"""Care at the end of life: palliative care register, plans, place of death, admissions.

The effects encode what the PEoLC literature and the EoL Care Profile show: people with
cancer are identified far more often than people with organ failure, dementia or
frailty; identification is lower in deprived areas and among ethnic minorities; being on
the register makes a home or hospice death and an advance care plan more likely and
emergency admissions rarer; deprived areas have more hospital deaths. Intercepts are
solved (``etl.demo.calibrate``) so England's figures meet the targets below.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.demo import causes
from etl.demo.calibrate import (
    draw_categories,
    expit,
    group_shifts,
    multinomial_shifts,
    sample,
    softmax,
)
from etl.demo.geography import Geography
from etl.demo.streams import stream
from peolc.vocabulary import AGE_BANDS_BROAD, OPEN_AGE_FROM, SettingKey

# the model's order of the places of death (indices into it are drawn; keep it stable)
PLACES = (
    SettingKey.HOSPITAL, SettingKey.HOME, SettingKey.CARE_HOME, SettingKey.HOSPICE,
    SettingKey.ELSEWHERE,
)  # fmt: skip
# The age groups the models' age effects are given for: the broad bands of
# peolc.vocabulary, with 85+ split where the ESP2013 open band starts (90+), because care
# home residence and place of death change sharply among the oldest.
MODEL_AGE_FROM = (
    *(low for _, low, _ in AGE_BANDS_BROAD[1:]),
    OPEN_AGE_FROM,
)
MODEL_AGE_GROUPS = ("<65", "65-74", "75-84", "85-89", "90+")


def model_age_group(age: np.ndarray) -> np.ndarray:
    """Index into MODEL_AGE_GROUPS of each age."""
    out: np.ndarray = np.searchsorted(np.array(MODEL_AGE_FROM), age, side="right")
    return out


# England's place of death shares (ONS, roughly 2019-2023)
PLACE_TARGETS = np.array([0.455, 0.27, 0.195, 0.05, 0.03])
# share on the palliative care register before death, by cause group (GROUPS order)
REGISTER_TARGETS = {0: 0.65, 1: 0.28, 2: 0.28, 3: 0.26, 4: 0.30, 5: 0.08}
REGISTER_PER_DECILE = 0.045  # log-odds per decile less deprived (decile 1 vs 10: OR ≈ 0.67)
REGISTER_BY_ETHNICITY = np.array([0.0, -0.25, -0.25, -0.25, -0.25, -0.1])  # ETHNIC_CODES
REGISTER_TREND = 0.06  # log-odds a year (identification improving)
REGISTER_DAYS_MEDIAN = np.array([55.0, 120.0, 160.0, 140.0, 90.0, 40.0])  # by group
REGISTER_DAYS_SIGMA = 1.15
REGISTER_DAYS_MAX = 3650

# place-of-death utilities relative to hospital, by cause group (GROUPS order)
HOME_BY_GROUP = np.array([0.45, 0.1, 0.3, 0.5, -0.2, -0.1])
HOSPICE_BY_GROUP = np.array([2.2, -0.6, -1.8, -1.5, 0.2, -2.5])
ELSEWHERE_BY_GROUP = np.array([-1.0, -0.2, -1.0, -1.0, -0.5, 0.6])
HOME_BY_AGE = np.array([0.2, 0.1, 0.0, -0.15, -0.3])  # <65, 65-74, 75-84, 85-89, 90+
CARE_HOME_BY_AGE = np.array([-1.5, -0.8, 0.0, 0.5, 0.9])
HOME_BY_YEAR = {2020: 0.2, 2021: 0.15, 2022: 0.12, 2023: 0.12}  # more home deaths since COVID
HOSPICE_BY_YEAR = {2020: -0.25}

ADMISSIONS_BASE = 0.75  # emergency admissions in the last 90 days (mean, before effects)
ADMISSIONS_BY_GROUP = np.array([1.2, 1.4, 0.7, 0.6, 1.0, 0.9])
BED_DAYS_PER_ADMISSION = 6.5


@dataclass(frozen=True)
class People:
    """The deaths so far, one array element per death."""

    year: np.ndarray
    age: np.ndarray
    sex: np.ndarray
    decile: np.ndarray
    ethnic: np.ndarray
    group: np.ndarray
    code: np.ndarray
    residence: np.ndarray  # 0 private home, 1 care home, 2 other
    practice: np.ndarray  # -1 if not recorded
    lsoa: np.ndarray
    died: np.ndarray  # days since 1970


@dataclass(frozen=True)
class Care:
    """End-of-life care of each death."""

    on_register: np.ndarray
    days_on_register: np.ndarray  # -1 when not on the register
    place: np.ndarray  # index into PLACES
    advance_care_plan: np.ndarray
    epaccs: np.ndarray
    admissions: np.ndarray
    bed_days: np.ndarray
    spc_contact: np.ndarray


def _subset(p: People, rows: np.ndarray, fields: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The named fields of the chosen deaths (only those needed: the arrays are big)."""
    return {name: getattr(p, name)[rows] for name in fields}


def _area_effects(geo: Geography, p: People, seed: int) -> tuple[np.ndarray, ...]:
    """Per death: practice identification, sub-ICB register culture, ICB ACP and EPaCCS."""
    practice_effect = np.r_[geo.practices["id_effect"].to_numpy(), 0.0][p.practice]
    subs = geo.ref.sub_icbs
    rate = (subs["pc_register"] / subs["list_size"]).to_numpy()
    national = float(subs["pc_register"].sum()) / float(subs["list_size"].sum())
    culture = dict(
        zip(
            subs["sub_icb_code"].to_list(),
            np.clip(0.5 * np.log(rate / national), -0.4, 0.4),
            strict=True,
        )
    )
    lsoa_culture = np.array([culture[c] for c in geo.lsoas["sub_icb_code"].to_list()])
    icbs = sorted(geo.ref.icbs["icb_code"].to_list())
    rng = stream(seed, "icb-effects")
    acp = dict(zip(icbs, rng.normal(0.0, 0.3, len(icbs)), strict=True))
    epaccs = dict(zip(icbs, rng.uniform(-1.2, 1.0, len(icbs)), strict=True))
    lsoa_icb = geo.lsoas["icb_code"].to_list()
    lsoa_acp = np.array([acp[c] for c in lsoa_icb])
    lsoa_epaccs = np.array([epaccs[c] for c in lsoa_icb])
    return practice_effect, lsoa_culture[p.lsoa], lsoa_acp[p.lsoa], lsoa_epaccs[p.lsoa]


def _register(
    p: People, practice_effect: np.ndarray, culture: np.ndarray, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """On the register before death, and days on it (-1 if not)."""
    rng = stream(seed, "register")
    effects = (
        REGISTER_PER_DECILE * (p.decile - 5.5)
        + REGISTER_BY_ETHNICITY[p.ethnic]
        + practice_effect
        + culture
        + REGISTER_TREND * (p.year - 2021)
        + 0.2 * (p.residence == 1)
    )
    picked = sample(p.age.size)
    shifts = group_shifts(effects[picked], p.group[picked], REGISTER_TARGETS)
    on = rng.random(p.age.size) < expit(shifts[p.group] + effects)
    days = np.ceil(rng.lognormal(np.log(REGISTER_DAYS_MEDIAN[p.group]), REGISTER_DAYS_SIGMA))
    too_long = days > REGISTER_DAYS_MAX  # the long tail: spread over years, never piled up
    days[too_long] = rng.integers(365, REGISTER_DAYS_MAX, too_long.sum())
    days = np.maximum(days, 1).astype(np.int64)
    return on, np.where(on, days, -1)


def _place_utilities(p: People, on: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Utilities of each place (columns PLACES) for the ``rows`` not living in care homes."""
    f = _subset(p, rows, ("age", "decile", "code", "group", "year"))
    on = on[rows]
    group = f["group"]
    ages = model_age_group(f["age"])
    dep = (f["decile"] - 5.5) / 4.5
    covid = f["code"] == causes.CODE_TABLE.index(causes.COVID)
    external = causes.EXTERNAL[f["code"]]
    years = np.unique(f["year"])
    year_pos = np.searchsorted(years, f["year"])
    year_home = np.array([HOME_BY_YEAR.get(int(y), 0.0) for y in years])[year_pos]
    year_hospice = np.array([HOSPICE_BY_YEAR.get(int(y), 0.0) for y in years])[year_pos]
    u = np.zeros((rows.size, len(PLACES)))
    u[:, 1] = (
        HOME_BY_GROUP[group] + 0.6 * on + 0.2 * dep + HOME_BY_AGE[ages] + year_home - 0.5 * covid
    )
    u[:, 2] = 0.4 * on + CARE_HOME_BY_AGE[ages] + 0.1 * dep
    u[:, 3] = HOSPICE_BY_GROUP[group] + 1.0 * on + 0.25 * dep + year_hospice - 1.5 * covid
    u[:, 4] = ELSEWHERE_BY_GROUP[group] + 2.5 * external + 0.5 * (f["age"] < 65)
    return u


def _care_home_probabilities(p: People, on: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Place-of-death probabilities for the ``rows`` living in care homes (most die there)."""
    f = _subset(p, rows, ("decile", "group"))
    on = on[rows]
    dep = (f["decile"] - 5.5) / 4.5
    u = np.zeros((rows.size, len(PLACES)))
    u[:, 1] = -5.0
    u[:, 2] = 1.45 + 0.5 * on + 0.1 * dep
    u[:, 3] = -3.5 + 0.6 * HOSPICE_BY_GROUP[f["group"]] + 0.5 * on
    u[:, 4] = -3.0
    return softmax(u)


def _place(p: People, on: np.ndarray, seed: int) -> np.ndarray:
    """Index into PLACES of each death's place of death."""
    rng = stream(seed, "place-of-death")
    uniform = rng.random(p.age.size)
    resident = p.residence == 1
    others, residents = np.flatnonzero(~resident), np.flatnonzero(resident)
    utilities = _place_utilities(p, on, others)
    care_home = _care_home_probabilities(p, on, residents)
    picked = sample(p.age.size)
    free = np.searchsorted(others, picked[~resident[picked]])
    fixed = np.searchsorted(residents, picked[resident[picked]])
    alpha = multinomial_shifts(utilities[free], care_home[fixed], PLACE_TARGETS)
    out = np.empty(p.age.size, dtype=np.int8)
    out[others] = draw_categories(softmax(utilities + alpha), uniform[others])
    out[residents] = draw_categories(care_home, uniform[residents])
    return out


def build_care(geo: Geography, p: People, seed: int) -> Care:
    """Register, place of death, plans, admissions and specialist contact of each death."""
    practice_effect, culture, icb_acp, icb_epaccs = _area_effects(geo, p, seed)
    on, days = _register(p, practice_effect, culture, seed)
    place = _place(p, on, seed)
    rng = stream(seed, "care-records")
    n = p.age.size
    dep = (p.decile - 5.5) / 4.5
    dementia = p.group == causes.GROUPS.index("dementia")
    acp = rng.random(n) < expit(
        -2.45 + 2.65 * on + 0.4 * (dementia | (p.residence == 1)) + icb_acp + 0.1 * dep
    )
    epaccs = rng.random(n) < expit(-3.4 + 2.6 * on + 0.8 * acp + icb_epaccs)
    mean = (
        ADMISSIONS_BASE
        * np.where(on, 1.0, 1.45)
        * np.exp(-0.25 * dep)
        * ADMISSIONS_BY_GROUP[p.group]
        * np.where(p.residence == 1, 0.55, 1.0)
        * np.where(p.age < 65, 1.1, 1.0)
    )
    hospital = place == PLACES.index(SettingKey.HOSPITAL)
    admissions = rng.poisson(mean) + (hospital & (rng.random(n) < 0.8))
    admissions = np.minimum(admissions, 90)
    bed_days = np.where(
        admissions > 0,
        np.ceil(rng.gamma(np.maximum(admissions, 1), BED_DAYS_PER_ADMISSION)),
        0,
    )
    bed_days = np.minimum(bed_days, 90).astype(np.int64)
    cancer = p.group == causes.GROUPS.index("cancer")
    spc_logit = np.select([on & cancer, on, cancer], [1.2, -0.3, -0.8], -2.5) + 0.15 * dep
    spc = (rng.random(n) < expit(spc_logit)) | (place == PLACES.index(SettingKey.HOSPICE))
    return Care(on, days, place, acp, epaccs, admissions, bed_days, spc)
