"""Reads of the services app shared by pages, the API and other modules."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from tinhso.services.choices import IN_HAND, ServiceClass
from tinhso.services.models import Dossier, Procedure


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
