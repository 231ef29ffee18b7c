"""Fixtures of the accounts tests: a fast password hasher, the API at /api/v1, a test province."""

from __future__ import annotations

import pytest
from django.urls import Resolver404, resolve
from pytest_django.fixtures import Settings as SettingsWrapper

from tinhso.accounts.tests.factories import World, build_world


@pytest.fixture(autouse=True)
def _fast_passwords(settings: SettingsWrapper) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def people_api_mounted() -> bool:
    """Whether the project's URLconf serves ``/api/v1/people`` (``tinhso/api.py`` mounts it)."""
    from django.conf import settings

    try:
        resolve("/api/v1/people", urlconf=settings.ROOT_URLCONF)
    except Resolver404:
        return False
    return True


@pytest.fixture(autouse=True)
def _people_api(settings: SettingsWrapper, people_api_mounted: bool) -> None:
    if not people_api_mounted:
        settings.ROOT_URLCONF = "tinhso.accounts.tests.urls"


@pytest.fixture
def world(db: None) -> World:
    """The test province of ``factories.build_world``."""
    return build_world()
