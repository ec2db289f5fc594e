"""The docs: generated pages are current, and the hand-written site builds strictly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from site_gen.catalogue import RULES
from site_gen.docsgen import PAGES, render

from .conftest import REPO


@pytest.mark.parametrize("page", PAGES)
def test_generated_page_is_current(page: str) -> None:
    committed = (REPO / "docs" / page).read_text("utf-8")
    assert committed == render(page), f"docs/{page} is stale: run python -m site_gen.docsgen"


def test_every_rule_is_listed_for_filers() -> None:
    text = (REPO / "docs" / "rules.md").read_text("utf-8")
    for code in RULES:
        assert f"`{code}`" in text


def test_docs_build_strictly_without_third_party_requests(tmp_path: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
                           "-d", str(tmp_path / "site")], cwd=REPO, capture_output=True,
                          text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "site" / "rules" / "index.html").read_text("utf-8")
    assert "E-READ-BOM" in html and 'lang="zh"' in html
    for page in (tmp_path / "site").rglob("*.html"):
        assert "fonts.googleapis.com" not in page.read_text("utf-8"), page


def test_ci_runs_the_readme_quick_start() -> None:
    """``.ci/run`` runs the README's two commands as written (in both languages' quick start),
    so that what a newcomer types is what CI checks."""
    readme = (REPO / "README.md").read_text("utf-8")
    quick = [block for block in re.findall(r"```bash\n(.*?)```", readme, re.S)
             if "pip install -e" in block]
    assert len(quick) == 2 and quick[0] == quick[1], quick
    install, tests = quick[0].strip().splitlines()
    ci = (REPO / ".ci" / "run").read_text("utf-8").splitlines()
    assert install in ci
    assert f"{tests} || status=$?" in ci
