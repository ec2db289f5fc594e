"""``site-gen probe``: fetch the filed websites, print what they show, write the record."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import click

from .. import clock
from ..audit import FORMATS, audit
from ..errors import UsageError
from ..probe import Site, probe, read_record, record, websites
from ..rules import check_registry
from . import registry_root, unit_argument
from .progress import reading

MAX_SECONDS = 3600  # --timeout and --delay (NaN fails every comparison, so it is refused too)


def mapping_of(given: tuple[str, ...]) -> dict[str, str]:
    """``--map HOST=URL`` options as {host: base URL}."""
    found = {}
    for text in given:
        host, _, url = text.partition("=")
        host = host.strip().lower()
        if not host or "/" in host or not url.startswith(("http://", "https://")) \
                or not _valid_address(url.strip()):
            raise UsageError(f"--map 要写成 主机名=地址，例如 www.shili1z.example=http://127.0.0.1:8000，"
                             f"现在是“{text}”。")
        found[host] = url.strip()
    return found


def _valid_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a port that is no number raises here
    except ValueError:
        return False
    return bool(parts.hostname)


def run_probe(root: Path, unit_path: str | None, maps: tuple[str, ...], out: Path,
              output_format: str, timeout: float, retries: int, delay: float) -> int:
    """Probe the active website filings; print the findings; write the probe record.

    The exit status does not depend on what the websites answer: their problems are
    findings, the status stays 0. A usage error is 2."""
    mapping = mapping_of(maps)
    if not (0 < timeout <= MAX_SECONDS and 0 <= delay <= MAX_SECONDS) or retries < 0:
        raise UsageError(f"--timeout 要大于 0，--delay 不能小于 0，两者都不能超过 {MAX_SECONDS} 秒；"
                         "--retries 不能小于 0。")
    today = clock.today()
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


def probe_record(path: Path | None, as_of: date | None = None) -> dict[str, Site] | None:
    """The probe record given to ``--probe``, read and checked. A probe made after the
    ``as_of`` day saw the websites later than that day: it is not used (and the run says so)."""
    if path is None:
        return None
    try:
        probed_on, sites = read_record(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError) as error:
        raise UsageError(f"--probe：无法读取探测记录 {path}（{error}）。"
                         "请用 site-gen probe --out 生成。") from None
    if as_of is not None and probed_on and probed_on > as_of.isoformat():
        click.echo(f"注意：探测记录 {path} 是 {probed_on} 做的，晚于统计日 {as_of}，"
                   "不能说明当天的网站情况，本次没有使用。", err=True)
        return None
    return sites
