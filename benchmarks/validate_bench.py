"""Benchmark: generate a province-sized registry; time ``site-gen validate`` and ``report``.

    python benchmarks/validate_bench.py                 # 100,000 accounts in 20,000 units
    python benchmarks/validate_bench.py --accounts 5000 # a quick run

Reports wall time and peak memory (max RSS) of each command, measured in a fresh
process. Figures are written down in docs/performance.md; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLATFORMS = ["wechat_official", "weibo", "douyin", "toutiao", "kuaishou", "bilibili",
             "xiaohongshu", "baijiahao", "wechat_channels", "qq", "mini_program", "other"]

UNIT = "name: 合成单位{n}\nshort_name: 单位{n}\nkind: {kind}\ncontacts:\n  leader:\n" \
       "    name: 张三\n    phone: \"139{n:08d}\"\n"
# Varied names, as real ones are: "合成账号1", "合成账号2"… would all be one edit apart.
SYLLABLES = "".join(dict.fromkeys("东南西北中华光明实验育才阳光希望文理科技外国语师范第一二三四五六七八九十"))


def account_name(n: int) -> str:
    digits = []
    while True:
        n, r = divmod(n, len(SYLLABLES))
        digits.append(SYLLABLES[r])
        if not n:
            break
    return "".join(digits) + "教育发布"


ACCOUNT = """name: {name}
platform: {platform}
account_id: "{account_id}"
{extra}verified: true
certified_subject: 合成单位{unit}
department: 办公室
content_scope: 工作动态、通知公告
opened_on: 2023-03-01
filed_on: 2023-03-03
status: active
interactive: true
content_review: true
followers: {n}
last_post_on: {last_post}
posts:
  2025: 120
  2026: 98
inspection:
  result: 无问题
  checked_on: 2026-10-20
contacts:
  supervisor:
    name: 王五
    title: 分管副校长
    phone: "138{n:08d}"
  ops_lead:
    name: 赵六
    phone: "137{n:08d}"
    wechat: wx_{n:06d}
"""


def account_id_of(platform: str, a: int) -> str:
    """An ID that follows the platform's rule (site_gen/data/platforms.json)."""
    numeric = {"weibo": 6_000_000_000, "toutiao": 90_000_000_000, "bilibili": 3_000_000_000,
               "baijiahao": 1_600_000_000_000_000, "qq": 100_000_000}
    if platform in numeric:
        return str(numeric[platform] + a)
    if platform == "wechat_channels":
        return f"sphacct{a:07d}"
    if platform == "mini_program":
        return f"wx{a:016x}"
    return f"acct{a:07d}"


def generate(root: Path, accounts: int, units: int) -> list[str]:
    """Write the registry; return the paths of a few account files (a typical pull request)."""
    filings = root / "filings"
    filings.mkdir(parents=True)
    (filings / "_unit.yaml").write_text(UNIT.format(n=0, kind="bureau"), "utf-8")
    districts = max(units // 200, 1)
    folders = []
    for d in range(districts):
        district = filings / f"d{d:03d}"
        district.mkdir()
        (district / "_unit.yaml").write_text(UNIT.format(n=d + 1, kind="bureau"), "utf-8")
    for u in range(units - districts - 1):
        n = districts + 1 + u
        folder = filings / f"d{u % districts:03d}" / f"s{n:05d}"
        folder.mkdir()
        (folder / "_unit.yaml").write_text(UNIT.format(n=n, kind="school"), "utf-8")
        folders.append((folder, n))
    touched = []
    for a in range(accounts):
        folder, unit = folders[a % len(folders)]
        platform = PLATFORMS[(a // len(folders)) % len(PLATFORMS)]
        account_id = account_id_of(platform, a)
        extra = "wechat_kind: subscription\n" if platform == "wechat_official" else ""
        path = folder / f"{platform}--{account_id}.yaml"
        # One account in twenty has not posted since August: a zombie whose 整改通知 is due
        # (docs/casework.md), so that report and notices write their documents at scale.
        path.write_text(ACCOUNT.format(n=a, name=account_name(a), platform=platform,
                                       account_id=account_id, extra=extra, unit=unit,
                                       last_post="2026-08-01" if a % 20 == 7 else "2026-10-30"),
                        "utf-8")
        if a % (accounts // 3 or 1) == 0:
            touched.append(str(path))
    return touched


def measure(label: str, args: list[str], root: Path) -> dict[str, object]:
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "site_gen", "--root", str(root), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    output = process.stdout.read().decode() if process.stdout else ""
    summary = json.loads(output) if output.startswith("{") else {}
    result = {"step": label, "seconds": round(elapsed, 2),
              "peak_mb": round(usage.ru_maxrss / 1024), "exit": os.waitstatus_to_exitcode(status),
              "errors": summary.get("errors"), "warnings": summary.get("warnings")}
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=None, help="default: accounts / 5")
    args = parser.parse_args()
    units = args.units or max(args.accounts // 5, 3)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        touched = generate(root, args.accounts, units)
        print(json.dumps({"step": "generate", "accounts": args.accounts, "units": units,
                          "seconds": round(time.perf_counter() - start, 2)}), flush=True)
        measure("validate (full)", ["validate", "--format", "json"], root)
        measure(f"validate ({len(touched)} files)", ["validate", "--format", "json", *touched], root)
        measure("report (xlsx, every bureau)",
                ["report", "--as-of", "2026-11-23", "--out", str(root / "reports")], root)


if __name__ == "__main__":
    main()
