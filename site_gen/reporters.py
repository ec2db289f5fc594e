"""Problems printed for people (text), for GitHub (workflow commands) and for programs (JSON)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from .catalogue import RULES, Problem


def summary_line(files: int, problems: Sequence[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return f"检查了 {files} 个文件，没有发现问题。"
    verdict = "请按上面的说明修改后重新提交。" if errors else "警告不影响通过，但请尽快处理。"
    return f"检查了 {files} 个文件：{errors} 个错误，{warnings} 个警告。{verdict}"


# Every character that could end a line somewhere (a terminal, Python's splitlines, a CI log).
_BREAKS = str.maketrans({"\r": "\\r", "\n": "\\n", "\x0b": "\\v", "\x0c": "\\f",
                         "\x1c": "\\x1c", "\x1d": "\\x1d", "\x1e": "\\x1e",
                         "\x85": "\\x85", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def one_line(text: object) -> str:
    """``text`` with its line breaks written as escapes: a value from a filing can never
    start a line of its own (and so never pose as a CI workflow command, ``::error``)."""
    return str(text).translate(_BREAKS)


def text_lines(lines: Iterable[str]) -> str:
    """Lines of plain output, one problem each; a line that would still start with ``::``
    (a workflow command to GitHub's runner) is escaped."""
    safe = [one_line(line) for line in lines]
    return "\n".join("\\" + line if line.lstrip().startswith("::") else line
                     for line in safe) + "\n"


_MARKDOWN = re.compile(r"([\\`*_\[\]|~!])")
_PLAIN_PATH = re.compile(r"[A-Za-z0-9._/-]+\Z")


def markdown_text(text: object) -> str:
    """Filer text inside a Markdown table cell of a job summary: HTML escaped (GitHub renders
    HTML there), Markdown's emphasis, link, code and table punctuation backslash-escaped,
    on one line."""
    escaped = html.escape(" ".join(str(text).splitlines()), quote=False)
    return _MARKDOWN.sub(r"\\\1", escaped)


def markdown_path(path: str) -> str:
    """A file's path in a cell: as code when it is a plain path, else escaped text."""
    return f"`{path}`" if _PLAIN_PATH.match(path) else markdown_text(path)


def format_text(files: int, problems: Sequence[Problem]) -> str:
    lines = [f"{p.file}:{p.line}:{p.column}: {p.code} {p.message}" for p in problems]
    return text_lines([*lines, summary_line(files, problems)])


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(files: int, problems: Sequence[Problem]) -> str:
    """GitHub Actions workflow commands: each problem becomes an annotation on its line."""
    lines = []
    for p in problems:
        command = "error" if p.is_error else "warning"
        title = f"{p.code} {RULES[p.code].title}"
        lines.append(
            f"::{command} file={_escape_property(p.file)},line={p.line},col={p.column},"
            f"title={_escape_property(title)}::{_escape_data(p.message)}"
        )
    return "\n".join([*lines, summary_line(files, problems)]) + "\n"


def json_lines(values: Iterable[Any], indent: str) -> str:
    """The items of a JSON array, one a line: readable, greppable, and written by json's C
    encoder (an indented dump of a province's document goes through its pure-Python one
    and holds several times the document in memory)."""
    return ",\n".join(f"{indent}{json.dumps(v, ensure_ascii=False)}" for v in values)


def format_json(files: int, problems: Sequence[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    document = {
        "files": files,
        "errors": errors,
        "warnings": len(problems) - errors,
        "problems": [
            {"file": p.file, "line": p.line, "column": p.column, "code": p.code,
             "severity": p.severity, "title": RULES[p.code].title, "message": p.message,
             **({"related": p.related} if p.related else {})}
            for p in problems
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def format_markdown(files: int, problems: Sequence[Problem]) -> str:
    """A Chinese summary table for the CI job summary: every problem, not just the ten
    annotations per step GitHub shows."""
    lines = ["## 备案检查结果", "", summary_line(files, problems), ""]
    if problems:
        lines += ["| 级别 | 文件 | 行 | 规则 | 说明 |", "|---|---|---|---|---|"]
        lines += [f"| {'错误' if p.is_error else '警告'} | {markdown_path(p.file)} | {p.line} | "
                  f"{p.code} {RULES[p.code].title} | {markdown_text(p.message)} |"
                  for p in problems]
        lines.append("")
    return "\n".join(lines) + "\n"


FORMATS = {"text": format_text, "github": format_github, "json": format_json,
           "markdown": format_markdown}
