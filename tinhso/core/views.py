"""Pages served by the core app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The province at a glance."""
    return render(request, "core/home.html", {})
