"""The admin: reference data (limit sets with their limits, parameters, stations) is editable and
audited; tokens, quarantined readings and exceedances are read-only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tinhso.accounts.models import User
from tinhso.core.models import AuditEntry
from tinhso.environment.models import Limit, QuarantinedReading, StationToken
from tinhso.environment.tests.factories import EnvironmentWorld, build_environment

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("quantri", "qt@example.vn", "x"))
    return client


def test_a_limit_edited_in_the_admin_is_saved_and_audited(admin_client: Client) -> None:
    env: EnvironmentWorld = build_environment()
    limit_set = env.qcvn40_b
    url = reverse("admin:environment_limitset_change", args=[limit_set.pk])
    assert admin_client.get(url).status_code == 200
    limits = list(Limit.objects.filter(limit_set=limit_set).order_by("pk"))
    data = {
        "code": limit_set.code,
        "name": limit_set.name,
        "medium": limit_set.medium,
        "column": limit_set.column,
        "version": limit_set.version,
        "limits-TOTAL_FORMS": str(len(limits)),
        "limits-INITIAL_FORMS": str(len(limits)),
        "limits-MIN_NUM_FORMS": "0",
        "limits-MAX_NUM_FORMS": "1000",
    }
    for n, limit in enumerate(limits):
        is_cod = limit.parameter.code == "COD"
        data |= {
            f"limits-{n}-id": str(limit.pk),
            f"limits-{n}-limit_set": str(limit_set.pk),
            f"limits-{n}-parameter": str(limit.parameter_id),
            f"limits-{n}-averaging": limit.averaging,
            f"limits-{n}-min_value": "" if limit.min_value is None else str(limit.min_value),
            f"limits-{n}-max_value": "120" if is_cod else str(limit.max_value),
            f"limits-{n}-verified": "on" if is_cod else "",
        }
        if limit.apply_k:
            data[f"limits-{n}-apply_k"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    cod = Limit.objects.get(limit_set=limit_set, parameter__code="COD")
    assert (cod.max_value, cod.verified) == (120, True)
    entry = AuditEntry.objects.get(action="environment.limit.save")
    assert entry.object_id == str(cod.pk)


def test_tokens_and_quarantine_are_read_only(admin_client: Client) -> None:
    env = build_environment()
    QuarantinedReading.objects.create(
        station=env.air, source=1, reason="bad_value", detail="x", raw="PM2.5 abc"
    )
    token = StationToken.objects.get()
    page = admin_client.get(reverse("admin:environment_stationtoken_change", args=[token.pk]))
    assert page.status_code == 200 and token.token_hash in page.content.decode()
    assert admin_client.get(reverse("admin:environment_stationtoken_add")).status_code == 403
    listing = admin_client.get(reverse("admin:environment_quarantinedreading_changelist"))
    assert listing.status_code == 200 and "bg-kk-01" in listing.content.decode()
    assert admin_client.get(reverse("admin:environment_quarantinedreading_add")).status_code == 403
    assert admin_client.get(reverse("admin:environment_exceedance_add")).status_code == 403
    for name in ("parameter", "station", "limitset"):
        assert admin_client.get(reverse(f"admin:environment_{name}_changelist")).status_code == 200
