"""Background work of the open data portal, run by ``tinhso worker`` (django-tasks)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def load_datastore(resource_id: str) -> None:
    """Parse a tabular resource into the datastore, reporting progress and rejected rows."""
    from tinhso.opendata.datastore import loader

    loader.load_resource(resource_id)


def enqueue_datastore_load(resource_id: Any) -> None:
    """Queue :func:`load_datastore` (called after the resource's transaction commits)."""
    load_datastore.enqueue(str(resource_id))


@task()
def harvest_source(source_id: int) -> None:
    """Harvest one source now (``tinhso harvest --due`` on a timer runs the due ones)."""
    from tinhso.opendata.harvest import run
    from tinhso.opendata.models import HarvestSource

    run.run_source(HarvestSource.objects.get(pk=source_id))
