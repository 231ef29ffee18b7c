"""Reads shared by views, the API and other apps: the effective-dated tree, successions, agencies.

Every unit query takes a date: a code names a unit only together with a day. Tree walks use one
query per level (a tree has at most three), so no query runs per unit.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from tinhso.core.text import fold
from tinhso.directory.choices import UnitLevel
from tinhso.directory.models import AdministrativeUnit, Agency, AgencyCode, UnitSuccession

# Succession chains are short (2019 → 2025 → today); the bound only guards against bad data.
MAX_GENERATIONS = 20


def today() -> datetime.date:
    """Today's date in the province (Asia/Ho_Chi_Minh)."""
    return timezone.localdate()


def valid_on(day: datetime.date, prefix: str = "") -> Q:
    """A filter for rows valid on ``day``; ``prefix`` (e.g. ``"children__"``) follows a relation."""
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def units_on(day: datetime.date) -> QuerySet[AdministrativeUnit]:
    """Every unit that existed on ``day``."""
    return AdministrativeUnit.objects.filter(valid_on(day))


def get_unit(code: str, day: datetime.date) -> AdministrativeUnit:
    """The unit that carried ``code`` on ``day``, with its parent.

    Raises:
        AdministrativeUnit.DoesNotExist: no unit carried that code on that day.
    """
    return units_on(day).select_related("parent").get(code=code)


def code_history(code: str) -> QuerySet[AdministrativeUnit]:
    """Every unit that has carried ``code``, oldest first (e.g. code 24: Bắc Giang, Bắc Ninh)."""
    return AdministrativeUnit.objects.filter(code=code).order_by("valid_from")


def list_units(
    day: datetime.date,
    *,
    parent: AdministrativeUnit | None = None,
    level: int | None = None,
    q: str = "",
) -> QuerySet[AdministrativeUnit]:
    """Units valid on ``day``, optionally under a parent, at a level, matching ``q``.

    ``q`` matches names with or without diacritics. Ordered by code, parents selected.
    """
    units = units_on(day).select_related("parent")
    if parent is not None:
        units = units.filter(parent=parent)
    if level is not None:
        units = units.filter(level=level)
    if q.strip():
        units = units.filter(search_name__contains=fold(q))
    return units.order_by("code")


def search_units(q: str) -> QuerySet[AdministrativeUnit]:
    """Units of any date whose name matches ``q`` (with or without diacritics), newest first."""
    return (
        AdministrativeUnit.objects.filter(search_name__contains=fold(q))
        .select_related("parent")
        .order_by("level", "search_name", "-valid_from")
    )


def with_child_count(
    units: QuerySet[AdministrativeUnit], day: datetime.date
) -> QuerySet[AdministrativeUnit]:
    """Annotate ``child_count``: how many units sit directly under each unit on ``day``."""
    return units.annotate(child_count=Count("children", filter=valid_on(day, "children__")))


def children(parent: AdministrativeUnit | None, day: datetime.date) -> QuerySet[AdministrativeUnit]:
    """The units directly under ``parent`` on ``day`` (provinces when ``parent`` is None).

    Each carries ``child_count``; ordered by code.
    """
    units = units_on(day)
    if parent is None:
        units = units.filter(parent__isnull=True, level=UnitLevel.PROVINCE)
    else:
        units = units.filter(parent=parent)
    return with_child_count(units, day).order_by("code")


@dataclass
class TreeNode:
    """A unit and the units under it on the tree's date."""

    unit: AdministrativeUnit
    children: list[TreeNode] = field(default_factory=list)


def tree(
    day: datetime.date, root: AdministrativeUnit | None = None, *, depth: int | None = None
) -> list[TreeNode]:
    """The tree of units on ``day`` under ``root`` (all provinces if None), ``depth`` levels deep.

    One query per level.
    """
    level_units = list(children(root, day))
    nodes = [TreeNode(unit) for unit in level_units]
    roots = list(nodes)
    remaining = depth
    while nodes and (remaining is None or remaining > 1):
        by_id = {node.unit.pk: node for node in nodes}
        nodes = []
        for unit in units_on(day).filter(parent_id__in=by_id).order_by("code"):
            node = TreeNode(unit)
            by_id[unit.parent_id].children.append(node)  # type: ignore[index]
            nodes.append(node)
        remaining = None if remaining is None else remaining - 1
    return roots


def ancestors(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The units above ``unit``, province first. One query per level."""
    chain: list[AdministrativeUnit] = []
    parent_id = unit.parent_id
    while parent_id is not None:
        parent = AdministrativeUnit.objects.get(pk=parent_id)
        chain.append(parent)
        parent_id = parent.parent_id
    return chain[::-1]


def descendants(unit: AdministrativeUnit, day: datetime.date) -> list[AdministrativeUnit]:
    """Every unit below ``unit`` on ``day`` (districts and communes), by level then code.

    One query per level.
    """
    found: list[AdministrativeUnit] = []
    frontier = [unit.pk]
    while frontier:
        level_units = list(units_on(day).filter(parent_id__in=frontier).order_by("code"))
        found.extend(level_units)
        frontier = [u.pk for u in level_units]
    return found


def predecessor_links(unit: AdministrativeUnit) -> QuerySet[UnitSuccession]:
    """Links from the units ``unit`` took over, with those units."""
    return unit.predecessor_links.select_related("predecessor").order_by("predecessor__code")


def successor_links(unit: AdministrativeUnit) -> QuerySet[UnitSuccession]:
    """Links to the units that took ``unit`` over, with those units."""
    return unit.successor_links.select_related("successor").order_by("successor__code")


@dataclass(frozen=True)
class CurrentSuccessor:
    """A unit valid on the target day that holds ``weight`` of an older unit.

    ``inferred`` is true when any link on the way is not in an official text.
    """

    unit: AdministrativeUnit
    weight: Decimal
    inferred: bool


def current_successors_of(
    unit_ids: Iterable[int], day: datetime.date | None = None
) -> dict[int, list[CurrentSuccessor]]:
    """For each unit id, the units valid on ``day`` (default today) that took it over.

    Links are followed transitively and their weights multiplied; a unit still valid is its
    own successor with weight 1; a unit that ended without successor (a district abolished on
    01/07/2025) maps to an empty list. One query per generation of links.
    """
    day = day or today()
    ids = set(unit_ids)
    reached: dict[int, dict[int, tuple[Decimal, bool]]] = {uid: {} for uid in ids}
    units: dict[int, AdministrativeUnit] = {}
    frontier: dict[int, list[tuple[int, Decimal, bool]]] = defaultdict(list)
    for unit in AdministrativeUnit.objects.filter(pk__in=ids):
        if unit.is_valid_on(day):
            units[unit.pk] = unit
            reached[unit.pk][unit.pk] = (Decimal(1), False)
        else:
            frontier[unit.pk].append((unit.pk, Decimal(1), False))
    for _generation in range(MAX_GENERATIONS):
        if not frontier:
            break
        links = UnitSuccession.objects.filter(
            predecessor_id__in=frontier, effective_date__lte=day
        ).select_related("successor")
        next_frontier: dict[int, list[tuple[int, Decimal, bool]]] = defaultdict(list)
        for link in links:
            successor = link.successor
            for origin, weight, inferred in frontier[link.predecessor_id]:
                share, guessed = weight * link.weight, inferred or link.inferred
                if successor.is_valid_on(day):
                    units[successor.pk] = successor
                    old_share, old_guessed = reached[origin].get(successor.pk, (Decimal(0), False))
                    reached[origin][successor.pk] = (old_share + share, old_guessed or guessed)
                elif successor.valid_from <= day:
                    next_frontier[successor.pk].append((origin, share, guessed))
        frontier = next_frontier
    return {
        origin: sorted(
            (
                CurrentSuccessor(unit=units[uid], weight=share, inferred=guessed)
                for uid, (share, guessed) in targets.items()
            ),
            key=lambda successor: successor.unit.code,
        )
        for origin, targets in reached.items()
    }


def current_successors(
    unit: AdministrativeUnit, day: datetime.date | None = None
) -> list[CurrentSuccessor]:
    """The units valid on ``day`` (default today) that took ``unit`` over, with weights."""
    return current_successors_of([unit.pk], day)[unit.pk]


class UnmappedUnitsError(ValueError):
    """Values were given for units that have no successor valid on the target day."""

    def __init__(self, unit_ids: list[int]) -> None:
        super().__init__(f"no successor valid on the target day for units {unit_ids}")
        self.unit_ids = unit_ids


def _decimal(value: Decimal | int | float) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def restate(
    values_by_unit_id: Mapping[int, Decimal | int | float],
    as_of: datetime.date | None = None,
    *,
    strict: bool = True,
) -> dict[int, Decimal]:
    """Map values reported for (possibly old) units onto the units valid on ``as_of``.

    A value moves to each current successor multiplied by the chain's weight: merged units'
    values add up, a split unit's value is divided by its weights. Returns
    ``{current unit id: total}``.

    Raises:
        UnmappedUnitsError: some unit has no successor on ``as_of`` (an abolished district);
            pass ``strict=False`` to leave those values out instead.
    """
    successors = current_successors_of(values_by_unit_id, as_of)
    unmapped = sorted(uid for uid in values_by_unit_id if not successors.get(uid))
    if unmapped and strict:
        raise UnmappedUnitsError(unmapped)
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for uid, value in values_by_unit_id.items():
        for successor in successors.get(uid, []):
            totals[successor.unit.pk] += _decimal(value) * successor.weight
    return dict(totals)


def list_agencies(
    *,
    q: str = "",
    kind: str = "",
    unit: AdministrativeUnit | None = None,
    day: datetime.date | None = None,
) -> QuerySet[Agency]:
    """Agencies matching a name (with or without diacritics), kind and unit, valid on ``day``.

    ``day=None`` includes agencies of every date. Units selected; ordered by name.
    """
    agencies = Agency.objects.select_related("unit")
    if day is not None:
        agencies = agencies.filter(valid_on(day))
    if q.strip():
        agencies = agencies.filter(search_name__contains=fold(q))
    if kind:
        agencies = agencies.filter(kind=kind)
    if unit is not None:
        agencies = agencies.filter(unit=unit)
    return agencies.order_by("search_name", "valid_from")


def get_agency(pk: int) -> Agency:
    """An agency with its unit, parent, predecessor, successors and codes (four queries).

    Raises:
        Agency.DoesNotExist: no such agency.
    """
    return (
        Agency.objects.select_related("unit", "parent", "predecessor")
        .prefetch_related(
            Prefetch("codes", queryset=AgencyCode.objects.order_by("valid_from", "code")),
            Prefetch("successors", queryset=Agency.objects.select_related("unit")),
            Prefetch("children", queryset=Agency.objects.order_by("search_name")),
        )
        .get(pk=pk)
    )
