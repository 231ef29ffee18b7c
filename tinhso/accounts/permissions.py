"""The one permission check of tinhso: roles held within scopes (see ADR 0006).

Every view, endpoint and action asks the same three questions here:

* :func:`can` — may ``user`` do ``perm`` (anywhere / on this record / over this whole scope)?
* :func:`require` — the same, raising ``PermissionDenied``;
* :func:`scope_queryset` — narrow a queryset to the rows ``user`` may ``perm``.

Permission matrix (``MATRIX``; ✓ = granted within the role's scope)::

    permission             officer  leader  operator  auditor  data_officer
    data.view                 ✓       ✓        ✓         ✓          ✓
    data.change               ✓       ✓        ✓                    ✓
    data.approve                      ✓        ✓
    data.publish                      ✓        ✓                    ✓
    people.view               ✓       ✓        ✓         ✓
    people.view_personal      ✓       ✓        ✓
    people.change             ✓       ✓        ✓
    roles.grant                       ✓        ✓
    audit.view                                 ✓         ✓

``GRANTABLE`` says which roles a role may hand out (a leader: officer and data officer; an
operator: any), always within a scope inside the grantor's own. A role's scope is the province,
an administrative unit with its subtree as of today, or an agency with its sub-agencies; a unit
scope also covers the agencies that sit in its units. A Bearer token may narrow its user's scope
further; it never widens it.

Records are placed by :func:`locate`: a person by their home unit, home agency and the scopes of
their current roles — except for ``people.view_personal``, which follows only the person's
home (an officer sees unmasked data of the people who live or work in their area). To *reach*
a person who holds roles — read their data unmasked, change it, grant them a role
(``REACH_PERMS``) — the actor's scope must moreover contain **every** role scope the person
holds: province-wide staff are reached only by province-wide actors, a commune officer by
actors over that commune. Citizens and businesses (no roles) are placed by their home alone.
A person is always inside their own scope for ``people.*``. Superusers get nothing here:
Django's ``is_superuser`` opens the admin site only.

Results are cached on the user object for the request; actions that change roles call
:func:`forget`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum
from typing import Any, Protocol, TypeVar, runtime_checkable

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts.choices import Role, ScopeKind
from tinhso.accounts.models import RoleAssignment, User
from tinhso.accounts.scopes import Location, Scope, ScopeSet
from tinhso.directory.models import AdministrativeUnit, Agency

__all__ = [
    "GRANTABLE",
    "MATRIX",
    "REACH_PERMS",
    "Location",
    "Perm",
    "Scope",
    "ScopeSet",
    "can",
    "forget",
    "grantable_roles",
    "locate",
    "require",
    "resolve",
    "scope_queryset",
    "scope_set",
]

M = TypeVar("M", bound=models.Model)


class Perm(StrEnum):
    """A permission, granted by roles (``MATRIX``) within their scopes."""

    DATA_VIEW = "data.view"
    DATA_CHANGE = "data.change"
    DATA_APPROVE = "data.approve"
    DATA_PUBLISH = "data.publish"
    PEOPLE_VIEW = "people.view"
    PEOPLE_VIEW_PERSONAL = "people.view_personal"
    PEOPLE_CHANGE = "people.change"
    ROLES_GRANT = "roles.grant"
    AUDIT_VIEW = "audit.view"


MATRIX: dict[Role, frozenset[Perm]] = {
    Role.OFFICER: frozenset(
        {
            Perm.DATA_VIEW,
            Perm.DATA_CHANGE,
            Perm.PEOPLE_VIEW,
            Perm.PEOPLE_VIEW_PERSONAL,
            Perm.PEOPLE_CHANGE,
        }
    ),
    Role.LEADER: frozenset(
        {
            Perm.DATA_VIEW,
            Perm.DATA_CHANGE,
            Perm.DATA_APPROVE,
            Perm.DATA_PUBLISH,
            Perm.PEOPLE_VIEW,
            Perm.PEOPLE_VIEW_PERSONAL,
            Perm.PEOPLE_CHANGE,
            Perm.ROLES_GRANT,
        }
    ),
    Role.OPERATOR: frozenset(Perm),
    Role.AUDITOR: frozenset({Perm.DATA_VIEW, Perm.PEOPLE_VIEW, Perm.AUDIT_VIEW}),
    Role.DATA_OFFICER: frozenset({Perm.DATA_VIEW, Perm.DATA_CHANGE, Perm.DATA_PUBLISH}),
}

GRANTABLE: dict[Role, frozenset[Role]] = {
    Role.LEADER: frozenset({Role.OFFICER, Role.DATA_OFFICER}),
    Role.OPERATOR: frozenset(Role),
}

# What a person may always do with their own record.
SELF_PERMS = frozenset({Perm.PEOPLE_VIEW, Perm.PEOPLE_VIEW_PERSONAL, Perm.PEOPLE_CHANGE})

# Permissions that reach into a person; for one who holds roles, the actor's scope must contain
# all of them (an officer may neither unmask, edit nor grant roles to a province-wide auditor
# who happens to live in the officer's commune).
REACH_PERMS = frozenset({Perm.PEOPLE_VIEW_PERSONAL, Perm.PEOPLE_CHANGE, Perm.ROLES_GRANT})

_CACHE = "_tinhso_permission_cache"


@runtime_checkable
class Locatable(Protocol):
    """A record that says where it sits (domain models may implement this)."""

    def scope_location(self) -> Location:
        """Return the units and agencies this record belongs to."""
        ...


def _as_user(user: Any) -> User | None:
    if isinstance(user, AnonymousUser) or not isinstance(user, User):
        return None
    if not user.is_active:
        return None
    return user


def _cache(user: User) -> dict[Any, Any]:
    cache: dict[Any, Any] | None = user.__dict__.get(_CACHE)
    if cache is None:
        cache = user.__dict__[_CACHE] = {}
    return cache


def forget(user: Any) -> None:
    """Drop the cached roles and scopes of ``user`` (after its roles changed)."""
    if isinstance(user, User):
        user.__dict__.pop(_CACHE, None)


def assignments(user: Any) -> list[RoleAssignment]:
    """Return the user's role assignments in force today (cached on the user object)."""
    account = _as_user(user)
    if account is None:
        return []
    cache = _cache(account)
    if "assignments" not in cache:
        cache["assignments"] = list(
            RoleAssignment.objects.current().filter(user=account).select_related("unit", "agency")
        )
    result: list[RoleAssignment] = cache["assignments"]
    return result


def _valid_on(day: date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def _unit_subtree(roots: set[int], day: date) -> set[int]:
    """Return ``roots`` and every unit below them valid on ``day`` (one query per level)."""
    seen = set(roots)
    frontier = set(roots)
    while frontier:
        children = set(
            AdministrativeUnit.objects.filter(_valid_on(day), parent_id__in=frontier).values_list(
                "id", flat=True
            )
        )
        frontier = children - seen
        seen |= frontier
    return seen


def _agency_subtree(roots: set[int]) -> set[int]:
    """Return ``roots`` and every agency below them (one query per level)."""
    seen = set(roots)
    frontier = set(roots)
    while frontier:
        children = set(Agency.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier = children - seen
        seen |= frontier
    return seen


def resolve(scopes: Iterable[Scope], *, on: date | None = None) -> ScopeSet:
    """Resolve scopes against the directory into the set of units and agencies they cover.

    A unit scope covers its subtree of units valid on ``on`` (today) and the agencies located in
    them with their sub-agencies; an agency scope covers the agency and its sub-agencies.
    """
    unit_roots: set[int] = set()
    agency_roots: set[int] = set()
    for scope in scopes:
        if scope.kind == ScopeKind.PROVINCE:
            return ScopeSet(everything=True)
        if scope.kind == ScopeKind.UNIT and scope.unit_id is not None:
            unit_roots.add(scope.unit_id)
        elif scope.kind == ScopeKind.AGENCY and scope.agency_id is not None:
            agency_roots.add(scope.agency_id)
    units = _unit_subtree(unit_roots, on or timezone.localdate()) if unit_roots else set()
    if units:
        agency_roots |= set(Agency.objects.filter(unit_id__in=units).values_list("id", flat=True))
    agencies = _agency_subtree(agency_roots) if agency_roots else set()
    return ScopeSet(unit_ids=frozenset(units), agency_ids=frozenset(agencies))


def _token_limit(user: User) -> ScopeSet | None:
    token = user.active_token
    if token is None:
        return None
    scope = token.get_scope()
    if scope is None:
        return None
    cache = _cache(user)
    key = ("token", token.pk)
    if key not in cache:
        cache[key] = resolve([scope])
    limit: ScopeSet = cache[key]
    return limit


def scope_set(user: Any, perm: Perm) -> ScopeSet:
    """Return everywhere ``user`` holds ``perm``, narrowed by the Bearer token in use."""
    account = _as_user(user)
    if account is None:
        return ScopeSet()
    cache = _cache(account)
    key = ("perm", perm)
    if key not in cache:
        granted = resolve(a.scope for a in assignments(account) if perm in MATRIX[Role(a.role)])
        limit = _token_limit(account)
        cache[key] = granted & limit if limit is not None else granted
    result: ScopeSet = cache[key]
    return result


def _locate_person(person: User, perm: Perm) -> Location:
    """Place a person: by home (and, but for ``people.view_personal``, by their roles' scopes);
    for ``REACH_PERMS`` a role holder also needs every role scope inside the actor's."""
    roles = [a for a in person.role_assignments.all() if a.is_current()]
    units = [person.home_unit_id]
    agencies = [person.home_agency_id]
    if perm != Perm.PEOPLE_VIEW_PERSONAL:
        units += [a.unit_id for a in roles]
        agencies += [a.agency_id for a in roles]
    if perm not in REACH_PERMS or not roles:
        return Location.of(units=units, agencies=agencies)
    scopes = [a.scope for a in roles]
    return Location.of(
        units=units,
        agencies=agencies,
        everywhere=any(scope.kind == ScopeKind.PROVINCE for scope in scopes),
        within=[scope for scope in scopes if scope.kind != ScopeKind.PROVINCE],
    )


def locate(target: object, perm: Perm = Perm.DATA_VIEW) -> Location:
    """Return where ``target`` sits, for checking ``perm`` on it.

    A :class:`Location` is returned as is; a person is placed by :func:`_locate_person`; units
    and agencies by themselves; a role assignment by its scope; a record implementing
    :class:`Locatable` by its ``scope_location()``; any other record by its ``unit_id`` and
    ``agency_id`` attributes. A record with neither is covered only by a province-wide scope.
    """
    if isinstance(target, Location):
        return target
    if isinstance(target, User):
        return _locate_person(target, perm)
    if isinstance(target, AdministrativeUnit):
        return Location.of(units=[target.pk])
    if isinstance(target, Agency):
        return Location.of(agencies=[target.pk])
    if isinstance(target, Locatable):
        return target.scope_location()
    return Location.of(
        units=[getattr(target, "unit_id", None)], agencies=[getattr(target, "agency_id", None)]
    )


def can(user: Any, perm: Perm, target: object = None) -> bool:
    """Whether ``user`` may ``perm`` — anywhere, on a record, or over a whole :class:`Scope`.

    With no target: does the user hold ``perm`` in any scope. With a :class:`Scope`: does the
    scope lie wholly inside the user's (never wider). With a record or :class:`Location`: does
    the record fall inside the user's scope for ``perm``.
    """
    account = _as_user(user)
    if account is None:
        return False
    if isinstance(target, User) and target.pk == account.pk and perm in SELF_PERMS:
        return True
    allowed = scope_set(account, perm)
    if target is None:
        return not allowed.empty
    if isinstance(target, Scope):
        return allowed.contains(target)
    return allowed.covers(locate(target, perm))


def require(user: Any, perm: Perm, target: object = None) -> None:
    """Raise ``PermissionDenied`` unless :func:`can` allows ``perm``."""
    if not can(user, perm, target):
        raise PermissionDenied(
            _("Bạn không có quyền “%(perm)s” trong phạm vi này.") % {"perm": perm.value}
        )


def scope_queryset(
    user: Any,
    perm: Perm,
    queryset: QuerySet[M],
    *,
    unit_field: str | Sequence[str] = (),
    agency_field: str | Sequence[str] = (),
) -> QuerySet[M]:
    """Narrow ``queryset`` to the rows whose unit or agency field lies in the user's scope.

    E.g. ``scope_queryset(request.user, Perm.DATA_VIEW, Dossier.objects.all(),
    unit_field="unit", agency_field="agency")``. Rows with neither in scope are left out; a
    province-wide grant leaves the queryset as it is; no grant gives an empty queryset.
    """
    allowed = scope_set(user, perm)
    if allowed.empty:
        return queryset.none()
    return queryset.filter(allowed.q(unit_field=unit_field, agency_field=agency_field))


def grantable_roles(user: Any, scope: Scope) -> frozenset[Role]:
    """Return the roles ``user`` may grant within ``scope`` (never wider than their own)."""
    account = _as_user(user)
    if account is None:
        return frozenset()
    limit = _token_limit(account)
    roles: set[Role] = set()
    for assignment in assignments(account):
        role = Role(assignment.role)
        if Perm.ROLES_GRANT not in MATRIX[role]:
            continue
        covered = resolve([assignment.scope])
        if limit is not None:
            covered &= limit
        if covered.contains(scope):
            roles |= GRANTABLE.get(role, frozenset())
    return frozenset(roles)
