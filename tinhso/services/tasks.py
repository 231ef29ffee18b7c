"""Background work of the services app, run by ``tinhso worker`` (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from tinhso.services import notify


@task()
def announce_event(event_id: int) -> None:
    """Tell the applicant and the registered webhooks about one status change."""
    notify.announce(event_id)


def enqueue_announcement(event_id: int) -> None:
    """Queue :func:`announce_event` (called after the transition's transaction commits)."""
    announce_event.enqueue(event_id)
