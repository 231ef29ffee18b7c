"""The failures the CKAN Action API reports, raised by any part of the portal that serves it.

Each carries what CKAN's envelope needs (``__type``, HTTP status); ``tinhso.opendata.ckan``
turns them into ``{"success": false, "error": {...}}`` responses.
"""

from __future__ import annotations

from typing import Any


class CkanError(Exception):
    """A failure with CKAN's error type and HTTP status."""

    type_name = "Internal Server Error"
    status = 500

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    def error(self) -> dict[str, Any]:
        """The ``error`` object of CKAN's envelope."""
        return {"__type": self.type_name, "message": self.message}


class NotFound(CkanError):
    """Nothing by that id or name, or nothing the caller may know exists."""

    type_name = "Not Found Error"
    status = 404

    def __init__(self, detail: str = "") -> None:
        super().__init__(f"Not found: {detail}" if detail else "Not found")


class NotAuthorized(CkanError):
    """The caller may not do this."""

    type_name = "Authorization Error"
    status = 403

    def __init__(self, detail: str = "") -> None:
        super().__init__(f"Access denied: {detail}" if detail else "Access denied")


class ValidationFailed(CkanError):
    """Input that does not validate: ``errors`` maps each field to its messages."""

    type_name = "Validation Error"
    status = 409

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors

    def error(self) -> dict[str, Any]:
        return {**self.errors, "__type": self.type_name}


class SearchQueryError(CkanError):
    """A search whose parameters are not understood."""

    type_name = "Search Query Error"
    status = 400

    def __init__(self, detail: str) -> None:
        super().__init__(f"Search Query is invalid: {detail}")


class SearchError(CkanError):
    """A search that could not be carried out."""

    type_name = "Search Error"
    status = 409

    def __init__(self, detail: str) -> None:
        super().__init__(f"Search error: {detail}")
