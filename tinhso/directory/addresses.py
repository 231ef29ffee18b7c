"""Free-text addresses → our units, through the ``vietnamadminunits`` parser (MIT).

The package reads an address and names a ward, district and province with their codes; we look
those up among *our* units on the address's date and follow *our* succession links to today.
Only its parser is used: its converter may call an online geocoder for split wards, and our
links carry the official mapping.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from tinhso.core.text import fold
from tinhso.directory import queries
from tinhso.directory.loaders import REFORM_DATE
from tinhso.directory.models import AdministrativeUnit


@dataclass(frozen=True)
class AddressMatch:
    """The unit an address names on its date, and the units that hold it today."""

    unit: AdministrativeUnit
    current: list[queries.CurrentSuccessor] = field(default_factory=list)
    street: str = ""
    parsed: str = ""
    latitude: float | None = None
    longitude: float | None = None


def _province_code(unit: AdministrativeUnit) -> str:
    while unit.parent is not None:
        unit = unit.parent
    return unit.code


def _find(
    code: str | None, name: str | None, province_code: str | None, day: datetime.date
) -> AdministrativeUnit | None:
    """Our unit on ``day`` with this code and name; else the one with this name in the province.

    The name check matters: the parser's codes and ``vietnam-provinces``' codes disagree for
    about 120 current wards, so a code alone could name a different ward.
    """
    if not name:
        return None
    key = fold(name)
    candidates = (
        queries.units_on(day)
        .filter(Q(code=code) | Q(search_name=key))
        .select_related("parent__parent")
    )
    same_name = [unit for unit in candidates if unit.search_name == key]
    for unit in same_name:
        if unit.code == code:
            return unit
    in_province = [unit for unit in same_name if _province_code(unit) == province_code]
    return in_province[0] if len(in_province) == 1 else None


def resolve_address(text: str, as_of: datetime.date | None = None) -> AddressMatch | None:
    """Resolve a free-text address written on ``as_of`` (default today) to our finest unit.

    Before 01/07/2025 the address is read in the three-tier, 63-province form ("Phường Thọ
    Xương, Thành phố Bắc Giang, Bắc Giang"); from then on in the two-tier form ("Phường Bắc
    Giang, Bắc Ninh"). Diacritics are optional. Returns the commune if found, else the
    district or province, with the units that hold it today (``current``); None when not even
    the province is recognised. Parsing is heuristic: check the ``parsed`` reading.
    """
    from vietnamadminunits import parse_address

    day = as_of or queries.today()
    legacy = day < REFORM_DATE
    parsed = parse_address(text, mode="LEGACY" if legacy else "FROM_2025")
    levels = [(parsed.ward_code, parsed.ward)]
    if legacy:
        levels.append((parsed.district_code, parsed.district))
    levels.append((parsed.province_code, parsed.province))
    for code, name in levels:
        unit = _find(code, name, parsed.province_code, day)
        if unit is not None:
            return AddressMatch(
                unit=unit,
                current=queries.current_successors(unit),
                street=parsed.street or "",
                parsed=parsed.get_address(),
                latitude=parsed.latitude,
                longitude=parsed.longitude,
            )
    return None
