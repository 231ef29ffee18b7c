"""Fixtures of the accounts tests: a fast password hasher, the API at /api/v1, a test province."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from tinhso.accounts.api import people_router
from tinhso.accounts.tests.factories import World, build_world


@pytest.fixture(autouse=True)
def _fast_passwords(settings: SettingsWrapper) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _people_api(settings: SettingsWrapper) -> None:
    from tinhso.api import api

    if not any(router is people_router for _, router in api._routers):
        settings.ROOT_URLCONF = "tinhso.accounts.tests.urls"


@pytest.fixture
def world(db: None) -> World:
    """The test province of ``factories.build_world``."""
    return build_world()
