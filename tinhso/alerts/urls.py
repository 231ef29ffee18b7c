"""Pages of the alerts app."""

from django.urls import URLPattern

app_name = "alerts"

urlpatterns: list[URLPattern] = []
