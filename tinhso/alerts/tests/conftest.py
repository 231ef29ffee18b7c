"""Fixtures of the alerts tests."""

from __future__ import annotations

from typing import Any

import pytest

from tinhso.accounts.tests.factories import World, build_world


@pytest.fixture
def world(db: None) -> World:
    """The accounts test province (``build_world``)."""
    return build_world()


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Run background tasks at once (notifications are delivered when the change commits)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
