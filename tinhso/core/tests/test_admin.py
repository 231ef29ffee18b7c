"""The audit ledger in the Django admin: readable, never editable."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tinhso.core.models import AuditEntry
from tinhso.core.tests.factories import write_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.gov.vn", "pw-12345")
    client.force_login(user)
    return client


def test_admin_lists_entries_in_a_fixed_number_of_queries(
    admin_client, django_assert_max_num_queries
):
    write_entries(3)
    admin_client.get("/admin/core/auditentry/")
    write_entries(20)
    with django_assert_max_num_queries(12):
        response = admin_client.get("/admin/core/auditentry/")
    assert response.status_code == 200
    assert response.content.count(b"test.group.") >= 20


def test_admin_cannot_add_change_or_delete_entries(admin_client):
    entry = write_entries(1)[0]
    assert admin_client.get("/admin/core/auditentry/add/").status_code == 403
    assert admin_client.post(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403
    admin_client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"action": "forged"})
    assert AuditEntry.objects.get(pk=entry.pk).action == entry.action
