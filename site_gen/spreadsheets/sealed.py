"""Sealed report bundles: every workbook made for one bureau, zipped and encrypted with age.

The workbooks hold decrypted contacts (names, phones, WeChat IDs). Where they leave the
machine that made them (a CI artifact, readable by whoever can read the repository), they
leave as one ``S<简称>新媒体(网站)报表.zip.age`` per bureau, sealed to the keys that may
read that bureau's contacts anyway: its own ``contact_keys`` and those of every unit above
it (``sealing.recipients``). The city's key opens the city's bundle and every district's;
a district's key opens its own bundle only.

A bundle is a binary age file (``age -d -i key.agekey file.zip.age > file.zip`` opens it)
of a plain zip (ZIP_DEFLATED, members sorted by name, dated the sending day), which
``site-gen contacts open`` and the portal's /open/ page read.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from ..model import Unit
from ..sealing import recipients, seal_bytes
from . import file_stem

SUFFIX = ".zip.age"
# A bundle holds a few workbooks; a province's is some tens of MB. Anything far larger is
# not one of ours (or is a zip bomb): refused before it is written out.
MAX_CONTENT = 512 * 1024**2  # a province's workbooks are tens of MB; more is no report of ours


class BundleError(Exception):
    """A bundle that cannot be read, in Chinese."""


def bundle_name(unit: Unit, sent_on: str) -> str:
    return file_stem(unit, sent_on, "报表") + SUFFIX


def unsealable(units: Mapping[str, Unit], tops: Iterable[Unit]) -> list[Unit]:
    """The units of ``tops`` whose bundle no key could open: none in their chain."""
    return [unit for unit in tops if not recipients(units, unit.path)]


def zip_bytes(members: Iterable[Path], sent_on: str) -> bytes:
    """The files as one zip: by name, each dated the sending day, readable by its owner
    only when extracted by ``unzip``; the same files give the same bytes."""
    stamp = date.fromisoformat(sent_on).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for member in sorted(members, key=lambda path: path.name):
            info = zipfile.ZipInfo(member.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100600 << 16
            bundle.writestr(info, member.read_bytes())
    return buffer.getvalue()


def seal_bundle(units: Mapping[str, Unit], unit: Unit, members: Iterable[Path], sent_on: str,
                out: Path) -> Path:
    """Write ``unit``'s bundle of ``members`` into ``out``, sealed to its chain's keys."""
    target = out / bundle_name(unit, sent_on)
    target.write_bytes(seal_bytes(zip_bytes(members, sent_on), recipients(units, unit.path)))
    return target


@dataclass(frozen=True)
class Member:
    name: str  # a relative POSIX path, checked: no absolute path, no ``..``
    content: bytes


def safe_name(name: str) -> str | None:
    """The member's name when it stays inside the folder it is extracted to, else None."""
    if not name or "\\" in name or "\0" in name or name.startswith("/") \
            or (len(name) > 1 and name[1] == ":"):
        return None
    parts = PurePosixPath(name).parts
    if not parts or any(part in ("..", ".") for part in parts):
        return None
    return "/".join(parts)


def read_bundle(data: bytes) -> list[Member]:
    """The files of a decrypted bundle (a zip), checked before anything is written."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BundleError("解密成功，但里面不是 zip 压缩包：这不是 site-gen report 生成的报表包。") from None
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        unsafe = [info.filename for info in infos if safe_name(info.filename) is None]
        if unsafe:
            raise BundleError(f"报表包里有 {len(unsafe)} 个文件的路径不安全（绝对路径或含有 ..），"
                              "为防止写到别的文件夹，没有解开任何文件。")
        if sum(info.file_size for info in infos) > MAX_CONTENT:
            raise BundleError("报表包解开后过大，不是 site-gen report 生成的报表包，没有解开。")
        names = [safe_name(info.filename) for info in infos]
        if len(set(names)) != len(names):
            raise BundleError("报表包里有重名的文件，没有解开任何文件。")
        try:
            return [Member(str(name), archive.read(info)) for name, info in zip(names, infos,
                                                                                strict=True)]
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError,
                NotImplementedError, RuntimeError):
            raise BundleError("解密成功，但里面的压缩包已损坏，无法解开。") from None
