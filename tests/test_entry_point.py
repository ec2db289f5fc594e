"""The real entry point in new processes: ``python -m site_gen`` and the installed ``site-gen``
script. Every other test calls the command line in the test's own process (``invoke`` in
conftest.py); these few make sure that what a clerk starts is the same program, and cover
what only a process has: its environment (``PATH``), a terminal, its exit status."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from site_gen import __version__

from .conftest import CASES, REPO
from .portal_helpers import FIXED_EPOCH, portal_source

pytestmark = pytest.mark.smoke


def run(*args: object, env: dict[str, str] | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m site_gen ARGS`` in a new process, with ``env`` added to the environment."""
    return subprocess.run([sys.executable, "-m", "site_gen", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def test_version() -> None:
    done = run("--version")
    assert (done.returncode, done.stdout) == (0, f"site-gen, version {__version__}\n"), done


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("site-gen")
    done = subprocess.run([str(script), "--root", str(REPO), "validate", "--format", "json"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["errors"] == 0


def test_build(tmp_path: Path) -> None:
    root = portal_source(tmp_path / "registry", CASES / "base" / "filings")
    done = run("--root", root, "build",
               env={"SOURCE_DATE_EPOCH": FIXED_EPOCH, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "已生成门户" in done.stdout and "Traceback" not in done.stderr
    assert (root / "site" / "verify" / "index.html").is_file()
    assert json.loads((root / "site" / "data" / "registry.json").read_text("utf-8"))["units"]


def test_without_libreoffice_the_xlsx_are_written_and_the_bundle_is_explained(
        tmp_path: Path, demo_root: Path) -> None:
    """No LibreOffice on PATH: every .xlsx is still written, no bundle, and a note says why
    and how to install it (never a traceback)."""
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "git").symlink_to(shutil.which("git"))
    out = tmp_path / "out"
    done = run("--root", demo_root, "report", "--out", out, "--as-of", "2026-11-23",
               "--sent-on", "2026-11-23", env={"PATH": str(tools)})
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in out.iterdir())
    assert "20261123示例市教育局新媒体(网站)统计.xlsx" in names
    assert "20261123示例市教育局新媒体(网站)审计.xlsx" in names
    assert not [n for n in names if n.endswith((".zip", ".xls"))]
    assert "没有安装 LibreOffice，没有生成报送用的压缩包" in done.stderr
    assert "apt-get install libreoffice-calc-nogui" in done.stderr
    assert "Traceback" not in done.stderr


def test_long_runs_show_progress_on_a_terminal_and_one_line_in_logs() -> None:
    import fcntl
    import pty
    import struct
    import termios

    env = {"SITE_GEN_PROGRESS_FROM": "10"}
    logged = run("validate", cwd=REPO, env=env)
    assert re.fullmatch(r"读取备案文件：66 个文件，用时 \d+\.\d 秒。\n", logged.stderr), logged.stderr
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    done = subprocess.run([sys.executable, "-m", "site_gen", "validate"], cwd=REPO,
                          env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=follower,
                          timeout=60)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert done.returncode == 0
    shown = seen.decode("utf-8", "replace")
    assert "读取备案文件:" in shown and "/66 [" in shown  # the bar, drawn on the terminal
    assert "读取备案文件：66 个文件" in shown
