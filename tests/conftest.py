"""Shared fixtures: the real command line, and registries built from case folders."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).parent
CASES = TESTS / "cases"
REPO = TESTS.parent
# The demo's keys: 演示用，切勿用于真实数据 (docs/contacts.md).
DEMO_KEY = REPO / "demo-keys" / "shili-jyj.agekey"  # 示例市教育局: opens every demo contact
DISTRICT_KEY = REPO / "demo-keys" / "dongcheng.agekey"  # 东城区教育局: its subtree only
LINE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<column>\d+): "
                  r"(?P<code>[EW]-[A-Z-]+) (?P<message>.+)$")


@dataclass
class Run:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    def problems(self) -> list[re.Match[str]]:
        return [m for line in self.stdout.splitlines() if (m := LINE.match(line))]

    def __repr__(self) -> str:
        return (f"$ site-gen {' '.join(self.args)}\nexit {self.returncode}\n"
                f"--- stdout\n{self.stdout}--- stderr\n{self.stderr}")


@pytest.fixture(scope="session", autouse=True)
def outside_ci() -> Iterator[None]:
    """The tests run as on a clerk's computer, with and without ``CI`` set around them:
    under CI, ``site-gen report`` seals its workbooks by default (docs/contacts.md), and the
    tests that read them want them in the clear. The tests of that default set ``CI``
    themselves (``monkeypatch.setenv``). Collection-time checks (``skipif``) still see it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("CI", raising=False)
        yield


@pytest.fixture
def run_cli():
    """Run the real entry point (``python -m site_gen``) and return its output."""

    def run(*args: str, cwd: Path | None = None, timeout: float = 60) -> Run:
        done = subprocess.run([sys.executable, "-m", "site_gen", *args], cwd=cwd,
                              capture_output=True, text=True, timeout=timeout)
        return Run(list(args), done.returncode, done.stdout, done.stderr)

    return run


def build_case(case: Path, dest: Path) -> Path:
    """A registry in ``dest``: the shared base registry with the case's files laid over it."""
    if not (case / "standalone").exists():
        shutil.copytree(CASES / "base", dest, dirs_exist_ok=True)
    shutil.copytree(case / "filings", dest / "filings", dirs_exist_ok=True, symlinks=True)
    return dest


@pytest.fixture
def demo_registry(tmp_path: Path) -> Path:
    """A copy of the shipped demo registry."""
    shutil.copytree(REPO / "filings", tmp_path / "filings")
    return tmp_path


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo registry's portal, built once by the real ``site-gen build``."""
    from .portal_helpers import build, portal_source

    root = portal_source(tmp_path_factory.mktemp("demo"), REPO / "filings")
    done = build(root, root / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "site"


@pytest.fixture(scope="session")
def site_url(demo_site: Path) -> Iterator[str]:
    """The demo portal served on 127.0.0.1."""
    from .portal_helpers import serve

    with serve(demo_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, driven by Playwright (it cannot download a browser here)."""
    from playwright.sync_api import sync_playwright

    from .portal_helpers import ARGS, CHROMIUM

    assert Path(CHROMIUM).exists(), "install Debian's chromium (apt-get install chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def run_inprocess(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory):
    """The same entry point as ``run_cli``, called in this process (no interpreter start-up):
    for tests that run the command line many times. The pull-request index goes to a
    temporary cache, never the user's home."""
    import contextlib
    import io

    from site_gen.commands.cli import main

    monkeypatch.setenv("SITE_GEN_CACHE", str(tmp_path_factory.mktemp("cache")))

    def run(*args: str) -> Run:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
        return Run(list(args), code, out.getvalue(), err.getvalue())

    return run


def git_case(case: Path, dest: Path) -> Path:
    """``build_case`` as a pull request: the base registry committed, the case's files laid
    over it in the working tree (``validate --since HEAD`` checks them)."""
    dest.mkdir(parents=True, exist_ok=True)
    if not (case / "standalone").exists():
        shutil.copytree(CASES / "base", dest, dirs_exist_ok=True)
    git = ["git", "-C", str(dest), "-c", "user.name=测试", "-c", "user.email=t@example.org"]
    subprocess.run([*git[:3], "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "base"], check=True)
    shutil.copytree(case / "filings", dest / "filings", dirs_exist_ok=True, symlinks=True)
    return dest
