"""Pages of the core app: the home page."""

from django.urls import path

from tinhso.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
]
