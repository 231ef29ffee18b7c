"""URLconf for the accounts tests while the project API does not mount ``people_router`` yet.

It serves an API at ``/api/v1/`` with the project's problem+json handlers and the accounts
routers, then everything else from the project's URLconf, so the tests exercise the real
endpoints. ``conftest.py`` uses it only when ``/api/v1/people`` does not resolve in the project.
The project API is looked up by name because this shim sits above the layers it tests.
"""

from importlib import import_module

from django.urls import include, path
from ninja import NinjaAPI

from tinhso.accounts.api import people_router, router

PROJECT_URLCONF = "tinhso.urls"
project_api = import_module("tinhso.api").api

api = NinjaAPI(title="tinhso API (accounts tests)", urls_namespace="accounts-tests-api")
api._exception_handlers.update(project_api._exception_handlers)
api.add_router("/auth", router)
api.add_router("/people", people_router)

urlpatterns = [path("api/v1/", api.urls), path("", include(PROJECT_URLCONF))]
