"""Underlying and contributory causes of death as plausible ICD-10 codes.

A death's cause group (Etkind et al. 2017, ``peolc.vocabulary``) depends on age and sex;
group intercepts are solved so England's shares match the targets below. Each group then
has a few specific codes with realistic weights (C34.9 lung cancer, I25.1, J44.9, F03,
G30.9, R54, I63.9, G12.2, X59, A41.9, ...). COVID-19 (U07.1) takes a share of sudden or
other deaths by month from March 2020, on top of the usual deaths.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from etl.demo.calibrate import draw_categories, sample
from peolc.vocabulary import PALLIATIVE_NEED_RANGES

GROUPS = ("cancer", "organ_failure", "dementia", "frailty", "other_need", "sudden_other")
SUDDEN = GROUPS.index("sudden_other")
# England's shares of deaths by group (roughly ONS 2019-2023 under the Etkind ranges)
GROUP_TARGETS = np.array([0.27, 0.25, 0.12, 0.02, 0.08, 0.26])

# age classes for causes: 0-14, 15-44, 45-64, 65-74, 75-84, 85-89, 90+
AGE_CLASS_STARTS = np.array([0, 15, 45, 65, 75, 85, 90])
GROUP_BY_AGE = np.array(
    [
        [0.07, 0.03, 0.00, 0.00, 0.02, 0.88],
        [0.20, 0.12, 0.00, 0.00, 0.03, 0.65],
        [0.42, 0.22, 0.01, 0.00, 0.05, 0.30],
        [0.45, 0.25, 0.04, 0.002, 0.07, 0.19],
        [0.32, 0.27, 0.12, 0.01, 0.08, 0.20],
        [0.18, 0.26, 0.20, 0.03, 0.09, 0.24],
        [0.10, 0.24, 0.22, 0.08, 0.09, 0.27],
    ]
)
# relative weight of each group for (M, F): more dementia among women, more cancer and
# heart disease among men
SEX_EFFECT = np.array(
    [
        [1.10, 1.15, 0.80, 0.85, 1.00, 1.00],
        [0.92, 0.87, 1.20, 1.15, 1.00, 1.00],
    ]
)

# (code, weight, sexes) per group; sudden/other codes weigh (child, adult 15-64, 65+)
CODES: dict[str, tuple[tuple[str, float, str], ...]] = {
    "cancer": (
        ("C34.9", 20, "MF"), ("C18.9", 7, "MF"), ("C20", 3, "MF"), ("C50.9", 7, "F"),
        ("C61", 7, "M"), ("C25.9", 6, "MF"), ("C15.9", 5, "MF"), ("C16.9", 3, "MF"),
        ("C80.9", 5, "MF"), ("C67.9", 3, "MF"), ("C64", 2.5, "MF"), ("C22.0", 3, "MF"),
        ("C71.9", 2.5, "MF"), ("C85.9", 3, "MF"), ("C92.0", 2, "MF"), ("C90.0", 2, "MF"),
        ("C56", 3, "F"), ("C43.9", 1.5, "MF"), ("C54.1", 1.5, "F"), ("C45.0", 1.5, "M"),
        ("C32.9", 1, "MF"),
    ),
    "organ_failure": (
        ("I25.1", 28, "MF"), ("I21.9", 12, "MF"), ("I50.9", 9, "MF"), ("J44.9", 16, "MF"),
        ("J44.1", 4, "MF"), ("I48", 4, "MF"), ("K70.3", 4, "MF"), ("K74.6", 3, "MF"),
        ("N18.5", 3, "MF"), ("I11.0", 2, "MF"), ("I35.0", 2, "MF"), ("I42.0", 1.5, "MF"),
        ("J45.9", 1, "MF"), ("N17.9", 1.5, "MF"), ("J96.0", 1, "MF"), ("I13.2", 0.5, "MF"),
    ),
    "dementia": (("F03", 45, "MF"), ("G30.9", 40, "MF"), ("F01.9", 15, "MF")),
    "frailty": (("R54", 100, "MF"),),
    "other_need": (
        ("I63.9", 40, "MF"), ("I61.9", 14, "MF"), ("I64", 10, "MF"), ("I67.9", 4, "MF"),
        ("I69.4", 3, "MF"), ("G20", 16, "MF"), ("G12.2", 4, "MF"), ("G35", 2.5, "MF"),
        ("G10", 0.6, "MF"), ("G23.1", 1.2, "MF"), ("G90.3", 0.5, "MF"), ("B20.9", 0.3, "MF"),
    ),
}  # fmt: skip
SUDDEN_CODES: tuple[tuple[str, float, float, float], ...] = (
    ("J18.9", 3, 8, 20), ("A41.9", 4, 5, 8), ("X59", 2, 3, 2), ("W19", 1, 2, 5),
    ("X70", 3, 6, 0.3), ("X42", 0.5, 7, 0.2), ("V89.2", 3, 3, 0.3), ("E11.9", 0, 4, 4),
    ("K92.2", 0, 2, 2), ("K57.3", 0, 1, 2.5), ("N39.0", 0, 1, 4), ("J69.0", 0.5, 1, 3),
    ("I71.4", 0, 1, 2), ("R99", 3, 3, 1.5), ("E86", 0, 0.3, 1), ("P07.3", 30, 0, 0),
    ("Q24.9", 20, 0.5, 0), ("R95", 10, 0, 0), ("K56.6", 0, 0.5, 1.5), ("D64.9", 0, 0.5, 1),
    ("I70.2", 0, 0.3, 1.5), ("A09", 0, 0.5, 1), ("E87.1", 0, 0.3, 1),
)  # fmt: skip
COVID = "U07.1"
CONTRIBUTORY_POOL = (
    ("I10", 0.25), ("E11.9", 0.15), ("N18.3", 0.10), ("I48", 0.10), ("J44.9", 0.08),
    ("F03", 0.08), ("E66.9", 0.05), ("J18.9", 0.10), ("I25.1", 0.06), ("E78.0", 0.03),
)  # fmt: skip
CONTRIBUTORY_COUNT = (0.30, 0.35, 0.25, 0.10)  # P(0, 1, 2, 3 contributory causes)

# every code the generator can emit, in a fixed order (index = code id)
CODE_TABLE: tuple[str, ...] = tuple(
    dict.fromkeys(
        [c for group in GROUPS[:-1] for c, _, _ in CODES[group]]
        + [c for c, *_ in SUDDEN_CODES]
        + [COVID]
    )
)
EXTERNAL = np.array([c[0] in "VWXY" for c in CODE_TABLE])


def group_of(code: str) -> str:
    """Cause group of an ICD-10 code as the warehouse derives it (load_deaths.sql)."""
    plain = code.replace(".", "").upper()
    for r in PALLIATIVE_NEED_RANGES:
        if r.first <= plain[: len(r.first)] <= r.last:
            return r.cause_group
    return "sudden_other"


def age_class(age: np.ndarray) -> np.ndarray:
    """Index into AGE_CLASS_STARTS of each age."""
    out: np.ndarray = np.searchsorted(AGE_CLASS_STARTS, age, side="right") - 1
    return out


def _group_weights(ages: np.ndarray, sex: np.ndarray, covid: np.ndarray) -> np.ndarray:
    weights: np.ndarray = GROUP_BY_AGE[ages] * SEX_EFFECT[sex]
    weights[:, SUDDEN] /= 1.0 - covid  # COVID deaths come on top of the usual ones
    return weights


def draw_groups(
    age: np.ndarray, sex: np.ndarray, covid: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Cause group index per death, with group factors solved so England's shares meet
    GROUP_TARGETS (``covid`` = COVID-19's share of sudden/other deaths that month)."""
    ages = age_class(age)
    picked = sample(age.size)
    weights = _group_weights(ages[picked], sex[picked], covid[picked])
    factor = np.ones(len(GROUPS))
    for _ in range(100):
        p = weights * factor
        p /= p.sum(axis=1, keepdims=True)
        shares = p.mean(axis=0)
        if np.abs(shares - GROUP_TARGETS).max() < 1e-6:
            break
        factor *= GROUP_TARGETS / shares
    probabilities = _group_weights(ages, sex, covid) * factor
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    return draw_categories(probabilities, rng.random(age.size))


def draw_codes(
    group: np.ndarray,
    age: np.ndarray,
    sex: np.ndarray,
    covid: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Index into CODE_TABLE of each death's underlying cause."""
    code = np.zeros(group.size, dtype=np.int16)
    index = {c: i for i, c in enumerate(CODE_TABLE)}
    for g, name in enumerate(GROUPS[:-1]):
        for s, letter in enumerate("MF"):
            rows = np.flatnonzero((group == g) & (sex == s))
            table = [(c, w) for c, w, sexes in CODES[name] if letter in sexes]
            weights = np.array([w for _, w in table], dtype=np.float64)
            ids = np.array([index[c] for c, _ in table], dtype=np.int16)
            code[rows] = ids[rng.choice(len(table), rows.size, p=weights / weights.sum())]
    ids = np.array([index[c] for c, *_ in SUDDEN_CODES], dtype=np.int16)
    life_stage = np.where(age < 15, 0, np.where(age < 65, 1, 2))
    for stage in range(3):
        rows = np.flatnonzero((group == SUDDEN) & (life_stage == stage))
        weights = np.array([c[1 + stage] for c in SUDDEN_CODES], dtype=np.float64)
        code[rows] = ids[rng.choice(len(ids), rows.size, p=weights / weights.sum())]
    covid_death = (group == SUDDEN) & (age >= 15) & (rng.random(group.size) < covid)
    code[covid_death] = index[COVID]
    return code


def contributory_table() -> tuple[tuple[str | None, ...], np.ndarray]:
    """Every combination of up to three contributory codes, with its probability."""
    texts: list[str | None] = []
    probs: list[float] = []
    for k, p_k in enumerate(CONTRIBUTORY_COUNT):
        combos = list(combinations(CONTRIBUTORY_POOL, k))
        weights = np.array([np.prod([w for _, w in combo]) for combo in combos])
        for combo, w in zip(combos, weights / weights.sum(), strict=True):
            texts.append(";".join(c for c, _ in combo) or None)
            probs.append(p_k * float(w))
    return tuple(texts), np.array(probs)


def draw_contributory(n: int, rng: np.random.Generator) -> np.ndarray:
    """Index into ``contributory_table()`` for each death."""
    _, probs = contributory_table()
    out: np.ndarray = np.searchsorted(np.cumsum(probs), rng.random(n) * probs.sum())
    capped: np.ndarray = np.minimum(out, probs.size - 1)
    return capped
