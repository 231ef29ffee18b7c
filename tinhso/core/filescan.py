"""The virus-scan hook every uploaded file goes through, and what marks an executable.

``TINHSO_VIRUS_SCAN_COMMAND`` (e.g. ``clamdscan --no-summary -``) runs on the file's bytes when
set: exit status 0 is clean, 1 infected, anything else an error that refuses the file. The EICAR
test signature is refused even without a scanner, so the path can be tested.
"""

from __future__ import annotations

import shlex
import subprocess

from django.conf import settings
from django.utils.translation import gettext as _

EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SCAN_TIMEOUT_SECONDS = 60


def scan(data: bytes) -> str | None:
    """Run the virus-scan hook; return why the file is refused, or None when it is clean."""
    if EICAR in data:
        return _("Tệp chứa mã độc (mẫu thử EICAR).")
    command = settings.TINHSO_VIRUS_SCAN_COMMAND
    if not command:
        return None
    try:
        result = subprocess.run(  # noqa: S603 - the operator's configured command, no shell
            shlex.split(command),
            input=data,
            capture_output=True,
            timeout=SCAN_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return _("Không quét được virus trên tệp; hãy thử lại sau.")
    if result.returncode == 0:
        return None
    if result.returncode == 1:
        return _("Tệp bị phần mềm diệt virus từ chối.")
    return _("Không quét được virus trên tệp; hãy thử lại sau.")
