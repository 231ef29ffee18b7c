"""Checks on files attached to dossiers: type by content, size, and a virus-scan hook.

The file's first bytes decide its type (``filetype``), never its name: an executable renamed
``scan.pdf`` is refused. Only documents and images a one-stop desk can read are accepted. The
scan hook is ``tinhso.core.filescan``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from tinhso.core.filescan import EXECUTABLE_MAGIC, scan

# MIME type → extensions a file of that content may carry.
ACCEPTED: dict[str, frozenset[str]] = {
    "application/pdf": frozenset({".pdf"}),
    "image/jpeg": frozenset({".jpg", ".jpeg"}),
    "image/png": frozenset({".png"}),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": frozenset({".docx"}),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": frozenset({".xlsx"}),
}


@dataclass(frozen=True)
class CheckedFile:
    """What the checks learned of an accepted file."""

    name: str
    content_type: str
    size: int
    sha256: str


def _read(upload: UploadedFile) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def max_bytes() -> int:
    """The size limit of one file, from ``TINHSO_UPLOAD_MAX_MB``."""
    return int(settings.TINHSO_UPLOAD_MAX_MB) * 1024 * 1024


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Accept ``upload`` or raise ``ValidationError`` saying why, in the visitor's language.

    Refused: empty or too big files, executables whatever their name, content of a type not
    accepted, content that does not match the file's extension, and infected files.
    """
    name = PurePath(upload.name or "tep").name
    size = upload.size or 0
    limit = max_bytes()
    if size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": name}, code="empty")
    if size > limit:
        raise ValidationError(
            _("Tệp “%(name)s” nặng %(size)s MB, vượt giới hạn %(limit)s MB.")
            % {"name": name, "size": f"{size / 1048576:.1f}", "limit": limit // 1048576},
            code="too_big",
        )
    data = _read(upload)
    if data.startswith(EXECUTABLE_MAGIC):
        raise ValidationError(
            _("Tệp “%(name)s” là chương trình chạy được, không phải tài liệu; không được nộp.")
            % {"name": name},
            code="executable",
        )
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind is not None else ""
    if mime not in ACCEPTED:
        raise ValidationError(
            _(
                "Tệp “%(name)s” không phải PDF, ảnh JPEG/PNG, Word (.docx) hay Excel (.xlsx) "
                "theo nội dung của nó."
            )
            % {"name": name},
            code="type",
        )
    suffix = PurePath(name).suffix.lower()
    if suffix not in ACCEPTED[mime]:
        raise ValidationError(
            _("Tệp “%(name)s” có nội dung %(kind)s nhưng phần mở rộng là “%(suffix)s”.")
            % {"name": name, "kind": kind.extension.upper() if kind else "?", "suffix": suffix},
            code="renamed",
        )
    refused = scan(data)
    if refused:
        raise ValidationError(f"{name}: {refused}", code="virus")
    return CheckedFile(
        name=name, content_type=mime, size=size, sha256=hashlib.sha256(data).hexdigest()
    )
