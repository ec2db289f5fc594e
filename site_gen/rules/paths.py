"""Where files lie and what they are called (SPEC §2)."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..catalogue import Problem, problem
from ..identity import expected_file_name, is_slug
from ..labels import PLATFORMS
from ..loader import COUNTERFEITS_SIZE_LIMIT, Document, secret_problems

UNIT_FILE = "_unit.yaml"
ROOT_UNIT_FILE = "filings/_unit.yaml"
COUNTERFEITS_FILE = "_counterfeits.yaml"
ACTIONS_FILE = "_actions.yaml"  # a supervising unit's 整改通知, 通报 and orders
LIST_FILES = frozenset({COUNTERFEITS_FILE, ACTIONS_FILE})


@dataclass
class Layout:
    """The files of a registry, sorted by kind. Paths are relative to the registry root."""

    units: dict[str, str] = field(default_factory=dict)  # unit path -> file
    accounts: list[tuple[str, str]] = field(default_factory=list)  # (file, unit path)
    counterfeits: list[tuple[str, str]] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def files(self) -> int:
        return len(self.units) + len(self.accounts) + len(self.counterfeits) + len(self.actions)


def discover(root: Path) -> Layout:
    """Find every unit, filing and counterfeit list under ``root/filings``."""
    top = root / "filings"
    files: list[str] = []
    links: set[str] = set()
    folders: list[str] = []
    if top.is_dir():
        _walk(str(top), "", files, links, folders)
    return layout_from(files, links, folders)


def _walk(folder: str, prefix: str, files: list[str], links: set[str],
          folders: list[str]) -> None:
    """Every file below ``folder`` as a path relative to filings/ (os.scandir: no stat per
    file, which matters at 120,000 files). A linked folder is listed, never entered; a
    hidden one (``.name``) is listed as a file, so that it is reported, never entered."""
    with os.scandir(folder) as listing:
        for entry in listing:
            path = prefix + entry.name
            if entry.name.startswith("."):
                files.append(path)
                continue
            if entry.is_symlink():
                files.append(path)
                links.add(path)
            elif entry.is_dir():
                folders.append(path)  # an empty folder is still reported if misnamed
                _walk(entry.path, path + "/", files, links, folders)
            else:
                files.append(path)


def layout_from(files: Iterable[str], links: Collection[str] = (),
                folders: Iterable[str] = ()) -> Layout:
    """The layout of the files (paths relative to filings/), by the rules of SPEC §2: a
    folder with _unit.yaml is a unit, an account lies in a unit. Nothing is passed over: a
    name starting with a dot (a file, or a folder and all below it) is reported once."""
    layout = Layout()
    by_folder: dict[str, list[str]] = defaultdict(list)
    hidden: set[str] = set()
    for path in files:
        parts = path.split("/")
        dotted = next((i for i, part in enumerate(parts) if part.startswith(".")), None)
        if dotted is not None:
            hidden.add("/".join(parts[:dotted + 1]))
            continue
        folder, _, name = path.rpartition("/")
        by_folder[folder].append(name)
    for path in sorted(hidden):
        layout.problems.append(problem("E-PATH-HIDDEN", f"filings/{path}",
                                       name=path.rpartition("/")[2]))
    known = set(by_folder) | set(folders)
    for folder in list(known):
        while folder:
            folder = folder.rpartition("/")[0]
            known.add(folder)
    if UNIT_FILE not in by_folder.get("", ()):
        layout.problems.append(problem("E-PATH-ROOT", ROOT_UNIT_FILE, path=ROOT_UNIT_FILE))
    for unit in sorted(known, key=lambda f: f.split("/") if f else []):  # parents first
        shown = f"filings/{unit}/" if unit else "filings/"
        if unit and not is_slug(unit.rpartition("/")[2]):
            layout.problems.append(problem("E-PATH-SLUG", shown.rstrip("/"),
                                           name=unit.rpartition("/")[2]))
        names = sorted(by_folder.get(unit, ()))
        is_unit = UNIT_FILE in names and f"{unit}/{UNIT_FILE}".lstrip("/") not in links
        if is_unit:
            layout.units[unit] = shown + UNIT_FILE
            parent = unit.rpartition("/")[0]
            if parent and parent not in layout.units:  # a missing root is reported above
                layout.problems.append(problem(
                    "E-PATH-UNIT", shown + UNIT_FILE,
                    folder=f"filings/{parent}/" if parent else "filings/"))
        for name in names:
            _classify(layout, name, f"{unit}/{name}".lstrip("/") in links, shown + name, unit,
                      is_unit)
    return layout


def _classify(layout: Layout, name: str, link: bool, shown: str, unit: str,
              is_unit: bool) -> None:
    if link:
        layout.problems.append(problem("E-PATH-LINK", shown))
    elif not name.endswith(".yaml"):
        layout.problems.append(problem("E-PATH-EXTENSION", shown))
    elif name == UNIT_FILE:
        return
    elif name.startswith("_") and name not in LIST_FILES:
        layout.problems.append(problem("E-PATH-RESERVED", shown, name=name))
    elif not is_unit:
        layout.problems.append(problem("E-PATH-UNIT", shown, folder=shown.rpartition("/")[0] + "/"))
    elif name == COUNTERFEITS_FILE:
        layout.counterfeits.append((shown, unit))
    elif name == ACTIONS_FILE:
        layout.actions.append((shown, unit))
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


# Files the layout refuses are not read as filings, but a private key in one is still
# published with the repository: these are scanned for keys alone.
UNREAD = frozenset({"E-PATH-EXTENSION", "E-PATH-HIDDEN", "E-PATH-RESERVED"})


def unread_secrets(root: Path, layout: Layout, wanted: Collection[str] | None = None) -> list[Problem]:
    """E-READ-SECRET for every refused file (of ``wanted``, when given) holding a private key."""
    found: list[Problem] = []
    for refused in layout.problems:
        if refused.code not in UNREAD or (wanted is not None and refused.file not in wanted):
            continue
        file = root / refused.file
        if not file.is_file() or file.is_symlink():
            continue
        try:
            with file.open("rb") as handle:
                raw = handle.read(COUNTERFEITS_SIZE_LIMIT * 4)
        except OSError:
            continue
        found += secret_problems(raw, refused.file)
    return found
