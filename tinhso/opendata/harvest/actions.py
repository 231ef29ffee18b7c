"""Writes of harvesting: sources and the record of each run (the datasets themselves are
written through ``tinhso.opendata.actions``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts.permissions import Perm, can
from tinhso.core.audit import record_write
from tinhso.opendata.choices import HarvestKind, HarvestStatus
from tinhso.opendata.models import Dataset, HarvestJob, HarvestSource, Organization

COUNTS = ("created", "updated", "unchanged", "deleted", "error")


def create_source(
    *,
    title: str,
    url: str,
    kind: HarvestKind | str,
    organization: Organization,
    actor: Any,
    config: Mapping[str, Any] | None = None,
    every_hours: int = 24,
) -> HarvestSource:
    """Register a portal to harvest into ``organization``.

    Harvested datasets are published at once, so the actor needs ``data.approve`` on the
    organisation's agency (``actor=None`` is the system).
    """
    if actor is not None and not can(actor, Perm.DATA_APPROVE, organization.agency):
        raise PermissionDenied(
            _("Chỉ lãnh đạo %(org)s được thêm nguồn thu thập.") % {"org": organization}
        )
    with transaction.atomic():
        source = HarvestSource.objects.create(
            title=title,
            url=url,
            kind=kind,
            organization=organization,
            config=dict(config or {}),
            every_hours=every_hours,
        )
        record_write(actor=actor, action="opendata.harvest_source.create", target=source)
    return source


def update_source_config(
    source: HarvestSource, config: Mapping[str, Any], *, actor: Any
) -> HarvestSource:
    """Replace a source's configuration (filters, API key, ``force_all``)."""
    if actor is not None and not can(actor, Perm.DATA_APPROVE, source.organization.agency):
        raise PermissionDenied(
            _("Chỉ lãnh đạo %(org)s được sửa nguồn thu thập.") % {"org": source.organization}
        )
    with transaction.atomic():
        before = source.config
        source.config = dict(config)
        source.save(update_fields=["config"])
        record_write(
            actor=actor,
            action="opendata.harvest_source.update",
            target=source,
            changes={"config": [_masked(before), _masked(source.config)]},
        )
    return source


def _masked(config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` without the API key's value, for the audit ledger."""
    return {key: "***" if key == "api_key" else value for key, value in config.items()}


def start_job(source: HarvestSource, *, actor: Any = None) -> HarvestJob:
    """Record that a run of ``source`` has begun."""
    with transaction.atomic():
        job = HarvestJob.objects.create(source=source, status=HarvestStatus.RUNNING)
        record_write(actor=actor, action="opendata.harvest.start", target=job)
    return job


def finish_job(
    job: HarvestJob,
    *,
    status: HarvestStatus,
    counts: Mapping[str, int],
    report: list[dict[str, Any]],
    actor: Any = None,
) -> HarvestJob:
    """Record how a run ended: its status, counts per outcome and the report's entries."""
    with transaction.atomic():
        job.status = status
        job.finished = timezone.now()
        for outcome in COUNTS:
            setattr(job, f"{outcome}_count", int(counts.get(outcome, 0)))
        job.report = report
        job.save()
        record_write(
            actor=actor,
            action="opendata.harvest.finish",
            target=job,
            changes={
                "status": [HarvestStatus.RUNNING.value, str(status)],
                "counts": [None, dict(counts)],
            },
        )
    return job


def link_dataset(dataset: Dataset, source: HarvestSource, guid: str) -> None:
    """Mark ``dataset`` as the local copy of ``guid`` at ``source`` (inside the caller's
    transaction, right after the dataset is created)."""
    Dataset.objects.filter(pk=dataset.pk).update(harvest_source=source, harvest_guid=guid)
    dataset.harvest_source, dataset.harvest_guid = source, guid
    record_write(
        actor=None,
        action="opendata.harvest.link",
        target=dataset,
        changes={"harvest_source": [None, source.pk], "harvest_guid": ["", guid]},
    )
