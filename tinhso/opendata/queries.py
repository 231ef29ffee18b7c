"""Reads of the open data portal shared by its pages and its API.

Who sees what: anyone sees published public datasets (``Dataset.objects.public()``); staff
with ``data.view`` over an organisation's agency also see its drafts, datasets awaiting
approval and private ones; ``data.change`` marks who works on them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from tinhso.accounts.permissions import Perm, can, scope_queryset
from tinhso.opendata.choices import DatasetState, TicketKind
from tinhso.opendata.models import Dataset, Organization, Resource, Theme, Ticket


def visible_datasets(user: Any) -> QuerySet[Dataset]:
    """Datasets ``user`` may read: public ones, plus any not deleted in their scope."""
    public = Dataset.objects.public()
    if not getattr(user, "is_authenticated", False):
        return public
    scoped = scope_queryset(
        user, Perm.DATA_VIEW, Dataset.objects.all(), agency_field="organization__agency"
    ).exclude(state=DatasetState.DELETED)
    return Dataset.objects.filter(pk__in=public.values("pk")) | Dataset.objects.filter(
        pk__in=scoped.values("pk")
    )


def staff_datasets(user: Any) -> QuerySet[Dataset]:
    """Datasets of the organisations ``user`` works on (``data.change``), deleted ones too."""
    return scope_queryset(
        user, Perm.DATA_CHANGE, Dataset.objects.all(), agency_field="organization__agency"
    )


def staff_organizations(user: Any) -> QuerySet[Organization]:
    """The organisations ``user`` may draft datasets for."""
    return scope_queryset(
        user, Perm.DATA_CHANGE, Organization.objects.select_related("agency"), agency_field="agency"
    )


def find_dataset(key: str) -> Dataset | None:
    """The dataset named ``key`` or with id ``key`` (CKAN links use either), any state."""
    datasets = Dataset.objects.select_related("organization__agency", "license", "spatial_unit")
    found = datasets.filter(name=key).first()
    if found is None:
        try:
            found = datasets.filter(pk=uuid.UUID(key)).first()
        except ValueError:
            return None
    return found


def may_read(user: Any, dataset: Dataset) -> bool:
    """Whether ``user`` may see ``dataset``: public, or in their ``data.view`` scope."""
    if dataset.is_public:
        return True
    return dataset.state != DatasetState.DELETED and can(user, Perm.DATA_VIEW, dataset)


def active_resources(dataset: Dataset) -> list[Resource]:
    """The dataset's resources in order, each with its datastore table (if any) joined."""
    return list(
        dataset.resources.filter(state="active").select_related("datastore").order_by("position")
    )


@dataclass(frozen=True)
class RatingSummary:
    """A dataset's average stars and how many people rated it."""

    average: float | None
    count: int


def rating_summary(dataset: Dataset) -> RatingSummary:
    """The average rating of ``dataset``."""
    row = dataset.ratings.aggregate(average=Avg("stars"), count=Count("pk"))
    average = row["average"]
    return RatingSummary(
        average=round(float(average), 1) if average is not None else None, count=row["count"]
    )


def datasets_in_order(ids: Sequence[uuid.UUID]) -> list[Dataset]:
    """The datasets with ``ids`` in that order, with what a result list shows, in two queries."""
    resources = Resource.objects.filter(state="active").only("dataset_id", "format", "position")
    rows = (
        Dataset.objects.filter(pk__in=list(ids))
        .select_related("organization", "license")
        .prefetch_related(Prefetch("resources", queryset=resources.order_by("position")))
    )
    by_id = {dataset.pk: dataset for dataset in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def organizations_with_counts() -> QuerySet[Organization]:
    """Organisations with the number of public datasets each publishes, most first."""
    return Organization.objects.annotate(
        dataset_count=Count(
            "datasets",
            filter=_public_filter("datasets__"),
        )
    ).order_by("-dataset_count", "title")


def _public_filter(prefix: str) -> Q:
    return Q(**{f"{prefix}state": DatasetState.ACTIVE, f"{prefix}private": False})


def themes_with_counts() -> QuerySet[Theme]:
    """Themes with the number of public datasets under each, by title."""
    return Theme.objects.annotate(
        dataset_count=Count("datasets", filter=_public_filter("datasets__"))
    ).order_by("title")


def public_requests() -> QuerySet[Ticket]:
    """Citizens' requests for datasets, newest first, for the public list (no personal data)."""
    return (
        Ticket.objects.filter(kind=TicketKind.REQUEST)
        .select_related("organization")
        .only(
            "pk",
            "title",
            "body",
            "status",
            "answer",
            "answered_at",
            "created",
            "organization__name",
            "organization__title",
        )
    )


def staff_tickets(user: Any) -> QuerySet[Ticket]:
    """Tickets addressed to the organisations ``user`` answers for (``data.change``)."""
    return scope_queryset(
        user,
        Perm.DATA_CHANGE,
        Ticket.objects.select_related("organization", "dataset", "requester"),
        agency_field="organization__agency",
    )
