"""Pages of the ioc app, under /dieu-hanh/."""

from django.urls import URLPattern, path

from tinhso.ioc import views

app_name = "ioc"

urlpatterns: list[URLPattern] = [
    path("", views.screen, name="screen"),
    path("ban-do/", views.map_partial, name="map"),
    path("canh-bao/", views.alerts_partial, name="alerts"),
    path("chi-so/", views.kpis_partial, name="kpis"),
    path("xu-huong/", views.trends_partial, name="trends"),
]
