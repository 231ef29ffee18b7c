"""Fixtures of the accounts tests: a test province."""

from __future__ import annotations

import pytest

from tinhso.accounts.tests.factories import World, build_world


@pytest.fixture
def world(db: None) -> World:
    """The test province of ``factories.build_world``."""
    return build_world()
