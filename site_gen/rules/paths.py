"""Where files lie and what they are called (SPEC §2)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..catalogue import Problem, problem
from ..identity import expected_file_name, is_slug
from ..labels import PLATFORMS
from ..loader import Document

UNIT_FILE = "_unit.yaml"
COUNTERFEITS_FILE = "_counterfeits.yaml"


@dataclass
class Layout:
    """The files of a registry, sorted by kind. Paths are relative to the registry root."""

    units: dict[str, str] = field(default_factory=dict)  # unit path -> file
    accounts: list[tuple[str, str]] = field(default_factory=list)  # (file, unit path)
    counterfeits: list[tuple[str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def files(self) -> int:
        return len(self.units) + len(self.accounts) + len(self.counterfeits)


def discover(root: Path) -> Layout:
    """Find every unit, filing and counterfeit list under ``root/filings``."""
    layout = Layout()
    top = root / "filings"
    if not (top / UNIT_FILE).is_file():
        layout.problems.append(problem("E-PATH-ROOT", "filings/_unit.yaml",
                                       path="filings/_unit.yaml"))
        if not top.is_dir():
            return layout
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = Path(folder).relative_to(top).as_posix()
        unit = "" if rel == "." else rel
        shown = f"filings/{unit}/" if unit else "filings/"
        for name in list(dirs):
            if Path(folder, name).is_symlink():
                layout.problems.append(problem("E-PATH-LINK", shown + name))
                dirs.remove(name)
            elif not is_slug(name):
                layout.problems.append(problem("E-PATH-SLUG", shown + name, name=name))
        is_unit = UNIT_FILE in files
        if is_unit:
            layout.units[unit] = shown + UNIT_FILE
            parent = unit.rpartition("/")[0]
            if parent and parent not in layout.units:  # a missing root is reported above
                layout.problems.append(problem("E-PATH-UNIT", shown + UNIT_FILE,
                                               folder=f"filings/{parent}/" if parent else "filings/"))
        for name in sorted(files):
            _classify(layout, Path(folder, name), shown + name, unit, is_unit)
    return layout


def _classify(layout: Layout, path: Path, shown: str, unit: str, is_unit: bool) -> None:
    name = path.name
    if name.startswith("."):
        return
    if path.is_symlink():
        layout.problems.append(problem("E-PATH-LINK", shown))
    elif not name.endswith(".yaml"):
        layout.problems.append(problem("E-PATH-EXTENSION", shown))
    elif name == UNIT_FILE:
        return
    elif not is_unit:
        layout.problems.append(problem("E-PATH-UNIT", shown, folder=shown.rpartition("/")[0] + "/"))
    elif name == COUNTERFEITS_FILE:
        layout.counterfeits.append((shown, unit))
    else:
        layout.accounts.append((shown, unit))


def check_file_name(doc: Document) -> list[Problem]:
    """The file name must be ``<platform>--<account slug>.yaml`` of its content."""
    data = doc.data
    platform, account_id = data.get("platform"), data.get("account_id")
    if not isinstance(platform, str) or platform not in PLATFORMS \
            or not isinstance(account_id, str) or not account_id.strip():
        return []  # the schema reports these
    expected = expected_file_name(platform, account_id)
    actual = doc.path.rpartition("/")[2]
    if actual == expected:
        return []
    line, column = doc.position(("account_id",))
    return [problem("E-PATH-NAME", doc.path, line, column, expected=expected, actual=actual)]
