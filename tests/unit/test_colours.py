"""Benchmark colours: Fingertips' fills, with text readable on each (WCAG AA); setting colours."""

from __future__ import annotations

from peolc.vocabulary import PLACES_OF_DEATH
from ui.colours import BENCHMARK_COLOURS, BENCHMARK_TEXT_COLOURS, SETTING_COLOURS


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_benchmark_colours_and_readable_text() -> None:
    assert BENCHMARK_COLOURS["better"] == "#92D050" and BENCHMARK_COLOURS["worse"] == "#C00000"
    assert BENCHMARK_COLOURS["similar"] == "#FFC000" and BENCHMARK_COLOURS["lower"] == "#5555E6"
    for label, fill in BENCHMARK_COLOURS.items():
        light, dark = sorted((_luminance(fill), _luminance(BENCHMARK_TEXT_COLOURS[label])))
        assert (dark + 0.05) / (light + 0.05) >= 4.5, label


def test_every_place_of_death_has_its_own_colour() -> None:
    assert list(SETTING_COLOURS) == list(PLACES_OF_DEATH)
    assert len(set(SETTING_COLOURS.values())) == len(SETTING_COLOURS)
