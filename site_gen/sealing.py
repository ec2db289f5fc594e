"""Sealed contacts: the personal part of a filing, encrypted with age to the bureaus that
need it, so that the registry can be read by every filer without exposing anyone's phone.

* ``contacts`` in a filing or ``_unit.yaml`` is either the plain mapping or one
  ASCII-armoured age ciphertext (a YAML literal block) of that mapping's YAML.
* The recipients are the X25519 public keys (``contact_keys``) of the unit and of every unit
  above it: the supervising bureaus read everything below them, and nothing beside them.
* A root ``seal_contacts: true`` makes plaintext contacts an error at validation, so they
  never reach the main branch. The validator never decrypts: it has no key.
* Only commands given a private key (``--identity FILE`` or the environment variable
  ``SITE_GEN_AGE_IDENTITY``) decrypt; contacts that then cannot be opened or are not valid
  become audit findings, and their cells in the forms say why they are empty.
* What is wrong with decrypted contacts is said by field, never by value
  (``contact_problems``): those messages reach audit findings, job summaries and CI logs.
* The workbooks made with a key leave CI as one binary age file per bureau, sealed to the
  same recipients (``seal_bytes``, ``spreadsheets/sealed.py``), which ``open_bytes`` opens.

Encryption is pyrage (the Rust age implementation); the filing form uses the vendored
TypeScript one (site_gen/static/vendor/age/), which writes the same format.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyrage
from pyrage import x25519

from .loader import Document, parse_document
from .model import Sealed, Unit
from .yamltext import yaml_lines

ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----"
ARMOR_END = "-----END AGE ENCRYPTED FILE-----"
IDENTITY_ENV = "SITE_GEN_AGE_IDENTITY"
NO_KEY = Sealed("sealed")


class SealError(Exception):
    """Something that stops sealing or opening, in Chinese; ``reason`` as in ``Sealed``."""

    def __init__(self, message: str, reason: str = "damaged") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.lstrip().startswith(ARMOR_BEGIN)


def armour_problem(text: str) -> str | None:
    """What is wrong with a sealed text that can be seen without a key, or None: the armour
    decodes and starts with an age header for X25519 recipients."""
    lines = text.strip().split("\n")
    if len(lines) < 3 or lines[0] != ARMOR_BEGIN or lines[-1] != ARMOR_END:
        return "开头或结尾的 -----BEGIN/END AGE ENCRYPTED FILE----- 行不完整"
    try:
        raw = base64.b64decode("".join(line.strip() for line in lines[1:-1]), validate=True)
    except (binascii.Error, ValueError):
        return "密文的编码被改动过，无法还原"
    if not raw.startswith(b"age-encryption.org/v1\n"):
        return "这不是 age 加密的内容"
    end = raw.find(b"\n--- ")
    stanzas = [line for line in raw[:max(end, 0)].split(b"\n") if line.startswith(b"-> ")]
    if end < 0 or not stanzas:
        return "密文的头部不完整"
    # age writes random "grease" stanzas beside the real ones; a passphrase (scrypt) stanza
    # would mean no bureau key can open it.
    if not any(line.startswith(b"-> X25519 ") for line in stanzas) \
            or any(line.startswith(b"-> scrypt ") for line in stanzas):
        return "只能用 age 公钥（age1…）加密，不能用口令"
    return None


def recipients(units: Mapping[str, Unit], path: str) -> tuple[str, ...]:
    """The public keys the contacts of the unit at ``path`` (or of its accounts) are sealed
    to: the root's first, then each unit's down to this one; each key once."""
    chain: list[Unit] = []
    current: str | None = path
    while current is not None and current in units:
        chain.append(units[current])
        current = units[current].parent
    return tuple(dict.fromkeys(key for unit in reversed(chain) for _, key in unit.contact_keys))


def contacts_text(contacts: Mapping[str, Any]) -> str:
    return "".join(yaml_lines(contacts))


def _recipients(keys: Sequence[str]) -> list[x25519.Recipient]:
    if not keys:
        raise SealError("单位树里没有解密公钥（contact_keys），无法加密：请先在根单位的 _unit.yaml "
                        "中填写 contact_keys（见 docs/contacts.md）。", "no_keys")
    try:
        return [x25519.Recipient.from_str(key) for key in keys]
    except pyrage.RecipientError:
        raise SealError("contact_keys 里有写错的公钥，请运行 site-gen validate 查看。",
                        "no_keys") from None


def seal(contacts: Mapping[str, Any], keys: Sequence[str]) -> str:
    """The armoured ciphertext of ``contacts`` for ``keys`` (age1… public keys)."""
    sealed = pyrage.encrypt(contacts_text(contacts).encode("utf-8"), _recipients(keys),
                            armored=True)
    return bytes(sealed).decode("ascii")


def seal_bytes(data: bytes, keys: Sequence[str]) -> bytes:
    """A binary age file of ``data`` for ``keys`` (a report bundle, ``*.zip.age``), which
    ``age -d``, ``site-gen contacts open`` and the portal's /open/ page can open."""
    return bytes(pyrage.encrypt(data, _recipients(keys)))


def open_bytes(data: bytes, keys: tuple[str, ...]) -> bytes:
    """The plaintext of an age file (binary or armoured); SealError (not_for_key, damaged)
    when it cannot be had with ``keys``."""
    try:
        return bytes(pyrage.decrypt(data, _identities(keys)))
    except pyrage.DecryptError as error:
        if "no matching keys" in str(error).lower():
            raise SealError("所给的私钥打不开这个文件：它只加密给了本单位和各级上级单位的密钥。",
                            "not_for_key") from None
        raise SealError("文件已损坏（被改动过或不完整），或者不是 age 加密的文件，无法解密。",
                        "damaged") from None


def parse_identities(text: str, source: str) -> tuple[str, ...]:
    """The private keys in an age identity file's text (comments and blank lines skipped).
    The keys themselves never appear in a message."""
    keys = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("age1"):
            raise SealError(f"{source} 第 {number} 行是公钥（age1…）。解密要用私钥（AGE-SECRET-KEY-1…），"
                            "也就是 site-gen contacts keygen 写下的密钥文件。", "bad_key")
        try:
            x25519.Identity.from_str(line)
        except pyrage.IdentityError:
            raise SealError(f"{source} 第 {number} 行不是 age 私钥（应以 AGE-SECRET-KEY-1 开头）。",
                            "bad_key") from None
        keys.append(line)
    if not keys:
        raise SealError(f"{source} 里没有私钥（AGE-SECRET-KEY-1…）。", "bad_key")
    return tuple(keys)


def load_identities(path: Path | None, environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The private keys of ``--identity FILE``, else of ``$SITE_GEN_AGE_IDENTITY`` (a CI
    secret holding the file's text), else none."""
    if path is not None:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise SealError(f"无法读取密钥文件 {path}：{error}", "bad_key") from None
        return parse_identities(text, f"密钥文件 {path}")
    env = os.environ if environ is None else environ
    text = env.get(IDENTITY_ENV, "")
    return parse_identities(text, f"环境变量 {IDENTITY_ENV}") if text.strip() else ()


@lru_cache(maxsize=8)
def _identities(keys: tuple[str, ...]) -> list[x25519.Identity]:
    return [x25519.Identity.from_str(key) for key in keys]


def unseal(text: str, keys: tuple[str, ...]) -> bytes:
    """The plaintext of a sealed text; SealError (not_for_key, damaged) when it cannot be."""
    problem = armour_problem(text)
    if problem:
        raise SealError(f"密文已损坏：{problem}。", "damaged")
    try:
        return bytes(pyrage.decrypt(text.strip().encode("ascii") + b"\n", _identities(keys)))
    except pyrage.DecryptError as error:
        if "no matching keys" in str(error).lower():
            raise SealError("不是加密给所给密钥的：请用本单位或上级单位的密钥，或请上级运行 "
                            "site-gen contacts rekey。", "not_for_key") from None
        raise SealError("密文已损坏（被改动过或不完整），无法解密：请从 Git 历史恢复，"
                        "或重新填写联系人后加密。", "damaged") from None


def open_contacts(text: str, keys: tuple[str, ...], kind: str, file: str) -> dict[str, Any] | Sealed:
    """Decrypted and checked contacts, or ``Sealed`` saying why they cannot be used (in
    words that name fields, never quote what they hold: see ``contact_problems``)."""
    from .schemas import coerce_plain_numbers

    try:
        raw = unseal(text, keys)
    except SealError as error:
        return Sealed(error.reason, error.message)
    doc = parse_document(raw, file)
    if isinstance(doc, list):
        # The loader's message may quote the line it could not read: only its number here.
        return Sealed("invalid", f"解密后的内容不是有效的 YAML（解密后第 {doc[0].line} 行）。")
    if not isinstance(doc.data, dict):
        return Sealed("invalid", "解密后的内容不是“字段: 值”的形式。")
    wrapped = Document(file, {"contacts": doc.data}, {}, {},
                       {("contacts", *path): number for path, number in doc.plain_numbers.items()})
    coerce_plain_numbers(wrapped, kind)
    messages = contact_problems(kind, doc.data)
    if messages:
        return Sealed("invalid", "".join(messages[:3]))  # each ends with 。
    return dict(doc.data)


def contact_problems(kind: str, contacts: Any) -> list[str]:
    """What is wrong with a ``contacts`` mapping, one message per field: the field and what
    it should hold, never what was written. These messages reach audit findings, job
    summaries and CI logs, where a quoted phone number would undo the sealing (the
    validator's own messages, for filers looking at their own file, quote the value)."""
    from jsonschema import Draft202012Validator

    from .labels import ENUM_LABELS
    from .schemas import _EXPECTED_TYPE, _explained, _title, display_path, field_schemas

    chain = field_schemas(kind, ("contacts",))
    if not chain:
        return []
    messages = []
    for error in _explained(Draft202012Validator(chain[-1]).iter_errors(contacts)):
        path = ("contacts", *error.absolute_path)
        name = f"“{display_path(path)}”（{_title(kind, path)}）"
        validator = error.validator
        if validator == "required":
            field = (*path, error.message)  # the missing field's name, from the schema
            messages.append(f"“{display_path(path)}”中缺少必填项“{error.message}”"
                            f"（{_title(kind, field)}）。")
        elif validator == "additionalProperties":  # the unknown name was typed by the filer
            messages.append(f"“{display_path(path[:-1])}”中有不认识的字段（字段名区分大小写）。")
        elif validator == "type" and error.instance is None:
            messages.append(f"{name}没有填写内容。")
        elif validator == "type":
            messages.append(f"{name}{_EXPECTED_TYPE.get(str(error.validator_value), '类型不对')}。")
        elif validator == "enum":
            choices = "、".join(f"{c}（{ENUM_LABELS[c]}）" if c in ENUM_LABELS else str(c)
                                for c in error.validator_value)
            messages.append(f"{name}只能是以下之一：{choices}。")
        elif validator == "pattern":
            expected = (error.schema.get("x-format") or error.schema.get("description")
                        or "请对照说明填写")
            messages.append(f"{name}格式不对：{str(expected).rstrip('。')}。")
        elif validator in ("minLength", "maxLength"):
            word = "至少" if validator == "minLength" else "最多"
            messages.append(f"{name}长度不对：{word} {error.validator_value} 个字。")
        else:
            messages.append(f"{name}不符合要求。")
    return messages


def open_contacts_in(data: dict[str, Any], kind: str, file: str, keys: tuple[str, ...]) -> None:
    """Replace sealed ``contacts`` in a filing's data by what they are here: the decrypted
    mapping, or ``Sealed`` (no key, or why the key could not open them)."""
    value = data.get("contacts")
    if isinstance(value, str) and is_sealed(value):
        data["contacts"] = open_contacts(value, keys, kind, file) if keys else NO_KEY


def contacts_block(text: str, doc: Document) -> tuple[int, int]:
    """The lines (0-based, end exclusive) of the top-level ``contacts`` block in a file's
    text: its key line and every indented line after it, up to the next top-level key.
    Comments inside the block belong to it (they may hold personal data)."""
    start = doc.key_position(("contacts",))[0] - 1
    lines = text.splitlines()
    last = start
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if line[:1] in (" ", "\t"):
            last = index
        elif line.strip() and not line.startswith("#"):
            break
    return start, last + 1


def with_sealed_contacts(text: str, doc: Document, sealed: str) -> str:
    """The file's text with its ``contacts`` block replaced by the sealed literal block."""
    start, end = contacts_block(text, doc)
    lines = text.splitlines(keepends=True)
    return "".join(lines[:start]) + contacts_block_text(sealed) + "".join(lines[end:])


def contacts_block_text(sealed: str) -> str:
    """``contacts:`` with the sealed text as a YAML literal block (kept line for line)."""
    return "contacts: |\n" + "".join(f"  {line}\n" for line in sealed.strip().split("\n"))


@dataclass(frozen=True)
class FileResult:
    """What sealing or rekeying did to one file: ``sealed`` (written), ``kept`` (already
    sealed, or no contacts: untouched) or ``refused`` with the reason (untouched)."""

    file: str
    status: str
    reason: str = ""


def reseal_file(root: Path, file: str, kind: str, keys: Sequence[str],
                identities: tuple[str, ...] = ()) -> FileResult:
    """Seal a file's plaintext contacts to ``keys``, checked first; with ``identities``
    (a rekey), also open its sealed contacts and seal them again to ``keys``. The rest of
    the file is kept byte for byte."""
    from .loader import SIZE_LIMIT, read_document
    from .schemas import coerce_plain_numbers

    doc = read_document(root / file, file, SIZE_LIMIT)
    if isinstance(doc, list):
        return FileResult(file, "refused", f"文件读不出来：{doc[0].message}")
    value = doc.data.get("contacts") if isinstance(doc.data, dict) else None
    if value is None:
        return FileResult(file, "kept")
    if is_sealed(value):
        if not identities:
            return FileResult(file, "kept")
        opened = open_contacts(value, identities, kind, file)
        if isinstance(opened, Sealed):
            return FileResult(file, "refused", opened.detail)
        contacts = opened
    elif isinstance(value, dict):
        coerce_plain_numbers(doc, kind)
        messages = contact_problems(kind, value)
        if messages:
            return FileResult(file, "refused", "".join(messages[:3]))
        contacts = value
    else:
        return FileResult(file, "refused", "contacts 既不是“字段: 值”，也不是密文。")
    try:
        sealed = seal(contacts, keys)
    except SealError as error:
        return FileResult(file, "refused", error.message)
    text = (root / file).read_text("utf-8")
    (root / file).write_text(with_sealed_contacts(text, doc, sealed), "utf-8")
    return FileResult(file, "sealed")
