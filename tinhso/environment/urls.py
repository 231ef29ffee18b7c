"""Pages of the environment app."""

from django.urls import URLPattern

app_name = "environment"

urlpatterns: list[URLPattern] = []
