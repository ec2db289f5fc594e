"""``site-gen probe``: fetch the filed websites, print what they show, write the record."""

from __future__ import annotations

from pathlib import Path

import click

from ..audit import FORMATS, audit
from ..errors import UsageError
from ..probe import Site, probe, read_record, record, websites
from ..rules import check_registry
from . import as_of_date, registry_root, unit_argument
from .progress import reading


def mapping_of(given: tuple[str, ...]) -> dict[str, str]:
    """``--map HOST=URL`` options as {host: base URL}."""
    found = {}
    for text in given:
        host, _, url = text.partition("=")
        host = host.strip().lower()
        if not host or "/" in host or not url.startswith(("http://", "https://")):
            raise UsageError(f"--map 要写成 主机名=地址，例如 www.shili1z.example=http://127.0.0.1:8000，"
                             f"现在是“{text}”。")
        found[host] = url.strip()
    return found


def run_probe(root: Path, unit_path: str | None, maps: tuple[str, ...], out: Path,
              output_format: str, timeout: float, retries: int, delay: float) -> int:
    """Probe the active website filings; print the findings; write the probe record."""
    mapping = mapping_of(maps)
    if timeout <= 0 or retries < 0 or delay < 0:
        raise UsageError("--timeout 要大于 0，--retries 和 --delay 不能小于 0。")
    today = as_of_date(None)
    with reading() as progress:
        outcome = check_registry(registry_root(root), progress=progress)
    registry = outcome.registry
    top = unit_argument(registry, unit_path)
    chosen = websites(registry, top)
    click.echo(f"探测 {len(chosen)} 个在用网站……", err=True)
    sites = probe(registry, top, mapping, today, timeout, retries, delay)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(record(sites, today), "utf-8")
    probed = {s.file: s for s in sites}
    findings = [f for f in audit(registry, today, top, probed) if f.code.startswith("A-SITE-")]
    click.echo(FORMATS[output_format](findings, today.isoformat()), nl=False)
    for site in sites:
        if site.last_update:
            click.echo(f"{site.file}: 最近更新 {site.last_update}（{_SOURCES[site.last_update_source or '']}）",
                       err=True)
    click.echo(f"已写入探测记录 {out}：规则审计用 site-gen audit --probe {out} 读取。", err=True)
    return 0


_SOURCES = {"feed": "取自网站的 RSS/Atom", "sitemap": "取自网站地图 sitemap.xml",
            "header": "取自首页的 Last-Modified", "": ""}


def probe_record(path: Path | None) -> dict[str, Site] | None:
    """The probe record given to ``--probe``, read and checked."""
    if path is None:
        return None
    try:
        return read_record(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError) as error:
        raise UsageError(f"--probe：无法读取探测记录 {path}（{error}）。"
                         "请用 site-gen probe --out 生成。") from None
