"""The static verify API (``api/v1/``): one small JSON file an account, for a platform or a
browser extension that checks one handle with one request (404: not filed).

- ``api/v1/accounts/<platform>/<key>.json`` and ``a/<code>.json``: the same record
  (``account_record``), written beside the account pages by the same worker processes;
- ``api/v1/accounts/<platform>.json``: that platform's keys (sorted) → code;
- ``api/v1/index.json``: the version, the address patterns, the platforms and the schemas.

The key is the ID as the registry compares it (``identity.account_key``: NFKC, trimmed,
lower case, no leading ``@``, a website without ``www.``), made a file name by ``api_key``.
Built from the public view only; the proof says which kinds were
checked and when, never by whom. The per-platform index sits beside the platform's folder,
not in it, so that an account whose key is ``index`` keeps its own file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import NotPossible
from .identity import NOT_SLUG, account_key, is_slug
from .labels import PLATFORMS
from .public import PublicAccount

API_VERSION = "1"
API_ROOT = "api/v1"
# Published beside the files (schema/ in the repository → api/v1/).
SCHEMAS = {"account.schema.json": "api-account.schema.json",
           "platform.schema.json": "api-platform.schema.json",
           "index.schema.json": "api-index.schema.json"}


def api_key(platform: str, account_id: str) -> str:
    """The account's file name in ``api/v1/accounts/<platform>/`` (without ``.json``): the
    normalised ID when it is a slug, else its slug form with ``~`` and a digest — a
    character no slug holds, so no filed ID can take another's hashed key (docs/opendata.md)."""
    key = account_key(platform, account_id)[1]
    if is_slug(key) and len(key) <= 100:
        return key
    cleaned = NOT_SLUG.sub("-", key).strip("-._")[:60]
    return f"{cleaned}~{hashlib.sha1(key.encode('utf-8')).hexdigest()[:8]}"


def account_path(account: PublicAccount) -> str:
    return f"{API_ROOT}/accounts/{account.platform}/{api_key(account.platform, account.account_id)}.json"


def code_path(account: PublicAccount) -> str:
    return f"a/{account.code}.json"


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def account_record(account: PublicAccount, base: str | None, demo: bool) -> bytes:
    """The one record of an account, compact UTF-8 JSON. ``page`` is absolute when the
    portal's address (``base``, ending in ``/``) is known, else relative to the site root."""
    return _json({
        "api": API_VERSION, "demo": demo, "status": account.status, "name": account.name,
        "platform": account.platform, "platform_label": account.platform_label,
        "account_id": account.account_id,
        "key": api_key(account.platform, account.account_id),
        "unit": account.unit_name, "unit_path": account.unit,
        "opened_on": account.opened_on, "filed_on": account.filed_on,
        "suspended_on": account.suspended_on, "deregistered_on": account.deregistered_on,
        "proof": {"checked": bool(account.proof),
                  "kinds": list(dict.fromkeys(p.kind for p in account.proof)),
                  "last_checked_on": max((p.checked_on for p in account.proof), default=None)},
        "page": (base or "") + account.href, "code": account.code,
    })


def write_account_records(site: Path, accounts: Sequence[PublicAccount], site_url: str | None,
                          demo: bool) -> None:
    """Write both files of each account (the worker processes of ``portal`` call this)."""
    base = site_url.rstrip("/") + "/" if site_url else None
    folders: set[Path] = set()
    for account in accounts:
        record = account_record(account, base, demo)
        for uri in (account_path(account), code_path(account)):
            path = site / uri
            if path.parent not in folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                folders.add(path.parent)
            path.write_bytes(record)


def api_files(accounts: Sequence[PublicAccount], generated_on: str, demo: bool,
              site_url: str | None) -> dict[str, bytes]:
    """The per-platform indexes, ``index.json`` and the schemas (the records are written by
    ``write_account_records``). Two accounts sharing a key would share a file: refused."""
    by_platform: dict[str, dict[str, str]] = {platform: {} for platform in PLATFORMS}
    for account in accounts:
        keys = by_platform[account.platform]
        key = api_key(account.platform, account.account_id)
        if key in keys:
            raise NotPossible(f"{account.platform_label}的两个账号的核验接口文件名相同（{key}.json），"
                              "请把这个问题报告给 site-gen 的维护者。")
        keys[key] = account.code
    files = {f"{API_ROOT}/accounts/{platform}.json": _json(dict(sorted(keys.items())))
             for platform, keys in by_platform.items() if keys}
    folder = resources.files("site_gen.schema")
    for published, shipped in SCHEMAS.items():
        files[f"{API_ROOT}/{published}"] = folder.joinpath(shipped).read_bytes()
    index = {
        "api": API_VERSION, "generated_on": generated_on, "demo": demo,
        "site": site_url.rstrip("/") + "/" if site_url else None,
        "account": f"{API_ROOT}/accounts/{{platform}}/{{key}}.json",
        "by_code": "a/{code}.json",
        "page": "a/{code}/",
        "schemas": {"account": f"{API_ROOT}/account.schema.json",
                    "platform": f"{API_ROOT}/platform.schema.json",
                    "index": f"{API_ROOT}/index.schema.json"},
        "platforms": {platform: {"label": PLATFORMS[platform], "count": len(keys),
                                 "index": f"{API_ROOT}/accounts/{platform}.json"}
                      for platform, keys in by_platform.items() if keys},
    }
    files[f"{API_ROOT}/index.json"] = json.dumps(
        index, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
    return files
