from __future__ import annotations

import pytest

from tinhso.opendata.tests.factories import OpenDataWorld, build_opendata


@pytest.fixture
def od(db: None) -> OpenDataWorld:
    """The open data test world (see ``factories``)."""
    return build_opendata()
