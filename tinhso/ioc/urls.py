"""Pages of the ioc app."""

from django.urls import URLPattern

app_name = "ioc"

urlpatterns: list[URLPattern] = []
