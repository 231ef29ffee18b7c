"""Shared fixtures of the directory tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from tinhso.directory import loaders


@pytest.fixture(scope="module")
def bac_giang(django_db_setup: Any, django_db_blocker: Any) -> Iterator[loaders.LoadReport]:
    """The Bắc Giang transition (old hierarchy, new Bắc Ninh, links), loaded once per module.

    The load runs in a transaction that is rolled back when the module ends; each test runs in
    a savepoint inside it, so tests see the data and still cannot leak writes.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield loaders.apply(loaders.bac_giang_transition_plan(), source="tests")
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
