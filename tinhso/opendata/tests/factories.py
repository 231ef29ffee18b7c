"""Test data for the open data portal, on top of the accounts test province (``build_world``).

``build_opendata()`` adds the licences and themes of ``data/``, two publishing organisations —
``so`` (Sở KH&CN: ``data_officer_so`` drafts, ``leader_so`` approves) and ``phuong`` (UBND
phường Bắc Giang: ``officer_a`` drafts, ``leader_a`` approves) — and no datasets; tests make
their own with :func:`make_dataset`, which goes through the actions like real code does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tinhso.accounts.tests.factories import World, build_world
from tinhso.opendata import actions
from tinhso.opendata.forms import DatasetForm
from tinhso.opendata.models import Dataset, Organization, Resource


@dataclass
class OpenDataWorld:
    """The accounts test province with its two publishing organisations."""

    world: World
    so: Organization
    phuong: Organization

    def __getitem__(self, name: str) -> Any:
        return self.world[name]


def build_opendata() -> OpenDataWorld:
    """Create the licences, themes and the two organisations described above."""
    world = build_world()
    actions.load_licenses()
    actions.load_themes()
    so = actions.ensure_organization(world.so_khcn, name="so-khcn")
    phuong = actions.ensure_organization(world.ubnd_bac_giang, name="ubnd-phuong-bac-giang")
    return OpenDataWorld(world=world, so=so, phuong=phuong)


def dataset_data(organization: Organization, title: str, **fields: Any) -> dict[str, Any]:
    """Form data for a dataset of ``organization`` titled ``title``."""
    data: dict[str, Any] = {
        "title": title,
        "organization": organization.name,
        "license": "cc-by",
        "notes": "",
        "tags": [],
        "themes": [],
        "extras": "{}",
    }
    data.update(fields)
    return data


def make_dataset(
    organization: Organization,
    title: str,
    *,
    actor: Any = None,
    state: str | None = "active",
    **fields: Any,
) -> Dataset:
    """Create a dataset through the form and the action (published by default)."""
    form = DatasetForm(data=dataset_data(organization, title, **fields))
    assert form.is_valid(), form.errors
    return actions.create_dataset(form.cleaned_data, actor=actor, state=state)


def add_link(dataset: Dataset, name: str = "Tệp CSV", fmt: str = "CSV") -> Resource:
    """Add a link resource to ``dataset`` as the system."""
    return actions.create_resource(
        dataset,
        {"name": name, "format": fmt, "url": f"https://example.org/{dataset.name}.{fmt.lower()}"},
        actor=None,
    )
