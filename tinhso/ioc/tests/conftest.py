"""Fixtures of the operations centre's tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tinhso.ioc.tests.factories import IocWorld, build_ioc


@pytest.fixture
def ioc(db: Any) -> IocWorld:
    return build_ioc()


@pytest.fixture
def operator_client(client: Client, ioc: IocWorld) -> Client:
    client.force_login(ioc.env.world["operator"])
    return client
