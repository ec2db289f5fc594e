"""Shared fixtures: the command line (run in this process), registries built from case folders,
the demo's portal and reports made once per session.

``site-gen`` is called in this process (``invoke``): an interpreter start-up costs more than
most commands. ``tests/test_entry_point.py`` runs the real entry point in new processes."""

from __future__ import annotations

import contextlib
import io
import os
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
# The date of the shared demo reports (``demo_reports``).
DEMO_AS_OF = "2026-11-23"
# The documents each demo bureau's report holds as of that day (docs/casework.md): the city's
# own zombie account's 整改通知书 and the counterfeit cases' letters of it and 示例一中; the
# 通报 draft for 红旗小学, whose recorded 整改通知 is a month old.
DEMO_PAPERS = {
    "示例市教育局": ["20261123示例市教育局整改通知书.docx",
                 "20261123示例市教育局假冒账号1致微博平台投诉函.docx",
                 "20261123示例市教育局假冒账号1致网信部门举报材料.docx",
                 "20261123示例一中假冒账号1致抖音平台投诉函.docx",
                 "20261123示例一中假冒账号1致网信部门举报材料.docx"],
    "西城区教育局": ["20261123西城区教育局致红旗小学通报（草稿）.docx"],
    "东城区教育局": [],
}


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


def invoke(*args: object, cwd: Path | None = None, input: str | None = None) -> Run:
    """``site-gen ARGS`` run by its entry point (``site_gen.commands.cli.main``) in this
    process, as a new process would see it: standard output and error are UTF-8 streams that
    are no terminal (strict on stdout, as a pipe is), standard input is ``input`` (empty:
    a prompt ends in 已取消), ``cwd`` is the working directory for the run. Whatever the run
    changes in ``os.environ`` (a library's import may) is put back afterwards.

    Environment variables for a run are set by the caller with ``monkeypatch`` (or
    ``pytest.MonkeyPatch.context()``), never passed in."""
    from site_gen.commands.cli import main

    argv = [str(a) for a in args]
    environ = dict(os.environ)
    out, err = io.BytesIO(), io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8", errors="strict", write_through=True)
    stderr = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace",
                              write_through=True)
    with pytest.MonkeyPatch.context() as patch:
        if cwd is not None:
            patch.chdir(cwd)
        patch.setattr(sys, "argv", ["site-gen", *argv])
        patch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((input or "").encode("utf-8")),
                                                     encoding="utf-8"))
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = main(argv)
            except SystemExit as exit:  # as the interpreter turns it into a status
                code = exit.code if isinstance(exit.code, int) else int(exit.code is not None)
        for name in set(os.environ) - set(environ):
            del os.environ[name]
        os.environ.update({k: v for k, v in environ.items() if os.environ.get(k) != v})
    # Not closed: a library's logging handler made during the run may still hold them.
    return Run(argv, int(code), out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))


@pytest.fixture(scope="session", autouse=True)
def outside_ci(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The tests run as on a clerk's computer, with and without ``CI`` set around them:
    under CI, ``site-gen report`` seals its workbooks by default (docs/contacts.md), and the
    tests that read them want them in the clear. The tests of that default set ``CI``
    themselves (``monkeypatch.setenv``). Collection-time checks (``skipif``) still see it.
    A key in ``SITE_GEN_AGE_IDENTITY`` is not seen either. The pull-request index of the
    session's shared fixtures goes to a temporary cache (each test gets its own:
    ``private_cache``), never the user's home."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("CI", raising=False)
        patch.delenv("SITE_GEN_AGE_IDENTITY", raising=False)
        patch.setenv("SITE_GEN_CACHE", str(tmp_path_factory.mktemp("session-cache")))
        yield


@pytest.fixture(autouse=True)
def private_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test's pull-request index in a cache folder of its own (not in ``tmp_path``,
    whose contents some tests list)."""
    monkeypatch.setenv("SITE_GEN_CACHE", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def run_cli():
    """``site-gen``'s entry point, called in this process (``invoke``): ``run_cli(*args,
    cwd=None, input=None)`` returns a ``Run``."""
    return invoke


@pytest.fixture(scope="session")
def no_libreoffice_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A ``PATH`` with every program of this one except LibreOffice (each linked from one
    folder)."""
    folder = tmp_path_factory.mktemp("path-without-libreoffice")
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        with contextlib.suppress(OSError), os.scandir(directory or ".") as entries:
            for entry in entries:
                target = folder / entry.name
                if entry.name in ("soffice", "libreoffice") or os.path.lexists(target):
                    continue
                if entry.is_file() and os.access(entry.path, os.X_OK):
                    target.symlink_to(entry.path)
    return str(folder)


@pytest.fixture
def without_libreoffice(monkeypatch: pytest.MonkeyPatch, no_libreoffice_path: str) -> None:
    """LibreOffice off ``PATH`` for this test: ``site-gen report`` then writes every .xlsx as
    always and only leaves out the .zip of .xls (saying why). For tests that read the .xlsx
    only, so that just the tests about the .xls pay for starting LibreOffice."""
    monkeypatch.setenv("PATH", no_libreoffice_path)


def invoke_without_libreoffice(path: str, *args: object) -> Run:
    """``invoke(*args)`` with ``PATH`` set to ``path`` (``no_libreoffice_path``), for session
    and module fixtures (tests use ``without_libreoffice``)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", path)
        return invoke(*args)


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo registry outside Git, for runs as of a fixed past day (``DEMO_AS_OF``). The
    project's own history is no fixture: every commit to the demo would move what such a run
    sees (``--as-of`` restores the registry of that day from Git). Outside Git the files are
    read as they are and dated back, and the run says so. The tests of the time-true
    ``--as-of`` build their own dated history (test_as_of.py). Read it, never change it."""
    root = tmp_path_factory.mktemp("demo-root")
    shutil.copytree(REPO / "filings", root / "filings")
    shutil.copytree(REPO / "evidence", root / "evidence")  # the counterfeit cases' archive
    return root


@pytest.fixture(scope="session")
def demo_report_run(tmp_path_factory: pytest.TempPathFactory, no_libreoffice_path: str,
                    demo_root: Path) -> Run:
    """``site-gen report`` on the demo registry as the README runs it (with the demo key),
    as of and sent on ``DEMO_AS_OF``, made once. Without LibreOffice (so no .zip of .xls):
    the tests of the .xls make their own."""
    out = tmp_path_factory.mktemp("demo-reports")
    done = invoke_without_libreoffice(
        no_libreoffice_path, "--root", demo_root, "report", "--out", out, "--as-of", DEMO_AS_OF,
        "--sent-on", DEMO_AS_OF, "--identity", DEMO_KEY)
    assert done.returncode == 0, done
    return done


@pytest.fixture(scope="session")
def demo_reports(demo_report_run: Run) -> Path:
    """The folder of the shared demo workbooks (``demo_report_run``): read them, never
    change them."""
    return Path(demo_report_run.args[demo_report_run.args.index("--out") + 1])


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
    """The demo registry's portal, built once by ``site-gen build``: read it, never change it."""
    from .portal_helpers import build, portal_source

    root = portal_source(tmp_path_factory.mktemp("demo"), REPO / "filings")
    done = build(root, root / "site")
    assert done.returncode == 0, done
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The ``slow`` tests first: with ``-n``, a worker starts on them at once instead of
    finishing the run alone. A test that uses Chromium must be marked ``browser`` (so that
    ``-m "not browser"`` leaves it out)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable
    unmarked = [item.nodeid for item in items
                if "browser" in getattr(item, "fixturenames", ()) and
                item.get_closest_marker("browser") is None]
    if unmarked:
        raise pytest.UsageError("mark these tests @pytest.mark.browser: " + ", ".join(unmarked))


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
