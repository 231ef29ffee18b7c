"""Scopes as values: where a role or token applies, and the resolved set of places it covers.

Pure data, no database access: ``tinhso.accounts.permissions`` resolves scopes against the
directory and answers permission questions with these values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q

from tinhso.accounts.choices import ScopeKind


@dataclass(frozen=True)
class Scope:
    """A province-wide scope, a unit subtree or an agency subtree (phạm vi)."""

    kind: ScopeKind
    unit_id: int | None = None
    agency_id: int | None = None

    @classmethod
    def province(cls) -> Scope:
        """The whole province."""
        return cls(kind=ScopeKind.PROVINCE)

    @classmethod
    def of_unit(cls, unit_id: int) -> Scope:
        """An administrative unit and the units under it (as of today)."""
        return cls(kind=ScopeKind.UNIT, unit_id=unit_id)

    @classmethod
    def of_agency(cls, agency_id: int) -> Scope:
        """An agency and its sub-agencies."""
        return cls(kind=ScopeKind.AGENCY, agency_id=agency_id)


@dataclass(frozen=True)
class Location:
    """Where a record sits: the units and agencies it belongs to (any one suffices).

    ``everywhere`` marks a record with a province-wide footing (e.g. a provincial operator):
    only a province-wide scope covers it. ``within`` lists scopes that must *all* lie inside a
    scope set for it to cover the record (e.g. every role a person holds), on top of one of the
    units or agencies.
    """

    unit_ids: frozenset[int] = frozenset()
    agency_ids: frozenset[int] = frozenset()
    everywhere: bool = False
    within: frozenset[Scope] = frozenset()

    @classmethod
    def of(
        cls,
        *,
        units: Iterable[int | None] = (),
        agencies: Iterable[int | None] = (),
        everywhere: bool = False,
        within: Iterable[Scope] = (),
    ) -> Location:
        """Build a location, ignoring empty ids."""
        return cls(
            unit_ids=frozenset(u for u in units if u is not None),
            agency_ids=frozenset(a for a in agencies if a is not None),
            everywhere=everywhere,
            within=frozenset(within),
        )


@dataclass(frozen=True)
class ScopeSet:
    """The resolved places a user may act on for one permission.

    ``everything`` for a province-wide grant; otherwise the closed sets of unit ids (subtrees as
    of today) and agency ids (subtrees, plus the agencies sitting in covered units).
    """

    everything: bool = False
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    agency_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        """Whether the set covers nothing at all."""
        return not (self.everything or self.unit_ids or self.agency_ids)

    def __or__(self, other: ScopeSet) -> ScopeSet:
        if self.everything or other.everything:
            return ScopeSet(everything=True)
        return ScopeSet(
            unit_ids=self.unit_ids | other.unit_ids, agency_ids=self.agency_ids | other.agency_ids
        )

    def __and__(self, other: ScopeSet) -> ScopeSet:
        if self.everything:
            return other
        if other.everything:
            return self
        return ScopeSet(
            unit_ids=self.unit_ids & other.unit_ids, agency_ids=self.agency_ids & other.agency_ids
        )

    def covers(self, location: Location) -> bool:
        """Whether a record at ``location`` falls inside this set.

        Only a province-wide set covers a location ``everywhere``; otherwise every scope of
        ``location.within`` must lie wholly inside the set and one of its units or agencies too.
        """
        if self.everything:
            return True
        if location.everywhere:
            return False
        if not all(self.contains(scope) for scope in location.within):
            return False
        return bool(location.unit_ids & self.unit_ids or location.agency_ids & self.agency_ids)

    def contains(self, scope: Scope) -> bool:
        """Whether the whole of ``scope`` lies inside this set (never wider than it)."""
        if self.everything:
            return True
        if scope.kind == ScopeKind.UNIT:
            return scope.unit_id in self.unit_ids
        if scope.kind == ScopeKind.AGENCY:
            return scope.agency_id in self.agency_ids
        return False

    def q(
        self,
        *,
        unit_field: str | Sequence[str] = (),
        agency_field: str | Sequence[str] = (),
    ) -> Q:
        """Return a filter matching rows whose unit or agency field falls inside this set."""
        if self.everything:
            return Q()
        units = [unit_field] if isinstance(unit_field, str) else list(unit_field)
        agencies = [agency_field] if isinstance(agency_field, str) else list(agency_field)
        condition = Q(pk__in=[])
        for name in units:
            condition |= Q(**{f"{name}__in": sorted(self.unit_ids)})
        for name in agencies:
            condition |= Q(**{f"{name}__in": sorted(self.agency_ids)})
        return condition
