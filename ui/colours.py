"""Fingertips' benchmark colours, the text colour readable on each, and the setting colours.

The benchmark labels and the logic that gives them are statistics
(``queries.stats.benchmark``), the places of death are the kernel's
(``peolc.vocabulary``); how they look is presentation, so their colours live here. The
text label must always be shown with the colour, so nobody has to tell green from amber.
"""

from __future__ import annotations

from types import MappingProxyType

from peolc.vocabulary import SettingKey

#: Fingertips fills by label (fingertipscharts `scale_fill_phe`: Better #92D050, Same
#: #FFC000, Worse #C00000, Not compared #C9C9C9, Higher #BED2FF, Lower #5555E6).
BENCHMARK_COLOURS = MappingProxyType(
    {
        "better": "#92D050",
        "similar": "#FFC000",
        "worse": "#C00000",
        "higher": "#BED2FF",
        "lower": "#5555E6",
        "not compared": "#C9C9C9",
    }
)
#: Text colour with at least 4.5:1 contrast on each fill (WCAG AA), for labels drawn on it.
BENCHMARK_TEXT_COLOURS = MappingProxyType(
    {
        "better": "#000000",
        "similar": "#000000",
        "worse": "#FFFFFF",
        "higher": "#000000",
        "lower": "#FFFFFF",
        "not compared": "#000000",
    }
)
#: Fills by place of death, for charts that stack them: Okabe-Ito (colour-blind safe),
#: grey for elsewhere.
SETTING_COLOURS = MappingProxyType(
    {
        SettingKey.HOME: "#0072B2",
        SettingKey.CARE_HOME: "#009E73",
        SettingKey.HOSPITAL: "#D55E00",
        SettingKey.HOSPICE: "#CC79A7",
        SettingKey.ELSEWHERE: "#999999",
    }
)
