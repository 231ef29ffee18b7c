"""``tinhso ingest-tt10``: read Circular 10/2021 station files, once or from a watched folder.

``tinhso ingest-tt10 PATH...`` reads the files given (a folder means its ``*.txt``, in name
order) and stops. ``tinhso ingest-tt10 --watch DIR`` looks in ``DIR`` every ``--every``
seconds (default 5) for ``*.txt`` files left alone for ``--settle`` seconds (default 2, so that
a file still arriving by FTP is not read half-written), reads them in name order and moves each
into ``DIR/done/YYYY/MM/DD/`` (the date of the file name, Vietnam time) or, when no reading at
all could be taken from it, into ``DIR/rejected/``. Either way what it held is stored or
quarantined before it moves, and a moved file is never read again. SIGTERM or SIGINT stops the
watcher after the file in hand. One line is printed per file.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

from tinhso.environment.ingest import VIETNAM
from tinhso.environment.tt10 import FileReport, ingest_file, parse_name


def text_files(directory: Path) -> list[Path]:
    """The ``*.txt`` files directly in ``directory``, in name order."""
    return sorted(
        (p for p in directory.iterdir() if p.is_file() and p.suffix.casefold() == ".txt"),
        key=lambda p: p.name,
    )


def destination(directory: Path, report: FileReport) -> Path:
    """Where a processed file goes, without overwriting an earlier file of the same name."""
    if report.unreadable:
        folder = directory / "rejected"
    else:
        day = parse_name(report.name).timestamp.astimezone(VIETNAM)
        folder = directory / "done" / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / report.name
    stem, suffix = target.stem, target.suffix
    copies = 0
    while target.exists():
        copies += 1
        target = folder / f"{stem}-{copies}{suffix}"
    return target


class Command(BaseCommand):
    help = (
        "Nhập tệp số liệu quan trắc theo Thông tư 10/2021: các tệp hoặc thư mục chỉ ra, "
        "hoặc --watch THƯ_MỤC để theo dõi liên tục (tệp đã xử lý chuyển vào done/ hoặc rejected/)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", help="tệp .txt hoặc thư mục chứa tệp .txt")
        parser.add_argument("--watch", metavar="DIR", help="thư mục cần theo dõi")
        parser.add_argument(
            "--every", type=float, default=5.0, help="số giây giữa hai lần xem thư mục (5)"
        )
        parser.add_argument(
            "--settle",
            type=float,
            default=2.0,
            help="chỉ đọc tệp không thay đổi trong ngần ấy giây (2)",
        )
        parser.add_argument(
            "--once", action="store_true", help="xử lý các tệp đang có trong thư mục rồi dừng"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["watch"]) == bool(options["paths"]):
            raise CommandError(_("Hãy chỉ ra các tệp cần nhập, hoặc --watch THƯ_MỤC."))
        if options["paths"]:
            self.ingest_paths([Path(p) for p in options["paths"]])
            return
        directory = Path(options["watch"])
        if not directory.is_dir():
            raise CommandError(_("Không có thư mục %(dir)s.") % {"dir": directory})
        stop = threading.Event()
        previous = self.stop_on_signals(stop)
        try:
            count = self.watch(
                directory,
                stop,
                every=options["every"],
                settle=options["settle"],
                once=options["once"],
            )
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.stdout.write(
            _("Đã dừng theo dõi %(dir)s sau %(count)s tệp.") % {"dir": directory, "count": count}
        )

    def ingest_paths(self, paths: list[Path]) -> None:
        """Read the given files (and folders' files) without moving them."""
        unreadable = 0
        for path in self.expand(paths):
            report = ingest_file(path.name, path.read_bytes())
            self.stdout.write(report.summary())
            unreadable += report.unreadable
        if unreadable:
            raise CommandError(
                _("%(count)s tệp không đọc được số liệu nào; xem danh sách số liệu bị cách ly.")
                % {"count": unreadable}
            )

    @staticmethod
    def expand(paths: list[Path]) -> Iterator[Path]:
        for path in paths:
            if path.is_dir():
                yield from text_files(path)
            elif path.is_file():
                yield path
            else:
                raise CommandError(_("Không có tệp hay thư mục %(path)s.") % {"path": path})

    @staticmethod
    def stop_on_signals(stop: threading.Event) -> dict[int, Any]:
        """Set ``stop`` on SIGTERM and SIGINT; return the handlers to put back."""
        if threading.current_thread() is not threading.main_thread():
            return {}
        previous: dict[int, Any] = {}
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, lambda *_args: stop.set())
        return previous

    def watch(
        self, directory: Path, stop: threading.Event, *, every: float, settle: float, once: bool
    ) -> int:
        """Process the folder's files until ``stop`` is set (or after one pass when ``once``);
        return how many were processed."""
        count = 0
        while True:
            for path in text_files(directory):
                if time.time() - path.stat().st_mtime < settle:
                    continue
                try:
                    report = ingest_file(path.name, path.read_bytes())
                except FileNotFoundError:  # taken away meanwhile
                    continue
                except DatabaseError as exc:
                    # The file stays where it is and is read again on the next pass, on a
                    # fresh connection.
                    connection.close()
                    self.stderr.write(
                        _("%(name)s: lỗi cơ sở dữ liệu, sẽ thử lại: %(error)s")
                        % {"name": path.name, "error": exc}
                    )
                    break
                path.rename(destination(directory, report))
                self.stdout.write(report.summary())
                count += 1
                if stop.is_set():
                    break
            if once or stop.wait(every):
                return count
