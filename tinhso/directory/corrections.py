"""Known errors in the packaged unit lists, corrected on load.

Each entry names the package version it applies to and the source that contradicts it, so
that a correction is dropped (and its test fails loudly) once the package is fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

from tinhso.core.text import fold


@dataclass(frozen=True)
class CodeCorrection:
    """A unit the package lists under a code other than the official one."""

    package: str
    name: str
    package_code: str
    official_code: str
    source: str


@dataclass(frozen=True)
class NameCorrection:
    """A unit the package (or the data copied from it) spells differently from the law."""

    package: str
    code: str
    package_name: str
    official_name: str
    source: str


_CV_1027 = "CV 1027/CTK-CSCL (25/06/2025) Phụ lục I; NSO Bảng chuyển đổi ĐVHC mới – cũ"

CODE_CORRECTIONS: tuple[CodeCorrection, ...] = (
    CodeCorrection("vietnam-provinces 2025.10.1", "Phường Tam Sơn", "09376", "09370", _CV_1027),
    CodeCorrection("vietnam-provinces 2025.10.1", "Phường Phù Khê", "09373", "09379", _CV_1027),
    CodeCorrection("vietnam-provinces 2025.10.1", "Phường Đồng Nguyên", "09382", "09385", _CV_1027),
)

NAME_CORRECTIONS: tuple[NameCorrection, ...] = (
    NameCorrection(
        "vietnam-provinces 0.6.0",
        "07540",
        "Xã Xa Lý",
        "Xã Sa Lý",
        "NQ 1658/NQ-UBTVQH15 Đ1 k35; NSO Bảng chuyển đổi ĐVHC mới – cũ",
    ),
)


def corrected_code(code: str, name: str) -> tuple[str, CodeCorrection | None]:
    """Return the official code for a packaged (code, name), and the correction applied."""
    for correction in CODE_CORRECTIONS:
        if correction.package_code == code and fold(correction.name) == fold(name):
            return correction.official_code, correction
    return code, None


def corrected_name(code: str, name: str) -> tuple[str, NameCorrection | None]:
    """Return the official name for a packaged (code, name), and the correction applied."""
    for correction in NAME_CORRECTIONS:
        if correction.code == code and fold(correction.package_name) == fold(name):
            return correction.official_name, correction
    return name, None
