"""Legacy .xls, as the notice asks, converted by LibreOffice.

Why LibreOffice: the only pure-Python .xls writer, xlwt, has been unmaintained since
2017. LibreOffice is maintained, writes the BIFF8 format that every Excel and WPS
opens, and keeps merged cells, fonts, borders, frozen rows and print setup. .xls holds
at most 65,536 rows a sheet, so the caller splits long tables before converting.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

XLS_ROWS_PER_SHEET = 60_000  # below .xls's 65,536, leaving room for the header rows


class ConversionError(Exception):
    """LibreOffice is missing or failed; the message is for the user, in Chinese."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_xls(sources: list[Path], out: Path) -> list[Path]:
    """Convert .xlsx files to .xls files in ``out``, in one LibreOffice run."""
    program = soffice()
    if program is None:
        raise ConversionError("生成 .xls 需要 LibreOffice（Debian/Ubuntu：apt-get install "
                              "libreoffice-calc-nogui）。也可以不加 --format xls，生成 .xlsx。")
    with tempfile.TemporaryDirectory(prefix="site-gen-lo-") as profile:
        done = subprocess.run(
            [program, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", "xls:MS Excel 97", "--outdir", str(out), *map(str, sources)],
            capture_output=True, text=True, timeout=1800)
    results = [out / (source.stem + ".xls") for source in sources]
    missing = [p.name for p in results if not p.exists()]
    if done.returncode != 0 or missing:
        raise ConversionError(f"LibreOffice 没能生成 {'、'.join(missing) or '.xls'}："
                              f"{done.stderr.strip()[:300]}")
    return results
