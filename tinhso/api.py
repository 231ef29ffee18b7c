"""The single django-ninja API at /api/v1: one Router per app, errors as problem+json (RFC 9457)."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from tinhso.accounts.api import people_router
from tinhso.accounts.api import router as accounts_router
from tinhso.alerts.api import router as alerts_router
from tinhso.core.api import router as ledger_router
from tinhso.directory.api import router as directory_router
from tinhso.environment.api import router as environment_router
from tinhso.environment.api_aqi import router as environment_aqi_router
from tinhso.indicators.api import router as indicators_router
from tinhso.indicators.api_exchange import router as indicators_exchange_router
from tinhso.indicators.api_reports import router as indicators_reports_router
from tinhso.services.api import router as services_router

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

PROBLEM_SCHEMA = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details; 'errors' lists field errors on 422.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {},
    },
    "required": ["type", "title", "status"],
}
ERROR_RESPONSES = {
    400: "Yêu cầu sai (bad request)",
    401: "Chưa xác thực (not authenticated)",
    403: "Không có quyền (forbidden)",
    404: "Không tìm thấy (not found)",
    405: "Sai phương thức (method not allowed)",
    422: "Dữ liệu không hợp lệ (validation failed)",
    429: "Quá nhiều lần thử (too many attempts)",
}


class TinhsoAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document states the problem+json errors every operation may give."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        problem_ref = {"$ref": "#/components/schemas/Problem"}
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, description in ERROR_RESPONSES.items():
                    operation["responses"].setdefault(
                        status,
                        {
                            "description": description,
                            "content": {PROBLEM_JSON: {"schema": problem_ref}},
                        },
                    )
        return schema


api = TinhsoAPI(
    title="tinhso API",
    version="1",
    description="API của nền tảng tỉnh số (tinhso). Lỗi trả về dạng application/problem+json.",
    urls_namespace="api",
    docs_url="/docs",
)


def problem(status: int, title: str, detail: str = "", **extra: Any) -> HttpResponse:
    """Return an RFC 9457 problem document."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str), status=status, content_type=PROBLEM_JSON
    )


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Answer any unknown /api/ path (or a malformed id in a known one) with a problem document."""
    return problem(404, _("Không tìm thấy"), _("Không có tài nguyên API ở địa chỉ này."))


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return problem(
        422,
        _("Dữ liệu không hợp lệ"),
        _("Yêu cầu có trường sai hoặc thiếu; xem 'errors'."),
        errors=exc.errors,
    )


@api.exception_handler(DjangoValidationError)
def _django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return problem(422, _("Dữ liệu không hợp lệ"), "; ".join(exc.messages), errors=errors)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(401, _("Chưa xác thực"), _("Cần đăng nhập hoặc token hợp lệ."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(403, _("Không có quyền"), str(exc) or _("Bạn không có quyền với dữ liệu này."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(404, _("Không tìm thấy"), str(exc))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(exc.status_code, str(exc.message))


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled API error", exc_info=exc)
    return problem(500, _("Lỗi máy chủ"), _("Đã ghi nhận lỗi; vui lòng thử lại sau."))


api.add_router("/auth", accounts_router)
api.add_router("/people", people_router)
api.add_router("/ledger", ledger_router)
api.add_router("/directory", directory_router)
api.add_router("/indicators", indicators_router)
api.add_router("/indicators", indicators_exchange_router)
api.add_router("/indicators", indicators_reports_router)
api.add_router("/services", services_router)
api.add_router("/environment", environment_router)
api.add_router("/environment", environment_aqi_router)
api.add_router("/alerts", alerts_router)
