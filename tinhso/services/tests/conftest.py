"""Fixtures of the services tests."""

from __future__ import annotations

import pytest

from tinhso.services.tests.factories import ServicesWorld, build_services


@pytest.fixture
def sw(db: None) -> ServicesWorld:
    """The services test world (see ``factories.build_services``)."""
    return build_services()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded files go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
