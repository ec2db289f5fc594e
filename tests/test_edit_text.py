"""The filing form's in-place edit (site_gen/static/edit.js, run on Node with the vendored YAML
parser): on every demo filing and on hand-written shapes, an edit gives exactly the data asked
for, as the strict loader reads it, and changes only the lines of the values that changed."""

from __future__ import annotations

import copy
import difflib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from site_gen.loader import Document, parse_document
from site_gen.public import INTERNAL_FIELDS
from site_gen.schemas import bundled_schema

from .conftest import REPO

HARNESS = Path(__file__).with_name("edit_harness.cjs")
ORDER = list(bundled_schema("account")["properties"])
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="needs Node.js (.ci/run installs it)")


def edit_all(cases: list[dict[str, Any]]) -> list[str | None]:
    lines = "".join(json.dumps({**c, "order": ORDER, "internal": list(INTERNAL_FIELDS)},
                               ensure_ascii=False) + "\n" for c in cases)
    done = subprocess.run([str(NODE), str(HARNESS)], input=lines, capture_output=True, text=True,
                          check=True)
    return [json.loads(line) for line in done.stdout.splitlines()]


def loaded(text: str) -> dict[str, Any]:
    doc = parse_document(text.encode("utf-8"), "x.yaml")
    assert isinstance(doc, Document), doc
    return dict(doc.data)


def changed_lines(old: str, new: str) -> int:
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    return sum(1 for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---")))


EDITS: list[tuple[str, Any, int]] = [  # (top-level field, new value or None to remove, lines)
    ("name", "改过的名称", 2),
    ("followers", 123456, 2),
    ("note", "新的备注", 1),  # added (or 2 when it replaces one)
    ("department", None, 1),
]


def test_every_demo_filing_edits_in_place() -> None:
    files = sorted((REPO / "filings").rglob("*--*.yaml"))
    cases, expected = [], []
    for file in files:
        text = file.read_text("utf-8")
        data = loaded(text)
        for key, value, _ in EDITS:
            after = copy.deepcopy(data)
            if value is None:
                if key not in after:
                    continue
                del after[key]
            else:
                after[key] = value
            cases.append({"text": text, "before": None, "after": after})
            expected.append((file, text, data, key, value, after))
    results = edit_all(cases)
    for (file, text, data, key, value, after), produced in zip(expected, results, strict=True):
        assert produced is not None, file
        assert loaded(produced) == after, (file, key)
        lines = 1 if value is None or key not in data else 2
        if key == "note" and key not in data:
            lines = 1
        assert changed_lines(text, produced) == lines, (file, key, produced)


HAND_WRITTEN = """\
# 手写的文件，带注释
name: 示例  # 行尾注释
platform: weibo
account_id: 6012300001   # 没有引号的数字
posts: {2025: 10, "2026": 3}
website:
    icp: 京ICP备00000001号
contacts: |
  -----BEGIN AGE ENCRYPTED FILE-----
  YWdl
  -----END AGE ENCRYPTED FILE-----
"""


def test_hand_written_shapes_keep_their_text() -> None:
    data = loaded(HAND_WRITTEN)
    cases = [
        {"name": "示例二号"},  # a comment after the value stays
        {"posts": {"2025": 10, "2026": 4}},  # a flow mapping: rewritten, still one line
        {"website": {"icp": "京ICP备00000002号"}},  # four-space indentation kept
        {"account_id": "6012300001"},  # the same ID as text: nothing to change
    ]
    produced = edit_all([{"text": HAND_WRITTEN, "before": None, "after": {**data, **c}} for c in cases])
    first, posts, site, same = produced
    assert "name: \"示例二号\"  # 行尾注释" in first and changed_lines(HAND_WRITTEN, first) == 2
    assert loaded(posts)["posts"] == {"2025": 10, "2026": 4} and changed_lines(HAND_WRITTEN, posts) == 2
    assert "    icp: \"京ICP备00000002号\"" in site and changed_lines(HAND_WRITTEN, site) == 2
    assert same == HAND_WRITTEN
    assert all(p is not None and p.endswith("-----END AGE ENCRYPTED FILE-----\n") for p in produced)
    # Windows line ends: the lines not edited keep theirs.
    crlf = HAND_WRITTEN.replace("\n", "\r\n")
    (edited,) = edit_all([{"text": crlf, "before": None, "after": {**data, "name": "示例三号"}}])
    assert edited is not None and changed_lines(crlf, edited) == 2 and "platform: weibo\r\n" in edited
    # What the parser cannot read is not edited (the form asks for the file again).
    assert edit_all([{"text": "name: [unclosed\n", "before": {}, "after": {"name": "x"}}]) == [None]
