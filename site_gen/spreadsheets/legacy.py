"""Legacy .xls, as the notice asks, converted by LibreOffice.

Why LibreOffice: the only pure-Python .xls writer, xlwt, has been unmaintained since
2017. LibreOffice is maintained and writes the BIFF8 format that every Excel and WPS
opens, keeping merged cells, borders, row heights and print setup. Two things it loses
on its own, and how they are kept:

* Fonts: for Chinese text it records the font it *rendered* with, and on a server 宋体
  and 黑体 are not installed. LibreOffice runs with a private fontconfig in which the
  installed Chinese fonts also answer to 宋体/SimSun and 黑体/SimHei, so nothing is
  substituted and the .xls names the fonts that Windows and WPS have.
* Frozen header rows: a ``--convert-to`` run has no view, so it drops them; ``biff.py``
  adds them to the .xls afterwards.

.xls holds at most 65,536 rows a sheet, so the caller splits long tables before converting.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .biff import freeze_header_rows

XLS_ROWS_PER_SHEET = 60_000  # below .xls's 65,536, leaving room for the header rows
# Header rows to freeze, by sheet name prefix.
FROZEN_ROWS = {"附件1": 4, "附件2": 5, "附件4": 3, "审计": 3}
_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<!-- Not /etc/fonts/fonts.conf: its cache directories would hold a cache made without the
     rule below, and a cache is reused rather than rescanned. -->
<fontconfig>
  <cachedir>{cache}</cachedir>
  <match target="scan">
    <test name="lang" compare="contains"><string>zh-cn</string></test>
    <edit name="family" mode="append"><string>宋体</string><string>SimSun</string>
      <string>黑体</string><string>SimHei</string></edit>
  </match>
  <dir>/usr/share/fonts</dir>
  <dir>/usr/local/share/fonts</dir>
  <dir prefix="xdg">fonts</dir>
  <include ignore_missing="yes">/etc/fonts/conf.d</include>
</fontconfig>
"""


class ConversionError(Exception):
    """LibreOffice is missing or failed; the message is for the user, in Chinese."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def frozen_rows(sheet: str) -> int:
    return next((rows for prefix, rows in FROZEN_ROWS.items() if sheet.startswith(prefix)), 0)


NO_LIBREOFFICE = ("没有安装 LibreOffice，没有生成报送用的压缩包：通知要求附件1、附件2 用 .xls "
                  "格式报送（Debian/Ubuntu：apt-get install libreoffice-calc-nogui）。")


class Conversion:
    """One LibreOffice run converting .xlsx files to .xls in ``out``. It starts at once, so
    the caller can go on working while it runs (it uses one core); ``finish`` waits for it
    and returns the files and notes on anything that could not be kept. Without LibreOffice
    it is an error when ``required``, and otherwise converts nothing and says why."""

    def __init__(self, sources: list[Path], out: Path, required: bool = True) -> None:
        self.sources, self.out = sources, out
        self.process: subprocess.Popen[str] | None = None
        program = soffice()
        if program is None:
            if required:
                raise ConversionError("生成 .xls 需要 LibreOffice（Debian/Ubuntu：apt-get install "
                                      "libreoffice-calc-nogui）。也可以不加 --format xls，生成 .xlsx。")
            return
        self.tmp = Path(tempfile.mkdtemp(prefix="site-gen-lo-"))
        self.fonts = self.tmp / "fonts.conf"
        self.fonts.write_text(_FONTS_CONF.format(cache=self.tmp / "fontcache"), "utf-8")
        self.process = subprocess.Popen(
            [program, f"-env:UserInstallation=file://{self.tmp}/profile", "--headless",
             "--norestore", "--convert-to", "xls:MS Excel 97", "--outdir", str(out),
             *map(str, sources)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "FONTCONFIG_FILE": str(self.fonts)})

    def __enter__(self) -> Conversion:
        return self

    def __exit__(self, *_: object) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            shutil.rmtree(self.tmp, ignore_errors=True)

    def finish(self) -> tuple[list[Path], list[str]]:
        if self.process is None:
            return [], [NO_LIBREOFFICE]
        try:
            _, stderr = self.process.communicate(timeout=1800)
        except subprocess.TimeoutExpired:
            raise ConversionError("LibreOffice 30 分钟内没有转换完 .xls。") from None
        notes: list[str] = []
        chinese = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True,
                                 text=True, env={**os.environ, "FONTCONFIG_FILE": str(self.fonts)})
        results = [self.out / (source.stem + ".xls") for source in self.sources]
        missing = [p.name for p in results if not p.exists()]
        if self.process.returncode != 0 or missing:
            raise ConversionError(f"LibreOffice 没能生成 {'、'.join(missing) or '.xls'}："
                                  f"{stderr.strip()[:300]}")
        if not chinese.stdout.strip():
            notes.append("这台机器没有中文字体，.xls 里的字体名称可能被替换（Debian/Ubuntu：apt-get "
                         "install fonts-wqy-microhei）。")
        for path in results:
            freeze_header_rows(path, frozen_rows)
        return results, notes
