"""``site-gen build``: validate, then generate the portal's pages and open data.

What is made here is independent of the theme: ``theme`` hands it to mkdocs (the generated
pages and data files, and the portal's static assets from ``site_gen/static/``, as
``File.generated``; nothing generated is written into ``docs/``) and writes, after mkdocs,
the unit pages (20,000 in a province, ``unitpages``) with each unit's files, and the lean
verify page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timezone
from importlib import resources
from itertools import chain
from pathlib import Path

from . import clock, lookup, opendata
from .api import api_files
from .audit import public_notices
from .errors import NotPossible
from .feeds import feed_files
from .history import SHALLOW_WARNING, read_history
from .identity import account_code
from .labels import PLATFORMS, STATUSES
from .model import Registry
from .portal import (
    Notice,
    NoticedAccount,
    form_data,
    render_pages,
    unit_page,
    verify_page,
)
from .public import PublicAccount, PublicRegistry, public_registry, unit_href
from .reporters import format_text
from .rules import check_registry


def static_assets() -> Iterator[tuple[str, bytes]]:
    """The portal's scripts, styles and vendored libraries, shipped in the package
    (``site_gen/static/``) and published under ``assets/``: a registry that upgrades
    site-gen gets them with it, and its ``docs/`` holds only its own pages."""
    folder = resources.files("site_gen").joinpath("static")
    pending = [(folder, "assets")]
    while pending:
        here, prefix = pending.pop()
        for entry in sorted(here.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                pending.append((entry, f"{prefix}/{entry.name}"))
            elif not entry.name.startswith("."):
                yield f"{prefix}/{entry.name}", entry.read_bytes()


@dataclass(frozen=True)
class Generated:
    """The validation report, and the portal's pages and files when there were no errors."""

    report: str
    pages: dict[str, str] = field(default_factory=dict)
    assets: dict[str, bytes] = field(default_factory=dict)
    ok: bool = False
    # The unit pages (folder, whole page; in the small frame, lean.html) and each unit's
    # files (u/<unit>/accounts.json, feed.atom), made while they are written after mkdocs:
    # never all held (20,000 units in a province).
    unit_pages: Callable[[], Iterator[tuple[str, str]]] = lambda: iter(())
    unit_files: Callable[[], Iterator[tuple[str, bytes]]] = lambda: iter(())
    # Pages written as they are after mkdocs, over its own (the lean verify page).
    site_pages: dict[str, str] = field(default_factory=dict)
    unit_dirs: tuple[str, ...] = ()  # where the unit pages go (u/…), for conflicts with docs/
    # The accounts, each with its permanent page (a/<code>), and whether this is the demo.
    accounts: tuple[PublicAccount, ...] = ()
    demo: bool = False


def generated_files(root: Path, site_name: str, forge: dict[str, str] | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    site_url: str | None = None) -> Generated:
    """Validate ``root``; without errors, also make every generated page and data file."""
    outcome = check_registry(root, progress=progress)
    report = format_text(outcome.files, outcome.problems)
    if outcome.errors:
        return Generated(report)
    history = read_history(root)
    if history.shallow:
        report += SHALLOW_WARNING
    public = public_registry(outcome.registry, history)
    notices = _notices(outcome.registry) if outcome.registry.units[""].public_notices else None
    # The filing form seals contacts to these public keys (each unit's own; the form adds
    # the ones above it, as sealing.recipients does).
    keys = {"required": outcome.registry.units[""].seal_contacts,
            "keys": {path: [key for _, key in unit.contact_keys]
                     for path, unit in sorted(outcome.registry.units.items()) if unit.contact_keys}}
    del outcome  # the model is large at province scale; the portal needs only the public view
    assets, count = verify_index(public)
    generated_at = clock.build_time().astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assets["data/registry.json"] = opendata.registry_json(public, generated_at)
    assets["data/registry.schema.json"] = opendata.registry_schema()
    assets["data/accounts.csv"] = opendata.accounts_csv(public)
    assets["file/keys.json"] = json.dumps(keys, separators=(",", ":")).encode("utf-8")
    assets["file/units.json"] = json.dumps(
        [[u.path, u.name] for u in public.units.values()], ensure_ascii=False,
        separators=(",", ":")).encode("utf-8")
    updated = clock.build_date().isoformat()
    assets.update(api_files(public.accounts, updated, public.demo, site_url))
    # The Atom feeds: the registry's among the assets, each unit's in its folder (``feeds``).
    feeds, unit_feeds = feed_files(public, notices[1] if notices else (), site_name, site_url,
                                   updated)
    assets.update(feeds)
    pages = render_pages(public, count, site_name, updated, notices, forge, site_url)
    site_pages = {"verify/index.html": verify_page(count, site_name, public.demo, site_url)}
    return Generated(report, pages, assets, ok=True, site_pages=site_pages,
                     unit_pages=lambda: (unit_page(public, u, site_name, site_url)
                                         for u in public.units.values()),
                     unit_files=lambda: chain(form_data(public), unit_feeds()),
                     unit_dirs=tuple(u.href.rstrip("/") for u in public.units.values()),
                     accounts=public.accounts, demo=public.demo)


def verify_index(public: PublicRegistry) -> tuple[dict[str, bytes], int]:
    """The verify page's index shards and their number (the whole index is freed here)."""
    index = lookup.build_index(public)
    count = lookup.shard_count(index)
    return {f"verify/index/{number}.json":
            json.dumps(shard, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            for number, shard in enumerate(lookup.shards(index, count))}, count


def _notices(registry: Registry) -> tuple[str, list[Notice]]:
    """The 公开通报 the registry chose to publish, as of the build date."""
    today = clock.build_date()
    notices = []
    for action, accounts in public_notices(registry, today):
        notices.append(Notice(
            action.issued_on, registry.units[action.unit].name, action.number,
            action.published_at or "", action.reason,
            tuple(NoticedAccount(a.name, PLATFORMS[a.platform], registry.units[a.unit].name,
                                 unit_href(a.unit), STATUSES[a.status],
                                 account_code(a.platform, a.account_id)) for a in accounts)))
    return today.isoformat(), notices


FORGES = ("github", "gitea", "forgejo", "gitlab")


def forge_settings(value: object) -> dict[str, str] | None:
    """``extra.forge`` of mkdocs.yml: where the filing form opens new and edited files."""
    if value is None:
        return None
    keys = ("kind", "url", "repo", "branch")
    if not isinstance(value, dict) or not all(isinstance(value.get(k), str) for k in keys) \
            or value["kind"] not in FORGES or not value["url"].startswith(("https://", "http://")):
        raise NotPossible("mkdocs.yml 的 extra.forge 应写明 kind（github、gitea、forgejo 或 gitlab）、"
                         "url（如 https://github.com）、repo（如 shili-jyj/registry）和 branch（如 main）。")
    return {k: str(value[k]).rstrip("/") if k == "url" else str(value[k]).strip("/") for k in keys}
