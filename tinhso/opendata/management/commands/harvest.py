"""``tinhso harvest``: run harvest sources now (one, or those that are due)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tinhso.opendata.harvest import run
from tinhso.opendata.models import HarvestSource


class Command(BaseCommand):
    help = (
        "Thu thập dữ liệu từ các nguồn: --source ID chạy một nguồn, --due chạy các nguồn "
        "đến hạn (lần chạy trước cách đây ít nhất every_hours giờ)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", type=int, action="append", help="mã nguồn (lặp được)")
        parser.add_argument("--due", action="store_true", help="các nguồn đến hạn")
        parser.add_argument(
            "--force-all",
            action="store_true",
            help="đọc toàn bộ nguồn CKAN (và gỡ bộ dữ liệu không còn ở nguồn)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["source"] and not options["due"]:
            raise CommandError("Hãy chọn --source ID hoặc --due.")
        sources: list[HarvestSource] = []
        for source_id in options["source"] or []:
            try:
                sources.append(HarvestSource.objects.get(pk=source_id))
            except HarvestSource.DoesNotExist:
                raise CommandError(f"Không có nguồn thu thập {source_id}.") from None
        if options["due"]:
            sources += [source for source in run.due_sources() if source not in sources]
        failed = 0
        for source in sources:
            job = run.run_source(source, force_all=options["force_all"])
            failed += job.status == "failed"
            self.stdout.write(
                f"{source.pk} {source.title}: {job.get_status_display()} — "
                f"tạo {job.created_count}, cập nhật {job.updated_count}, "
                f"không đổi {job.unchanged_count}, gỡ {job.deleted_count}, lỗi {job.error_count}"
            )
        if failed:
            raise CommandError(f"{failed} nguồn thu thập thất bại.")
