"""The admin shows the catalogue read-only: writes go through the actions."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tinhso.accounts.models import User
from tinhso.opendata.tests.factories import OpenDataWorld, add_link, make_dataset


def test_admin_lists_datasets_but_offers_no_writes(client: Client, od: OpenDataWorld) -> None:
    dataset = make_dataset(od.so, "Ngân sách địa phương năm 2024")
    add_link(dataset)
    client.force_login(User.objects.create_superuser("quantri", "qt@example.vn", "x"))
    listing = client.get(reverse("admin:opendata_dataset_changelist"))
    assert listing.status_code == 200
    assert "Ngân sách địa phương năm 2024" in listing.content.decode()
    detail = client.get(reverse("admin:opendata_dataset_change", args=[dataset.pk]))
    assert detail.status_code == 200
    assert client.get(reverse("admin:opendata_dataset_add")).status_code == 403
