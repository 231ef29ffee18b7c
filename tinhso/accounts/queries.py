"""Reads of the accounts app shared by pages and API endpoints."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from tinhso.accounts import permissions
from tinhso.accounts.models import ApiToken, RoleAssignment, User
from tinhso.accounts.permissions import Perm
from tinhso.accounts.personal_data import masked_values

PEOPLE_ORDER = ("username", "id")


def _current_roles() -> Any:
    return Prefetch(
        "role_assignments",
        queryset=RoleAssignment.objects.current().select_related("unit", "agency"),
    )


def people_visible_to(user: Any, perm: Perm = Perm.PEOPLE_VIEW) -> QuerySet[User]:
    """Return the people ``user`` may ``perm``: those whose home unit, home agency or a current
    role's scope lies inside the user's scope, with current roles prefetched.

    Matches :func:`tinhso.accounts.permissions.can` on each person, as one query, for
    ``people.view``; for the permissions that reach into a person (``REACH_PERMS``) ``can`` also
    wants every role the person holds inside the user's scope, so check each person with it.
    """
    allowed = permissions.scope_set(user, perm)
    people = User.objects.prefetch_related(_current_roles()).order_by(*PEOPLE_ORDER)
    if allowed.empty:
        return people.none()
    if allowed.everything:
        return people
    with_roles = (
        RoleAssignment.objects.current()
        .filter(allowed.q(unit_field="unit_id", agency_field="agency_id"))
        .values("user_id")
    )
    return people.filter(
        allowed.q(unit_field="home_unit_id", agency_field="home_agency_id") | Q(pk__in=with_roles)
    )


def person_with_roles(pk: int) -> User | None:
    """Return the person with current roles prefetched, or None."""
    return User.objects.prefetch_related(_current_roles()).filter(pk=pk).first()


def current_roles(person: User) -> list[RoleAssignment]:
    """Return the person's roles in force today (using a prefetch when there is one)."""
    return [a for a in person.role_assignments.all() if a.is_current()]


def scope_dict(row: RoleAssignment | ApiToken) -> dict[str, Any] | None:
    """Return a row's scope as the API shows it."""
    scope = row.get_scope()
    if scope is None:
        return None
    return {
        "kind": scope.kind,
        "unit_id": scope.unit_id,
        "agency_id": scope.agency_id,
        "label": row.scope_label(),
    }


def role_dict(assignment: RoleAssignment) -> dict[str, Any]:
    """Return a role assignment as the API shows it."""
    return {
        "id": assignment.pk,
        "role": assignment.role,
        "role_label": str(assignment.get_role_display()),
        "scope": scope_dict(assignment),
        "valid_from": assignment.valid_from,
        "valid_to": assignment.valid_to,
    }


def _format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def person_dict(person: User, *, plain: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return a person for the API: masked, or with ``plain`` values from a logged read."""
    if plain is None:
        values: dict[str, Any] = masked_values(person)
    else:
        values = dict(plain)
        values["date_of_birth"] = _format_date(plain.get("date_of_birth"))
    return {
        "id": person.pk,
        "username": person.username,
        "kind": person.kind,
        "kind_label": str(person.get_kind_display()),
        "full_name": values["full_name"],
        "citizen_id": values["citizen_id"],
        "tax_code": values["tax_code"],
        "email": values["email"],
        "phone": values["phone"],
        "address": values["address"],
        "date_of_birth": values["date_of_birth"],
        "home_unit_id": person.home_unit_id,
        "home_agency_id": person.home_agency_id,
        "masked": plain is None,
        "roles": [role_dict(a) for a in current_roles(person)],
    }


def granted_permissions(user: Any) -> list[str]:
    """Return the permissions ``user`` holds somewhere, for display."""
    return sorted(perm.value for perm in Perm if permissions.can(user, perm))


class MaskedPeople:
    """People as masked API rows, sliced lazily so that ``@paginate`` queries one page only."""

    def __init__(self, people: QuerySet[User]) -> None:
        self.people = people

    def all(self) -> MaskedPeople:
        """Return self (ninja's paginator counts through ``.all().count()``)."""
        return self

    def count(self) -> int:
        """Return how many people there are in all."""
        return self.people.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return [person_dict(person) for person in self.people[page]]
