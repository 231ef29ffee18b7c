"""Addresses of the portal's pages: CKAN's public shapes for citizens (so links from
harvesters and DCAT catalogues land on the right page), ``/du-lieu-mo/`` for the rest."""

from __future__ import annotations

from django.urls import URLPattern, path

from tinhso.opendata import page_tickets, page_views, staff_views

STAFF = "du-lieu-mo/quan-ly/"

urlpatterns: list[URLPattern] = [
    path("dataset/", page_views.dataset_search, name="search"),
    path("dataset/<slug:key>", page_views.dataset_page, name="dataset"),
    path("dataset/<slug:key>/", page_views.dataset_page),
    path("dataset/<slug:key>/xem", page_views.dataset_seen, name="dataset-seen"),
    path("dataset/<slug:key>/bao-loi", page_tickets.report_problem, name="report-problem"),
    path("dataset/<slug:key>/danh-gia", page_tickets.rate, name="rate"),
    path(
        "dataset/<slug:key>/resource/<uuid:resource_id>",
        page_views.resource_page,
        name="resource",
    ),
    path(
        "dataset/<slug:key>/resource/<uuid:resource_id>/download",
        page_views.resource_download,
        name="download",
    ),
    # CKAN's own download address ends with the file name.
    path(
        "dataset/<slug:key>/resource/<uuid:resource_id>/download/<str:filename>",
        page_views.resource_download,
        name="download-named",
    ),
    path(
        "dataset/<slug:key>/resource/<uuid:resource_id>/tien-do",
        page_views.datastore_progress,
        name="datastore-progress",
    ),
    path("organization/", page_views.organization_list, name="organizations"),
    path("organization/<slug:key>", page_views.organization_page, name="organization"),
    path("group/", page_views.theme_list, name="themes"),
    path("group/<slug:key>", page_views.theme_page, name="theme"),
    path("du-lieu-mo/tim-kiem.csv", page_views.search_export, name="search-export"),
    path("du-lieu-mo/de-nghi/", page_tickets.request_list, name="requests"),
    path("du-lieu-mo/de-nghi/moi/", page_tickets.request_dataset, name="request-dataset"),
    path("du-lieu-mo/phan-anh/<str:token>/", page_tickets.ticket_page, name="ticket"),
    path("du-lieu-mo/phan-anh-cua-toi/", page_tickets.my_tickets, name="my-tickets"),
    path(STAFF, staff_views.dataset_list, name="staff-datasets"),
    path(f"{STAFF}tao-moi/", staff_views.dataset_create, name="staff-create"),
    path(f"{STAFF}phan-anh/", staff_views.ticket_inbox, name="staff-tickets"),
    path(f"{STAFF}phan-anh/<int:pk>/", staff_views.ticket_detail, name="staff-ticket"),
    path(f"{STAFF}bo-du-lieu/<slug:key>/", staff_views.dataset_detail, name="staff-dataset"),
    path(f"{STAFF}bo-du-lieu/<slug:key>/sua/", staff_views.dataset_edit, name="staff-edit"),
    path(
        f"{STAFF}bo-du-lieu/<slug:key>/tep-moi/", staff_views.resource_create, name="staff-resource"
    ),
    path(
        f"{STAFF}bo-du-lieu/<slug:key>/tep/<uuid:resource_id>/kieu-cot/",
        staff_views.column_types,
        name="staff-columns",
    ),
    path(
        f"{STAFF}bo-du-lieu/<slug:key>/tep/<uuid:resource_id>/go/",
        staff_views.resource_delete,
        name="staff-resource-delete",
    ),
    path(
        f"{STAFF}bo-du-lieu/<slug:key>/<str:verb>/",
        staff_views.dataset_transition,
        name="staff-transition",
    ),
]
