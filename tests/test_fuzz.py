"""Property-based tests: whatever a filer writes, the check answers with problems, never a crash.

Filings, unit files and counterfeit lists are generated from the JSON Schemas themselves,
then mutated (a value of any type put anywhere, a field dropped or invented), and the text
is mutated too (tabs, full-width colons, quotes, anchors, tags, escapes). Each example goes
through the real reading of a file as ``site-gen validate`` does it, in full and as an
unchanged file of a pull request, and a file without errors is modelled as the outputs do.

The examples add up to 2,500 a run, new ones each run (about 45 ms each on a CI core; ``FUZZ_A`` and ``FUZZ_B``
raise the counts for a longer hunt). When Hypothesis finds a failure it prints the
example: keep it as a case folder under ``tests/cases/invalid/`` (so both checking modes run
it) and as an ``@example`` here (CONTRIBUTING.md).
"""

from __future__ import annotations

import copy
import functools
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from site_gen.model import account_from, counterfeits_from, unit_from
from site_gen.rules import _Job, _read
from site_gen.schemas import bundled_schema

from .conftest import CASES, REPO

pytestmark = pytest.mark.slow  # the longest tests: started first (conftest.py)

TODAY = date(2026, 12, 1)
FILES = {"account": "filings/school/weibo--1234567890.yaml", "unit": "filings/school/_unit.yaml",
         "counterfeits": "filings/school/_counterfeits.yaml"}
SETTINGS = {"deadline": None, "database": None, "derandomize": False,
            "suppress_health_check": list(HealthCheck)}

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.text(max_size=24),
    st.sampled_from(["weibo", "active", "deregistered", "2024-05-01", "2024-13-45", "yes", "0123",
                     "https://weibo.com/u/1234567890", "javascript:alert(1)", "age1qqq",
                     "-----BEGIN AGE ENCRYPTED FILE-----\nYWJj\n-----END AGE ENCRYPTED FILE-----",
                     "\u202e名称", "名\u200b称", "a\x00b", "a\x1bb", "a\x85b", "", " "]))
_KEYS = st.sampled_from(["name", "key", "holder", "phone", "result", "kind", "where", "by",
                         "checked_on", "icp", "2025", "supervisor", "x"])
VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=3)), max_leaves=6)


@functools.cache
def _regex(pattern: str) -> st.SearchStrategy[str]:
    try:
        re.compile(pattern)
        return st.from_regex(pattern, fullmatch=True)
    except re.error:
        return st.text(max_size=20)


def from_schema(node: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values shaped by a (bundled) JSON Schema node: mostly valid, so that the checks after
    the schema run too, and the mutations below make the rest."""
    if "enum" in node:
        return st.sampled_from(node["enum"])
    if "const" in node:
        return st.just(node["const"])
    choices = node.get("oneOf") or node.get("anyOf")
    if choices:
        return st.one_of([from_schema(c, depth + 1) for c in choices])
    kind = node.get("type")
    if isinstance(kind, list):
        kind = kind[0]
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(node.get("minimum", -5), node.get("maximum", 10**6))
    if kind == "string":
        text = _regex(node["pattern"]) if "pattern" in node else st.text(min_size=1, max_size=30)
        return text.map(lambda s: s[: node.get("maxLength", 200)])
    if kind == "array":
        return st.lists(from_schema(node.get("items", {}), depth + 1),
                        max_size=min(node.get("maxItems", 3), 3))
    if kind == "object" or "properties" in node:
        if depth > 6:
            return st.just({})
        properties = {k: from_schema(v, depth + 1) for k, v in node.get("properties", {}).items()}
        required = [k for k in node.get("required", []) if k in properties]
        optional = [k for k in properties if k not in required]
        extra = node.get("additionalProperties")
        extras = st.dictionaries(st.sampled_from(["2024", "2025", "x"]), from_schema(
            extra, depth + 1), max_size=2) if isinstance(extra, dict) else st.just({})

        @st.composite
        def objects(draw: Any) -> dict[str, Any]:
            chosen = required + draw(st.lists(st.sampled_from(optional), unique=True)) \
                if optional else list(required)
            made = {k: draw(properties[k]) for k in chosen}
            made.update(draw(extras))
            return made

        return objects()
    return VALUES


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


@st.composite
def mutated(draw: Any, base: Any) -> Any:
    """``base`` with up to three values replaced by anything, dropped, or fields invented."""
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(0, 3))):
        places = [p for p in _paths(data) if p]
        if not places:
            return draw(VALUES)
        place = draw(st.sampled_from(places))
        parent = data
        for key in place[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "replace", "drop", "invent"]))
        if action == "replace":
            parent[place[-1]] = draw(VALUES)
        elif action == "drop":
            del parent[place[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(VALUES)
    return data


@functools.cache
def _demo(kind: str) -> list[Any]:
    pattern = {"account": "*--*.yaml", "unit": "_unit.yaml", "counterfeits": "_counterfeits.yaml"}
    found = sorted((REPO / "filings").rglob(pattern[kind])) + sorted(
        (CASES / "valid").rglob(pattern[kind]))
    return [yaml.safe_load(p.read_text("utf-8")) for p in found[:12]]


@functools.cache
def _generated(kind: str) -> st.SearchStrategy[Any]:
    return from_schema(bundled_schema(kind))


@st.composite
def filings(draw: Any) -> tuple[str, str]:
    kind = draw(st.sampled_from(["account", "account", "unit", "counterfeits"]))
    if draw(st.integers(0, 3)) == 0:  # a quarter from the schema (slower to draw)
        base = draw(_generated(kind))
    else:
        base = draw(st.sampled_from(_demo(kind)))
    data = draw(mutated(base))
    return kind, yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


_INSERTS = st.sampled_from(["\t", ": ", "：", '"', "'", "- ", "&a ", "*a ", "!!python/object ",
                            '"\\u202e"', '"\\0"', "\n  ", "\n- ", "{", "[", "#", "? ", "|\n",
                            "---\n", "\ufeff", "\u00a0", "\r\n"])


@st.composite
def texts(draw: Any) -> tuple[str, str]:
    kind, text = draw(filings())
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(_INSERTS) + text[at:]
    return kind, text


def check(root: Path, kind: str, text: str) -> None:
    """Read the file as the check does, in full and as an unchanged file; model it when it
    has no errors. Any exception here is an internal error of site-gen."""
    file = root / FILES[kind]
    file.write_bytes(text.encode("utf-8", "surrogatepass"))
    for full in (True, False):
        read = _read(_Job(root, FILES[kind], kind, full, TODAY))
        assert all(p.message and p.file == FILES[kind] for p in read.problems)
        if read.data is None:
            continue
        if kind == "account":
            account_from(FILES[kind], "school", read.data)
        elif kind == "unit":
            unit_from("school", read.data)
        else:
            counterfeits_from(FILES[kind], "school", read.data)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One registry folder for the module's examples (a new one each would cost more than
    the check): each example overwrites its file."""
    root = tmp_path_factory.mktemp("fuzz")
    (root / "filings" / "school").mkdir(parents=True)
    return root


# Found by this test before it was fixed; kept as cases too (tests/cases/invalid/schema-…).
@example(("account", (CASES / "invalid" / "schema-platform-list" / "filings" / "school"
                      / "weibo--1234567890.yaml").read_text("utf-8")))
@example(("unit", "name: 测试\nshort_name: 测试\nkind: bureau\ncontact_keys: true\n"))
@settings(max_examples=int(os.environ.get("FUZZ_A", 1500)), **SETTINGS)
@given(filings())
def test_generated_and_mutated_filings_never_crash_the_check(
        folder: Path, given_file: tuple[str, str]) -> None:
    check(folder, *given_file)


@settings(max_examples=int(os.environ.get("FUZZ_B", 1000)), **SETTINGS)
@given(texts())
def test_mutated_text_never_crashes_the_check(folder: Path,
                                              given_file: tuple[str, str]) -> None:
    check(folder, *given_file)
