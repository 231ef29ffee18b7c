"""``tinhso verify-audit``: recompute the audit ledger and report any tampering."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from tinhso.core.ledger.verify import Report, verify_ledger, work_estimate


class Command(BaseCommand):
    """Check every audit entry against the Merkle tree and the signed tree head."""

    help = (
        "Recompute every audit entry's leaf hash, the Merkle root and the inner nodes, compare "
        "them with the stored hashes and the latest signed checkpoint, and check its Ed25519 "
        "signature. Exits 0 when the ledger is intact, 1 with a report of the first bad leaf "
        "index when an entry was edited, deleted or reordered."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=10_000,
            help="Rows read per query (default 10000).",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="Do not draw a progress bar (it is drawn only on a terminal anyway).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1")
        with tqdm(
            total=work_estimate(),
            unit="row",
            desc="verify-audit",
            disable=True if options["no_progress"] else None,
            file=sys.stderr,
        ) as bar:
            report = verify_ledger(chunk_size=options["chunk_size"], progress=bar.update)
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Nhật ký kiểm toán toàn vẹn (audit ledger intact): {report.size} lá "
                    f"(leaves), gốc (root) {report.computed_root.hex()}, chữ ký hợp lệ "
                    "(signature valid)."
                )
            )
            return
        raise CommandError(self._describe(report), returncode=1)

    @staticmethod
    def _describe(report: Report) -> str:
        lines = [
            f"PHÁT HIỆN GIẢ MẠO (TAMPERING DETECTED): {report.finding_count} vấn đề (findings) "
            f"trong nhật ký {report.size} lá (leaves)."
        ]
        if report.first_bad_index is not None:
            lines.append(f"Chỉ mục lá hỏng đầu tiên (first bad index): {report.first_bad_index}")
        for finding in report.findings:
            where = "-" if finding.index is None else str(finding.index)
            lines.append(f"  [{where}] {finding.message}")
        if report.finding_count > len(report.findings):
            lines.append(f"  … (+{report.finding_count - len(report.findings)})")
        lines.append(
            f"Gốc đã ký (signed root) {report.signed_root.hex()}; "
            f"gốc tính lại (recomputed) {report.computed_root.hex()}"
        )
        return "\n".join(lines)
