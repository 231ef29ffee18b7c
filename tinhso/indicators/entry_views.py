"""Pages of the reporting app: entry."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
