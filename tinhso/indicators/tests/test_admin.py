"""The reporting app's admin lists its records and changes none of them."""

from __future__ import annotations

import pytest
from django.test import Client

from tinhso.accounts.tests.factories import UserFactory
from tinhso.indicators import actions
from tinhso.indicators.tests.report_setup import NOV, Setup

MODELS = [
    "dataelement",
    "indicator",
    "target",
    "reportingregime",
    "expectedreporter",
    "submission",
    "valuechange",
]


@pytest.mark.parametrize("model", MODELS)
def test_the_admin_lists_records_read_only(setup: Setup, model: str) -> None:
    actions.open_period(setup.regime, NOV, actor=None)
    client = Client()
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    listing = client.get(f"/admin/indicators/{model}/")
    assert listing.status_code == 200
    assert client.get(f"/admin/indicators/{model}/add/").status_code == 403
