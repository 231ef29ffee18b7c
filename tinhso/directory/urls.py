"""Pages of the directory app, under /units/."""

from django.urls import path, register_converter

from tinhso.directory import views


class UnitCodeConverter:
    """A unit code: 2, 3 or 5 ASCII digits, zero-padded (so /units/agencies/ is not a code).

    ``[0-9]``, not ``\\d``: in a str pattern ``\\d`` also matches other Unicode digits (``٢٤``).
    """

    regex = r"[0-9]{2}|[0-9]{3}|[0-9]{5}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UnitCodeConverter, "unitcode")

app_name = "directory"
urlpatterns = [
    path("", views.explorer, name="explorer"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency"),
    path("<unitcode:code>/", views.unit_detail, name="unit"),
    path("<unitcode:code>/node/", views.tree_node, name="tree_node"),
]
