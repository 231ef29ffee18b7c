"""URLconf for the accounts tests while ``tinhso/api.py`` does not mount ``people_router`` yet.

It serves the project's pages plus an API at ``/api/v1/`` with the same problem+json handlers
and the accounts routers, so the tests exercise the real endpoints. ``conftest.py`` uses it only
when the project API lacks ``/people``.
"""

from django.urls import path
from ninja import NinjaAPI

from tinhso.accounts.api import people_router, router
from tinhso.api import api as project_api
from tinhso.urls import urlpatterns as project_urlpatterns

api = NinjaAPI(title="tinhso API (accounts tests)", urls_namespace="accounts-tests-api")
api._exception_handlers.update(project_api._exception_handlers)
api.add_router("/auth", router)
api.add_router("/people", people_router)

urlpatterns = [path("api/v1/", api.urls), *project_urlpatterns]
