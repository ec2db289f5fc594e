"""``site-gen contacts``: make a key pair, seal contacts, show them to a key holder, rekey,
open a sealed report bundle."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import click
from pyrage import x25519

from .. import clock
from ..errors import UsageError
from ..model import Unit
from ..rules import load_units, paths
from ..sealing import (
    FileResult,
    SealError,
    contacts_text,
    is_sealed,
    load_identities,
    open_contacts,
    recipients,
    reseal_file,
)
from . import registry_root


def identities(path: Path | None) -> tuple[str, ...]:
    """The private keys of ``--identity`` or ``$SITE_GEN_AGE_IDENTITY``, checked; a key file
    others may read is used, with a warning (as ssh warns of an open private key)."""
    try:
        keys = load_identities(path)
    except SealError as error:
        raise UsageError(error.message) from None
    if path is not None:
        warn_if_readable(path)
    return keys


DEMO_KEY_MARK = "# 演示用，切勿用于真实数据"  # the first line of demo-keys/*.agekey


def warn_if_readable(path: Path) -> None:
    """Say so when the group or others may read the key file (not on Windows, whose
    permissions are not these bits). The demo's keys are public with the repository (and
    Git keeps no 0600): no warning for a file that says it is one."""
    if os.name == "nt":
        return
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            demo = handle.readline().startswith(DEMO_KEY_MARK)
    except OSError:
        return
    if demo:
        return
    if mode & 0o077:
        click.echo(f"警告：私钥文件 {path} 的权限是 {mode:04o}，本机的其他用户也能读取。"
                   f"请运行 chmod 600 {path}，只让自己能读。（本次仍然使用它。）", err=True)


def _kind(file: str) -> str:
    return "unit" if file.rsplit("/", 1)[-1] == paths.UNIT_FILE else "account"


def _chosen(root: Path, given: tuple[str, ...]) -> list[tuple[str, str]]:
    """(file, unit path) of the files named, or of every unit and account filing in the
    folders named (paths from here, or from the registry root), or in the whole registry."""
    layout = paths.discover(root)
    known = {file: unit for unit, file in layout.units.items()}
    known.update(dict(layout.accounts))
    if not given:
        return sorted(known.items())
    chosen: dict[str, str] = {}
    for text in given:
        candidate = Path(text)
        if not candidate.is_absolute():
            here = Path.cwd() / candidate
            candidate = here if here.exists() else root / candidate
        try:
            file = candidate.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            file = text
        inside = {f: u for f, u in known.items() if f == file or f.startswith(file + "/")}
        if not inside:
            raise UsageError(f"{text} 不是登记库里的备案文件、单位文件或单位文件夹（filings/ 下，"
                             "假冒名单除外）。")
        chosen.update(inside)
    return sorted(chosen.items())


def _report(results: list[FileResult], verb: str) -> int:
    for result in results:
        if result.status == "refused":
            click.echo(f"{result.file}: 没有{verb}：{result.reason}", err=True)
    done = sum(r.status == "sealed" for r in results)
    kept = sum(r.status == "kept" for r in results)
    refused = len(results) - done - kept
    click.echo(f"已{verb} {done} 个文件，{kept} 个无需改动" + (f"，{refused} 个没有{verb}（见上）" if refused else "")
               + "。" + ("请检查改动后提交（git diff，git commit）。" if done else ""))
    return 1 if refused else 0


def _units_with_keys(root: Path) -> dict[str, Unit]:
    units = load_units(root)
    if not any(unit.contact_keys for unit in units.values()):
        raise UsageError("单位文件里没有解密公钥（contact_keys），无法加密：请先用 site-gen contacts "
                         "keygen 生成密钥，把公钥写进根单位的 _unit.yaml（见 docs/contacts.md）。")
    return units


def run_seal(root: Path, given: tuple[str, ...]) -> int:
    """Seal the plaintext contacts of the files named, or of the whole registry."""
    root = registry_root(root)
    units = _units_with_keys(root)
    results = [reseal_file(root, file, _kind(file), recipients(units, unit)) for file, unit in
               _chosen(root, given)]
    return _report(results, "加密")


def run_rekey(root: Path, given: tuple[str, ...], identity: Path | None) -> int:
    """Open every sealed file with the given key and seal it again to today's recipients."""
    root = registry_root(root)
    keys = identities(identity)
    if not keys:
        raise UsageError("rekey 要先解密：请用 --identity 给出私钥文件，或设置环境变量 "
                         "SITE_GEN_AGE_IDENTITY。")
    units = _units_with_keys(root)
    results = [reseal_file(root, file, _kind(file), recipients(units, unit), keys)
               for file, unit in _chosen(root, given)]
    return _report(results, "重新加密")


def run_show(root: Path, given: str, identity: Path | None) -> int:
    """Print one file's contacts, decrypted with the given key."""
    from ..loader import SIZE_LIMIT, read_document

    root = registry_root(root)
    chosen = _chosen(root, (given,))
    if len(chosen) != 1:
        raise UsageError(f"{given} 是文件夹：show 一次显示一个文件，请写出文件名。")
    [(file, _)] = chosen
    doc = read_document(root / file, file, SIZE_LIMIT)
    if isinstance(doc, list):
        click.echo(f"{file}: {doc[0].message}", err=True)
        return 1
    value = doc.data.get("contacts") if isinstance(doc.data, dict) else None
    if value is None:
        click.echo(f"{file} 没有填写联系人。")
        return 0
    if not is_sealed(value):
        click.echo(f"# {file} 的联系人没有加密（明文）：", err=True)
        click.echo(contacts_text(value) if isinstance(value, dict) else str(value), nl=False)
        return 0
    keys = identities(identity)
    if not keys:
        raise UsageError("联系人已加密：请用 --identity 给出私钥文件，或设置环境变量 "
                         "SITE_GEN_AGE_IDENTITY。")
    opened = open_contacts(value, keys, _kind(file), file)
    if not isinstance(opened, dict):
        click.echo(f"{file}: {opened.detail}", err=True)
        return 1
    click.echo(f"# {file} 的联系人（已解密，只供工作使用，请勿外传）：", err=True)
    click.echo(contacts_text(opened), nl=False)
    return 0


def run_keygen(target: Path, holder: str) -> int:
    """Write a new private key to ``target`` (only its owner may read it); print the public
    key and the lines to add to ``_unit.yaml``."""
    holder = holder.strip()
    if len(holder) < 2:
        raise UsageError("--holder 请写持有私钥的岗位，例如 办公室（信息科）。")
    if target.exists():
        raise UsageError(f"{target} 已经存在：不会覆盖已有的密钥。请换一个文件名。")
    if any(part == "filings" for part in target.resolve().parts):
        raise UsageError("私钥不能放在 filings/ 里：那里的内容会提交到仓库。")
    key = x25519.Identity.generate()
    public = str(key.to_public())
    text = (f"# site-gen contacts keygen 生成的 age 私钥。持有人：{holder}；生成于 {clock.today()}。\n"
            "# 这是私钥：不要提交到仓库，不要发到聊天群或邮件；丢失后无法解密，请按 docs/contacts.md 备份。\n"
            f"# 公钥：{public}\n{key}\n")
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
    click.echo(f"已把私钥写入 {target}（只有您能读取）。请妥善保管并备份。")
    click.echo(f"公钥：{public}")
    click.echo("把下面几行加到本单位的 _unit.yaml，经上级审核合并后，再运行 site-gen contacts rekey：")
    click.echo(f'contact_keys:\n  - holder: "{holder}"\n    key: "{public}"')
    return 0


def run_open(bundle: Path, identity: Path | None, out: Path | None, force: bool) -> int:
    """Decrypt a sealed report bundle (``site-gen report --seal``) and write its workbooks
    into ``out`` (default: a folder named after the bundle, here), each readable by its
    owner only. Nothing is written when any member's path is unsafe, and no file is
    overwritten unless ``force`` (and then each is named)."""
    from ..sealing import open_bytes
    from ..spreadsheets.sealed import SUFFIX, BundleError, read_bundle

    keys = identities(identity)
    if not keys:
        raise UsageError("打开报表包要用私钥：请用 --identity 给出私钥文件，或设置环境变量 "
                         "SITE_GEN_AGE_IDENTITY。")
    try:
        data = bundle.read_bytes()
    except OSError as error:
        click.echo(f"无法读取 {bundle}：{error.strerror or error}。", err=True)
        return 1
    try:
        members = read_bundle(open_bytes(data, keys))
    except SealError as error:
        if error.reason == "not_for_key":
            click.echo(f"这个私钥打不开 {bundle.name}：报表包只加密给了该单位和各级上级单位的密钥，"
                       "请换用正确的私钥文件。", err=True)
        else:
            click.echo(f"{bundle.name} 已损坏（被改动过或不完整），或者不是 age 加密的报表包，无法解密。",
                       err=True)
        return 1
    except BundleError as error:
        click.echo(f"{bundle.name}：{error}", err=True)
        return 1
    if out is None:
        name = bundle.name
        out = Path(name[:-len(SUFFIX)] if name.endswith(SUFFIX) else bundle.stem)
    existing = [m.name for m in members if os.path.lexists(out / m.name)]
    if existing and not force:
        click.echo(f"{out} 里已经有 {'、'.join(existing)}，没有覆盖，也没有解开任何文件。"
                   "请换一个 --out 文件夹，或加 --force 覆盖。", err=True)
        return 1
    for member in members:
        target = out / member.name
        _private_folder(target.parent)
        if target.is_symlink():
            target.unlink()  # never write through a link somewhere else
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(target, flags, 0o600)
        with os.fdopen(descriptor, "wb") as written:
            if hasattr(os, "fchmod"):
                os.fchmod(written.fileno(), 0o600)  # an overwritten file keeps no wider mode
            written.write(member.content)
        click.echo(str(target))
        if member.name in existing:
            click.echo(f"注意：已覆盖原有的 {target}。", err=True)
    click.echo(f"已解开 {len(members)} 个文件到 {out}（只有您能读取）。其中有联系人，只供工作使用，"
               "请勿外传，用完请删除。")
    return 0


def _private_folder(folder: Path) -> None:
    """Make ``folder`` (and its missing parents) readable by this user only."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(mode=0o700)
