"""Background work of the environment app, run by ``tinhso worker`` (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from tinhso.environment import compute


@task()
def recompute_stale() -> int:
    """Recompute every hour marked stale by big batches (late data included)."""
    done = total = compute.recompute_stale()
    while done:
        done = compute.recompute_stale()
        total += done
    return total
