"""Pages served by the core app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tinhso.core import registry
from tinhso.core.modules import STATUS_LABELS, SYSTEMS


def home(request: HttpRequest) -> HttpResponse:
    """The province at a glance: headline figures from every module and the resolution's systems."""
    tiles = [(tile, tile.value()) for tile in registry.tiles()]
    systems = [(entry, STATUS_LABELS[entry.status]) for entry in SYSTEMS]
    return render(
        request,
        "core/home.html",
        {"tiles": tiles, "systems": systems, "today": timezone.localdate()},
    )
