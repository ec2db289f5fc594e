"""Strict reading of one YAML file: bytes in, plain data with line numbers out.

The filings come from outside, so nothing here trusts them:

* the size is checked before anything is parsed;
* a private key anywhere (a field or a comment) refuses the file without being echoed;
* only UTF-8 without BOM is accepted, and invisible, control and direction-override
  characters (``data/characters.json``) are refused, in the text and in every value
  once YAML's escapes are read;
* parsing walks libyaml's event stream (fast, and it never builds objects), so
  anchors, aliases and tags are refused before anything could be expanded;
* scalars resolve by a narrow YAML 1.2 subset: ``true``/``false``, ``null``, and
  decimal integers without a leading zero. ``yes``, ``0123``, ``2024-05-01`` and
  everything else stay exactly the text that was written;
* a repeated key is an error, never a silent overwrite.

Every value keeps the line and column where it was written, so a problem found
later (by the schema, say) can point at it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import characters
from .catalogue import Problem, problem

# A filing is one or two kilobytes; these bounds leave room and stop abuse.
SIZE_LIMIT = 32 * 1024
COUNTERFEITS_SIZE_LIMIT = 256 * 1024
DEPTH_LIMIT = 12

JsonPath = tuple[str | int, ...]
Position = tuple[int, int]

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Anything shaped like a private key: an age identity, a PEM or OpenSSH or PGP private key.
# Matched in the raw bytes, comments included, before anything else, and never echoed.
_SECRET = re.compile(
    rb"(?i)(AGE-SECRET-KEY-1[0-9A-Z]{10,}|AGE-PLUGIN-[A-Z0-9-]+-1[0-9A-Z]{10,}"
    rb"|-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)"
)
_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,17})\Z")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLEANS = {"true": True, "True": True, "TRUE": True,
             "false": False, "False": False, "FALSE": False}


@dataclass(frozen=True)
class Document:
    """The data of one file and where each value was written."""

    path: str
    data: Any
    positions: dict[JsonPath, Position] = field(repr=False)
    key_positions: dict[JsonPath, Position] = field(repr=False)
    plain_numbers: dict[JsonPath, str] = field(repr=False)

    def position(self, path: JsonPath) -> Position:
        """Where the value at ``path`` was written, or its nearest written parent."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def slim(self, fields: frozenset[str]) -> Document:
        """A copy that keeps only the positions of ``fields`` (at the top or in a top-level
        list's items): what cross-file rules point at, without holding every value."""
        kept = {path: mark for path, mark in self.positions.items()
                if not path or (path[-1] in fields and len(path) <= 2)}
        return Document(self.path, None, kept, {}, {})

    def key_position(self, path: JsonPath) -> Position:
        """Where the key of ``path`` was written (for unknown or repeated fields)."""
        return self.key_positions.get(path) or self.position(path)


class _Refused(Exception):
    """A problem that stops the reading of this file."""

    def __init__(self, found: Problem) -> None:
        super().__init__(found.message)
        self.problem = found


def read_document(file: Path, shown_as: str, limit: int = SIZE_LIMIT) -> Document | list[Problem]:
    """Read ``file`` strictly; problems name it as ``shown_as``."""
    try:
        with file.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        return [problem("E-READ-SYNTAX", shown_as, explanation="文件无法读取", detail=str(exc))]
    if len(raw) > limit:
        size = file.stat().st_size
        return [problem("E-READ-SIZE", shown_as, size=size, limit=limit)]
    return parse_document(raw, shown_as)


def secret_problems(raw: bytes, shown_as: str) -> list[Problem]:
    """A private key anywhere in the file (a field, a comment): one problem per line, naming
    the line and never the key."""
    found: list[Problem] = []
    for match in _SECRET.finditer(raw):
        line = raw.count(b"\n", 0, match.start()) + 1
        if found and found[-1].line == line:
            continue
        kind = "age 私钥" if match.group().upper().startswith(b"AGE-") else "私钥"
        found.append(problem("E-READ-SECRET", shown_as, line, 1, row=line, kind=kind))
    return found


def parse_document(raw: bytes, shown_as: str) -> Document | list[Problem]:
    """Parse the bytes of one file; see the module's docstring for what is refused."""
    secrets = secret_problems(raw, shown_as)
    if secrets:
        return secrets
    if raw.startswith(codecs.BOM_UTF8):
        return [problem("E-READ-BOM", shown_as)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [_encoding_problem(raw, exc.start, shown_as)]
    controls = _control_problems(text, shown_as)
    if controls:
        return controls
    if not text.strip():
        return [problem("E-READ-EMPTY", shown_as)]
    builder = _Builder(shown_as)
    try:
        builder.run(yaml.parse(text, Loader=_Loader))
    except _Refused as refused:
        return [*builder.problems, refused.problem]
    except yaml.MarkedYAMLError as exc:
        return [*builder.problems, _syntax_problem(exc, text, shown_as)]
    except yaml.YAMLError as exc:
        return [*builder.problems, problem("E-READ-SYNTAX", shown_as,
                                           explanation="YAML 格式错误", detail=str(exc))]
    if builder.problems:
        return builder.problems
    if builder.documents == 0 or builder.root is None:
        return [problem("E-READ-EMPTY", shown_as)]
    return Document(shown_as, builder.root, builder.positions, builder.key_positions,
                    builder.plain_numbers)


def _encoding_problem(raw: bytes, offset: int, shown_as: str) -> Problem:
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    hint = ""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        hint = "（看起来是 UTF-16 编码）"
    else:
        try:
            raw.decode("gb18030")
            hint = "（看起来是 GBK/GB2312 编码，常见于 Windows 记事本或 Excel 另存的文件）"
        except UnicodeDecodeError:
            pass
    return problem("E-READ-ENCODING", shown_as, line, column, row=line, hint=hint)


def _control_problems(text: str, shown_as: str) -> list[Problem]:
    found: list[Problem] = []
    seen_lines: set[int] = set()
    for offset, char in characters.find(text):
        line = text.count("\n", 0, offset) + 1
        if line in seen_lines:
            continue
        seen_lines.add(line)
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        found.append(problem("E-READ-CONTROL", shown_as, line, column,
                             char=characters.describe(char)))
    return found


_SYNTAX_EXPLANATIONS = (
    ("cannot start any token", "这里有制表符（Tab）或不能出现在开头的字符：缩进只能用空格，值里的特殊字符请用引号括起来"),
    ("tab character that violates indentation", "这一行用了制表符（Tab）缩进：缩进只能用空格"),
    ("mapping values are not allowed", "缩进或冒号不对：同一层的字段要左端对齐，一行只写一个“字段: 值”，值里有冒号时请用引号把值括起来"),
    ("did not find expected key", "缩进不一致：同一层的字段要左端对齐，或者有引号没有闭合"),
    ("could not find expected ':'", "这一行缺少“字段: 值”中的冒号，或者上一行的引号没有闭合"),
    ("did not find expected '-'", "列表的缩进不一致：同一列表的“- ”要对齐"),
    ("found unexpected end of stream", "文件意外结束：有引号或括号没有闭合"),
    ("found unknown escape character", "双引号里的反斜杠（\\）用法不对：请改用单引号，或写成两个反斜杠"),
    ("did not find expected", "格式不完整：请检查这一行的缩进、冒号和引号"),
    ("while scanning an alias", "不支持 YAML 的锚点（&）和别名（*）：以 * 或 & 开头的值请用引号括起来"),
    ("while scanning an anchor", "不支持 YAML 的锚点（&）和别名（*）：以 * 或 & 开头的值请用引号括起来"),
)


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, shown_as: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    detail = " ".join(part for part in (exc.context, exc.problem) if part)
    explanation = next((hint for key, hint in _SYNTAX_EXPLANATIONS if key in detail),
                       "这里的 YAML 格式有误，请对照模板检查缩进、冒号和引号")
    lines = text.splitlines()
    # A Chinese input method's full-width colon is the commonest mistake of all.
    for number, content in enumerate(lines[:line], start=1):
        code = content.split("#", 1)[0]  # a comment may use any colon it likes
        if "：" in code and ":" not in code:
            return problem("E-READ-SYNTAX", shown_as, number, content.index("：") + 1,
                           explanation=f"第 {number} 行：用了中文冒号“：”，请改为英文冒号“:”，"
                                       "后面加一个空格", detail=detail)
    # An unclosed quote shows up lines later, where libyaml gives up: point at its line.
    for number, content in enumerate(lines[:line], start=1):
        code = content.split(" #", 1)[0]  # quotes in a comment do not count
        if not code.lstrip().startswith("#") and (code.count('"') - code.count('\\"')) % 2:
            line, column = number, code.index('"') + 1
            explanation = "这一行的引号没有闭合：引号要成对出现"
            break
    return problem("E-READ-SYNTAX", shown_as, line, column,
                   explanation=f"第 {line} 行：{explanation}", detail=detail)


# What a clerk's editor slips in and the repaired copy fixes: a tab in the indentation, and
# the full-width colon of a Chinese input method after a field's name (names are ASCII, so
# Chinese text with a "：" is never taken for a key).
_INDENT = re.compile(r"[ \t]+")
_KEY_COLON = re.compile(r"([ \t]*(?:-[ \t]+)*[A-Za-z_][A-Za-z0-9_]*)[ \t]*：[ \t]*")


def _indent_width(lines: list[str]) -> int:
    """The file's own indentation step (its smallest indentation in spaces), 2 if none: a
    tab stands for one step."""
    widths = [len(found.group()) for line in lines if line.strip()
              and (found := _INDENT.match(line)) and "\t" not in found.group()]
    return min(widths, default=2)


def _repair(lines: list[str], index: int, width: int) -> bool:
    """Fix ``lines[index]`` in place: tabs in its indentation become spaces, a full-width
    colon after a field's name becomes ": ". False when it had neither."""
    text = lines[index]
    indent = _INDENT.match(text)
    if indent and "\t" in indent.group():
        text = indent.group().replace("\t", " " * width) + text[indent.end():]
    text = _KEY_COLON.sub(lambda found: found.group(1) + ": ", text, count=1)
    changed = text != lines[index]
    lines[index] = text
    return changed


def repaired_reading(file: Path, shown_as: str,
                     first: Problem) -> tuple[list[Problem], Document | None]:
    """The file read again as it would be once its tabs and full-width colons are fixed, one
    at a time as YAML trips on them (``first`` is where it tripped first): the problems met on
    the way (each later slip, or another mistake) and the repaired copy once it reads. Only
    for reporting what a file would still have: a copy is never the filing."""
    try:
        lines = file.read_bytes().decode("utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return [], None
    width, line = _indent_width(lines), first.line
    found: list[Problem] = []
    while any(_repair(lines, index, width) for index in range(min(line, len(lines)))):
        result = parse_document("\n".join(lines).encode("utf-8"), shown_as)
        if isinstance(result, Document):
            return found, result
        found += result
        if result[-1].code != "E-READ-SYNTAX":
            break
        line = result[-1].line
    return found, None


class _Frame:
    __slots__ = ("container", "path", "key", "key_mark")

    def __init__(self, container: dict[str, Any] | list[Any], path: JsonPath) -> None:
        self.container = container
        self.path = path
        self.key: str | None = None
        self.key_mark: Position = (1, 1)


class _Builder:
    """Builds plain dicts, lists and scalars from libyaml's events, iteratively."""

    def __init__(self, shown_as: str) -> None:
        self.shown_as = shown_as
        self.problems: list[Problem] = []
        self.positions: dict[JsonPath, Position] = {}
        self.key_positions: dict[JsonPath, Position] = {}
        self.plain_numbers: dict[JsonPath, str] = {}
        self.root: Any = None
        self.documents = 0
        self._stack: list[_Frame] = []

    def run(self, events: Any) -> None:
        for event in events:
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    raise _Refused(problem("E-READ-MULTIDOC", self.shown_as, *_mark(event)))
            elif kind is yaml.AliasEvent:
                raise _Refused(problem("E-READ-ALIAS", self.shown_as, *_mark(event)))
            elif kind is yaml.ScalarEvent:
                self._check_node(event)
                self._check_characters(event)
                self._add(self._resolve(event), event)
            elif kind in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
                self._check_node(event)
                self._open(event, {} if kind is yaml.MappingStartEvent else [])
            elif kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                frame = self._stack.pop()
                if not self._stack:
                    self.root = frame.container

    def _check_node(self, event: Any) -> None:
        if event.anchor is not None:
            raise _Refused(problem("E-READ-ALIAS", self.shown_as, *_mark(event)))
        if event.tag is not None:
            raise _Refused(problem("E-READ-TAG", self.shown_as, *_mark(event), tag=event.tag))

    def _check_characters(self, event: Any) -> None:
        """The raw text was checked; an escape in a quoted value (``"\\u202e"``) is read only
        now, so every value is looked at again as the program will see it."""
        if event.style != '"':
            return  # only double quotes have escapes; the raw check saw everything else
        char = characters.first(event.value)
        if char is not None:
            self.problems.append(problem("E-READ-CONTROL", self.shown_as, *_mark(event),
                                         char=characters.describe(char)))
        # A key spelt with escapes ("\\x41GE-SECRET-KEY-1…") is a key all the same.
        value = event.value.encode("utf-8", "replace")
        if _SECRET.search(value):
            line = _mark(event)[0]
            kind = "age 私钥" if b"AGE-" in value.upper() else "私钥"
            self.problems.append(problem("E-READ-SECRET", self.shown_as, *_mark(event),
                                         row=line, kind=kind))

    def _resolve(self, event: Any) -> Any:
        text: str = event.value
        if not event.implicit[0]:
            return text  # quoted or block scalar: always text
        if text in _NULLS:
            return None
        if text in _BOOLEANS:
            return _BOOLEANS[text]
        if _INTEGER.match(text):
            return int(text)
        return text

    def _open(self, event: Any, container: dict[str, Any] | list[Any]) -> None:
        path = self._add(container, event)
        if len(self._stack) >= DEPTH_LIMIT:
            raise _Refused(problem("E-READ-DEPTH", self.shown_as, *_mark(event),
                                   limit=DEPTH_LIMIT))
        self._stack.append(_Frame(container, path))

    def _add(self, value: Any, event: Any) -> JsonPath:
        """Attach ``value`` to the open container; return the value's path."""
        mark = _mark(event)
        if not self._stack:
            if not isinstance(value, (dict, list)):
                self.root = value
            self.positions[()] = mark
            return ()
        frame = self._stack[-1]
        container = frame.container
        if isinstance(container, list):
            path = (*frame.path, len(container))
            container.append(value)
        elif frame.key is None:
            if isinstance(value, (dict, list)):
                raise _Refused(problem("E-READ-KEY", self.shown_as, *mark))
            key = str(event.value)
            if key in container:
                first = self.key_positions[frame.path + (key,)]
                self.problems.append(problem("E-READ-DUPKEY", self.shown_as, *mark,
                                             key=key, first_line=first[0]))
                key = f"\x00duplicate:{len(self.problems)}"
            frame.key, frame.key_mark = key, mark
            return frame.path
        else:
            path = (*frame.path, frame.key)
            if not frame.key.startswith("\x00duplicate:"):
                container[frame.key] = value
            self.key_positions[path] = frame.key_mark
            frame.key = None
        self.positions[path] = mark
        if type(value) is int and type(event) is yaml.ScalarEvent:
            self.plain_numbers[path] = event.value
        return path


def _mark(event: Any) -> Position:
    return (event.start_mark.line + 1, event.start_mark.column + 1)
