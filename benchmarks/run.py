"""One benchmark run at province scale, printed as one table against the parse floor.

    python benchmarks/run.py --accounts 100000   # a province: 100,000 accounts, 20,000 units
    python benchmarks/run.py --accounts 5000     # a quick run

Generates a synthetic registry in a Git repository, then times each command in a fresh
process (wall time and peak memory, max RSS). The *floor* is measured in the same run:
parsing every file with ``yaml.CSafeLoader`` and nothing else. Each command is shown as a
ratio to it, with the targets of issue 12. The verify page's bytes before its first answer
are measured in Debian's Chromium over localhost, as served and as gzip would send them.
Nothing here is asserted: the figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from portal_bench import measure_verify, queries_for  # noqa: E402
from validate_bench import generate  # noqa: E402

FLOOR = """
import sys, yaml
from pathlib import Path
for path in Path(sys.argv[1], "filings").rglob("*.yaml"):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""


# As on a CI runner or an installed machine: Python keeps compiled modules. (Some sandboxes
# set PYTHONDONTWRITEBYTECODE, which makes every start-up compile every module again.)
INSTALLED = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(args: list[str], root: Path, env: dict[str, str] | None = None) -> tuple[float, int, int]:
    """(seconds, peak MB, exit status) of one command in a fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**INSTALLED, "NO_MKDOCS_2_WARNING": "1", **(env or {})})
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, round(usage.ru_maxrss / 1024), os.waitstatus_to_exitcode(status)


def git(root: Path, *args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=b@b.invalid",
                    *args], check=True, capture_output=True, env={**os.environ, **(env or {})})


def dated(day: str) -> dict[str, str]:
    """A commit made at noon on ``day``, Beijing time."""
    stamp = f"{day}T12:00:00+08:00"
    return {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}


def sealed(root: Path, tmp: Path, site_gen: list[str]) -> list[tuple[str, float, int, str]]:
    """Seal every contact to one key (docs/contacts.md), then validate and report with it."""
    key = tmp / "bench.agekey"
    subprocess.run([*site_gen, "contacts", "keygen", str(key), "--holder", "基准测试"],
                   check=True, capture_output=True, env=INSTALLED)
    public = next(line.split("：", 1)[1] for line in key.read_text("utf-8").splitlines()
                  if line.startswith("# 公钥："))
    unit = root / "filings" / "_unit.yaml"
    unit.write_text(unit.read_text("utf-8") + "seal_contacts: true\ncontact_keys:\n"
                    f'  - holder: "基准测试"\n    key: "{public}"\n', "utf-8")
    rows = []
    for step, args, target in (
            ("contacts seal (every file, once)", ["contacts", "seal"], ""),
            ("validate, contacts sealed", ["validate", "--format", "json"], "≤ 2×"),
            ("report, contacts sealed, opened with the key",
             ["report", "--as-of", "2026-11-23", "--out", str(tmp / "reports-sealed"),
              "--identity", str(key)], "≤ 4×")):
        seconds, mb, status = timed([*site_gen, *args], root)
        if status != 0:
            raise SystemExit(f"{step}: exit {status}")
        rows.append((step, seconds, mb, target))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--skip-portal", action="store_true", help="no build, no browser")
    parser.add_argument("--skip-sealed", action="store_true",
                        help="do not seal the contacts and report again with the key")
    args = parser.parse_args()
    units = max(args.accounts // 5, 3)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "site_gen")], check=True,
                   env=INSTALLED)
    site_gen = [sys.executable, "-m", "site_gen"]
    rows: list[tuple[str, float, int, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "registry"
        generate(root, args.accounts, units)
        shutil.copytree(REPO / "docs", root / "docs")
        shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        # Approved before the day the statistics are as of: --as-of 2026-11-23 reads the files.
        git(root, "commit", "-q", "-m", "registry", env=dated("2026-06-30"))
        floor, floor_mb, _ = timed([sys.executable, "-c", FLOOR, str(root)], root)
        rows.append(("parse floor (yaml.CSafeLoader, every file)", floor, floor_mb, ""))

        full, mb, _ = timed([*site_gen, "validate", "--format", "json"], root)
        rows.append(("validate (whole registry)", full, mb, "≤ 2×"))
        # A pull request of 10 files on a branch.
        git(root, "checkout", "-q", "-b", "pr")
        accounts = sorted(root.glob("filings/*/*/*--*.yaml"))
        for path in accounts[:: max(len(accounts) // 10, 1)][:10]:
            text = path.read_text("utf-8")
            path.write_text(text.replace("department: 办公室", "department: 宣传部"), "utf-8")
        git(root, "commit", "-q", "-am", "pull request")
        cache = {"SITE_GEN_CACHE": str(Path(tmp) / "cache")}
        cold, mb_cold, _ = timed([*site_gen, "validate", "--since", "main"], root, cache)
        rows.append(("validate --since (10 files; index built)", cold, mb_cold, ""))
        warm, mb_warm, _ = timed([*site_gen, "validate", "--since", "main"], root, cache)
        rows.append(("validate --since (10 files; index from cache)", warm, mb_warm,
                     f"≤ 10% of whole ({warm / full:.1%}), < 3 s"))
        git(root, "checkout", "-q", "main")
        seconds, mb, _ = timed([*site_gen, "audit", "--as-of", "2026-11-23", "--format", "json"],
                               root)
        rows.append(("audit", seconds, mb, "≤ 2×"))
        seconds, mb, _ = timed([*site_gen, "report", "--as-of", "2026-11-23", "--out",
                                str(Path(tmp) / "reports")], root)
        rows.append(("report (every bureau, with the .xls bundles and the documents due)",
                     seconds, mb, "≤ 4×"))
        seconds, mb, _ = timed([*site_gen, "notices", "--as-of", "2026-11-23", "--out",
                                str(Path(tmp) / "notices")], root)
        made = sum(1 for _ in (Path(tmp) / "notices").rglob("*.docx"))
        rows.append((f"notices ({made:,} documents)", seconds, mb, ""))
        # A change approved after the day: --as-of restores the day's registry from Git.
        for path in accounts[1:: max(len(accounts) // 10, 1)][:10]:
            text = path.read_text("utf-8")
            path.write_text(text.replace("department: 办公室", "department: 宣传部"), "utf-8")
        git(root, "commit", "-q", "-am", "after the day", env=dated("2026-11-25"))
        seconds, mb, _ = timed([*site_gen, "audit", "--as-of", "2026-11-23", "--format", "json"],
                               root)
        rows.append(("audit --as-of a past day (restored from Git)", seconds, mb, ""))
        extra = []
        if not args.skip_portal:
            seconds, mb, _ = timed([*site_gen, "build"], root)
            rows.append(("build (portal and open data)", seconds, mb, "≤ 4×"))
            site = root / "site"
            files = [p for p in site.rglob("*") if p.is_file()]
            extra.append(f"- `site/`: {len(files):,} files, "
                         f"{sum(p.stat().st_size for p in files) / 2**20:,.0f} MB")
            for result in measure_verify(site, queries_for(args.accounts, units)):
                extra.append(f"- verify page, query `{result['query']}` → {result['status']}: "
                             f"{result['total_gzip_kb']} KB gzip in Chromium's network log "
                             f"({result['total_kb']} KB uncompressed) before the first answer "
                             f"({result['requests']} requests, {result['theme_files']} of the "
                             f"theme's, {result['index_gzip_kb']} KB index; target ≤ 40 KB gzip "
                             f"for an ID)")
        if not args.skip_sealed:
            rows += sealed(root, Path(tmp), site_gen)
    print(f"\n{args.accounts:,} accounts in {units:,} units · {os.cpu_count()} cores · "
          f"Python {platform.python_version()} · {platform.machine()}\n")
    print("| step | seconds | × floor | peak MB | target |")
    print("|---|---:|---:|---:|---|")
    for step, seconds, mb, target in rows:
        ratio = "1.0" if not target and step.startswith("parse") else f"{seconds / floor:.1f}"
        print(f"| {step} | {seconds:.1f} | {ratio} | {mb} | {target} |")
    print("\nPeak memory target: ≤ 1,024 MB for any command.")
    print("\n".join(extra))


if __name__ == "__main__":
    main()
