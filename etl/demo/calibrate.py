"""Solve model intercepts so the synthetic national figures land on their targets.

Models here are written as effects on a log-odds scale (deprivation, register status,
age, ...). Their intercepts are then solved on a fixed, evenly spaced subsample of the
records, so the national shares match published England figures whatever the effects,
and the answer depends only on the records (hence on the seed), never on timing.
"""

from __future__ import annotations

import numpy as np

SAMPLE_SIZE = 250_000


def sample(n: int) -> np.ndarray:
    """Evenly spaced record positions (all of them when there are few)."""
    step = max(1, n // SAMPLE_SIZE)
    return np.arange(0, n, step)


def expit(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-x))
    return out


def logit_shift(effects: np.ndarray, target: float) -> float:
    """The intercept a so that mean(expit(a + effects)) equals ``target``.

    Newton steps (the mean is increasing in a, its slope mean(p(1 - p))), damped to at
    most 2 on the logit scale, from the logit of the target less the mean effect.
    """
    shift = float(np.log(target / (1 - target)) - effects.mean())
    for _ in range(50):
        p = expit(shift + effects)
        gap = float(p.mean()) - target
        if abs(gap) < 1e-10:
            break
        slope = max(float((p * (1 - p)).mean()), 1e-12)
        shift -= float(np.clip(gap / slope, -2.0, 2.0))
    return shift


def group_shifts(effects: np.ndarray, group: np.ndarray, targets: dict[int, float]) -> np.ndarray:
    """One logit intercept per group code (array indexed by group), each hitting its target."""
    out = np.zeros(max(targets) + 1)
    for code, target in sorted(targets.items()):
        chosen = effects[group == code]
        out[code] = logit_shift(chosen, target) if chosen.size else 0.0
    return out


def softmax(utilities: np.ndarray) -> np.ndarray:
    """Row-wise choice probabilities of a multinomial logit ([records, options])."""
    shifted = utilities - utilities.max(axis=1, keepdims=True)
    weights = np.exp(shifted)
    out: np.ndarray = weights / weights.sum(axis=1, keepdims=True)
    return out


def multinomial_shifts(
    free_utilities: np.ndarray,
    fixed_probabilities: np.ndarray,
    targets: np.ndarray,
    iterations: int = 300,
) -> np.ndarray:
    """Intercepts per option (option 0 held at 0) for the rows whose ``free_utilities`` are
    given so that, pooled with the rows of ``fixed_probabilities``, the options' shares
    meet ``targets``."""
    weights = np.exp(free_utilities - free_utilities.max(axis=1, keepdims=True))
    alpha = np.zeros(free_utilities.shape[1])
    fixed_total = fixed_probabilities.sum(axis=0)
    n = free_utilities.shape[0] + fixed_probabilities.shape[0]
    for _ in range(iterations):
        scaled = weights * np.exp(alpha)
        shares = ((scaled / scaled.sum(axis=1, keepdims=True)).sum(axis=0) + fixed_total) / n
        if np.abs(shares - targets).max() < 1e-6:
            break
        step = np.log(targets / shares)
        alpha += step - step[0]
    return alpha


def draw_categories(probabilities: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Category index of each row from its probabilities and one uniform draw."""
    out = np.zeros(uniform.size, dtype=np.int64)
    boundary = probabilities[:, 0].copy()
    for k in range(1, probabilities.shape[1]):
        out += uniform > boundary
        boundary += probabilities[:, k]
    return out
