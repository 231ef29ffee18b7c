"""Pages of the environment app, under ``/moi-truong/``: the public board and station pages,
and the staff pages under ``quan-ly/``."""

from django.urls import URLPattern, path

from tinhso.environment import staff_views, views

app_name = "environment"

urlpatterns: list[URLPattern] = [
    path("", views.board, name="board"),
    path("tram/<slug:code>/", views.station_page, name="station"),
    path("quan-ly/", staff_views.station_list, name="staff-stations"),
    path("quan-ly/tram/<slug:code>/", staff_views.station_detail, name="staff-station"),
    path("quan-ly/tram/<slug:code>/ma/", staff_views.token_create, name="token-create"),
    path("quan-ly/ma/<int:pk>/thu-hoi/", staff_views.token_revoke, name="token-revoke"),
    path("quan-ly/cach-ly/", staff_views.quarantine, name="quarantine"),
    path("quan-ly/cach-ly/csv/", staff_views.quarantine_csv, name="quarantine-csv"),
    path("quan-ly/tai-tep/", staff_views.upload, name="upload"),
]
