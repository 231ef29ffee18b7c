"""Background work of the alerts app, run by ``tinhso worker`` (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from tinhso.alerts import notify


@task()
def deliver_notifications(items: list[list[object]]) -> None:
    """Deliver the notifications of a batch of alert changes: ``[[alert_id, kind], ...]``."""
    for alert_id, kind in items:
        notify.notify(int(str(alert_id)), str(kind))


def enqueue_notifications(items: list[list[object]]) -> None:
    """Queue :func:`deliver_notifications` (called after the changes' transaction commits)."""
    deliver_notifications.enqueue(items)
