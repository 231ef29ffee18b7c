"""Placeholder: filled in by the helper who owns this module."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
