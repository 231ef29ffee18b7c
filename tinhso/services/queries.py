"""Reads of the services app shared by pages, the API and other modules."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from tinhso.services.choices import IN_HAND, PORTAL_CODES, ServiceClass, Status
from tinhso.services.models import Dossier, DossierEvent, Procedure


def current_procedures() -> QuerySet[Procedure]:
    """Procedures that apply today."""
    today = timezone.localdate()
    return Procedure.objects.filter(valid_from__lte=today).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    )


def online_procedure_count() -> int:
    """How many of today's procedures can be submitted online."""
    return current_procedures().exclude(service_class=ServiceClass.IN_PERSON).count()


def dossiers_in_hand_count() -> int:
    """How many received dossiers are still being handled."""
    return Dossier.objects.filter(status__in=IN_HAND).count()


@dataclass(frozen=True)
class StatusChange:
    """One event of a dossier as the public may see it: when, and which status it led to."""

    at: datetime.datetime
    from_status: str
    to_status: str
    portal_status: int

    @property
    def changed(self) -> bool:
        """Whether the event changed the status (a step within processing does not)."""
        return self.from_status != self.to_status


@dataclass(frozen=True)
class PublicStatus:
    """What anyone may learn of a dossier from its code: nothing about who applied or why."""

    code: str
    procedure: str
    status: str
    received_at: datetime.datetime | None
    due_date: datetime.date | None
    returned_at: datetime.datetime | None
    history: list[StatusChange]

    @property
    def status_label(self) -> str:
        """The status in the visitor's language."""
        return str(Status(self.status).label)

    @property
    def portal_status(self) -> int | None:
        """The National Public Service Portal's status code."""
        return PORTAL_CODES.get(self.status)


def tracking_tag(code: str) -> str:
    """The public page cache's tag for what the public sees of the dossier ``code``."""
    return f"services.dossier:{code}"


def public_status(code: str) -> PublicStatus | None:
    """The public status of the dossier ``code`` (None if no submitted dossier has it).

    Two queries: the dossier's public columns, then its events. Shared by the tracking page and
    the tracking API, the most requested reads of the portal.
    """
    row = (
        Dossier.objects.filter(code=code)
        .exclude(status=Status.DRAFT)
        .values("pk", "code", "status", "received_at", "due_date", "returned_at", "procedure__name")
        .first()
    )
    if row is None:
        return None
    events = (
        DossierEvent.objects.filter(dossier_id=row["pk"])
        .order_by("at", "id")
        .values_list("at", "from_status", "to_status", "portal_status")
    )
    return PublicStatus(
        code=str(row["code"]),
        procedure=row["procedure__name"],
        status=row["status"],
        received_at=row["received_at"],
        due_date=row["due_date"],
        returned_at=row["returned_at"],
        history=[StatusChange(*event) for event in events],
    )
