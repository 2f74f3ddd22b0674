"""The attribution lines open data must carry where they are shown (OGL v3.0)."""

from __future__ import annotations

ONS_SOURCE = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0."
)
OS_COPYRIGHT = "Contains OS data © Crown copyright and database right {year}"


def ons_boundaries(year: int) -> tuple[str, str]:
    """ONS's attribution for its boundaries of ``year``, worded as ONS asks (two sentences)."""
    return ONS_SOURCE, OS_COPYRIGHT.format(year=year)
