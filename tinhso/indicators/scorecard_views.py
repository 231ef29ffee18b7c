"""Pages of the reporting app: scorecard."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
