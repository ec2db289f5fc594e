"""The ``site-gen`` command line: parses options and calls the command's module in this
package, which returns the exit status (0 success, 1 the data has errors, 2 usage error)."""

from __future__ import annotations

import sys
import traceback
from datetime import date
from pathlib import Path

import click

from .. import __version__
from ..errors import NotPossible
from .options import (
    GITHUB,
    JSON,
    MARKDOWN,
    TEXT,
    as_of_option,
    day_option,
    format_option,
    identity_option,
    probe_option,
    unit_option,
)

# Each command imports its step when it runs: `validate` need not load mkdocs or openpyxl.

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="登记库的根目录（含 filings/ 的目录）。")
@click.option("--debug", is_flag=True, help="出现内部错误时显示完整的 Python 调用栈。")
@click.version_option(__version__, "--version", prog_name="site-gen")
@click.pass_context
def cli(ctx: click.Context, root: Path, debug: bool) -> None:
    """教育系统新媒体账号（网站）备案登记库工具。"""
    ctx.obj = {"root": root, "debug": debug}


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@format_option(TEXT, GITHUB, JSON, MARKDOWN,
               help="text：每行一个问题；github：GitHub Actions 注释；json：供程序读取；"
                    "markdown：中文表格。")
@click.option("--since", metavar="REF",
              help="只检查从这个 Git 引用（如 origin/main）以来改动的文件，并拒绝删除备案文件。")
@click.option("--summary", metavar="FILE",
              help="另把中文问题表（Markdown）追加到这个文件，例如 $GITHUB_STEP_SUMMARY"
                   "（为空时忽略，便于在不提供它的平台上运行同一条命令）。")
@click.pass_context
def validate(ctx: click.Context, paths: tuple[str, ...], output_format: str,
             since: str | None, summary: str | None) -> int:
    """检查整个登记库，或只检查给出的文件（加上所有跨文件规则）。

    发现错误时退出状态为 1，只有警告时为 0。
    """
    from .validate import run_validate

    return run_validate(ctx.obj["root"], paths, output_format, since,
                        Path(summary) if summary else None)


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("site"),
              show_default=True, help="门户输出目录（相对于登记库根目录）。")
@click.pass_context
def build(ctx: click.Context, out: Path) -> int:
    """先检查登记库，没有错误时生成公开门户和开放数据。

    警告不影响生成；有错误时不生成，退出状态为 1。
    """
    root: Path = ctx.obj["root"]
    from .build import run_build

    return run_build(root, out if out.is_absolute() else root / out)


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("dist/reports"), show_default=True,
              help="报表输出目录（相对于登记库根目录）。")
@as_of_option("统计数据截至的日期，默认今天。")
@unit_option("只为这个单位（含下级）生成，并生成各单位自留的备案登记表。")
@click.option("--format", "output_format", type=click.Choice(["xlsx", "xls"]), default="xlsx",
              show_default=True, help="xls 需要 LibreOffice。")
@day_option("--sent-on", "报送日期，用于文件名（通知要求用实际发送日期），默认今天。")
@identity_option("都没有时联系人栏目显示“已加密”。")
@probe_option("网站的问题列入问题排查情况。")
@click.option("--seal/--no-seal", default=None,
              help="--seal：每个教育局的全部表格打成一个加密的报表包（.zip.age），只有本单位和"
                   "上级单位的私钥能打开，输出目录里没有明文表格。在 CI 中（环境变量 CI 不为空）"
                   "且登记库有 contact_keys 时默认加密；--no-seal 生成明文表格。")
@click.pass_context
def report(ctx: click.Context, out: Path, as_of: date, unit_path: str | None,
           output_format: str, sent_on: date, identity: Path | None,
           probe_file: Path | None, seal: bool | None) -> int:
    """生成上报用的统计表格（附件1、附件2、附件4），每个教育局一套，覆盖全部下级单位。

    文件名以报送日期开头，例如 20261123示例市教育局新媒体(网站)统计.xlsx；表中的“统计数据截至”
    是 --as-of。报送用的压缩包里是附件1、附件2 的 .xls（需要 LibreOffice）。
    加密时（--seal）每个教育局得到一个 20261123示例市教育局新媒体(网站)报表.zip.age，
    用 site-gen contacts open 解开。
    """
    root: Path = ctx.obj["root"]
    from .report import run_report

    return run_report(root, out if out.is_absolute() else root / out, as_of, unit_path,
                      output_format, sent_on, identity, probe_file, seal)


@cli.command()
@click.option("--check", is_flag=True, help="只检查 .github/CODEOWNERS 是否最新，不写入。")
@click.pass_context
def codeowners(ctx: click.Context, check: bool) -> int:
    """由单位树生成 .github/CODEOWNERS：每个单位的备案由上级单位的 reviewers 审核。"""
    from .codeowners import run_codeowners

    return run_codeowners(ctx.obj["root"], check)


@cli.command(name="audit")
@as_of_option("按这一天审计，默认今天。")
@unit_option("只审计这个单位及其下级。")
@format_option(TEXT, JSON, MARKDOWN,
               help="text：每行一条；json：供程序读取；markdown：CI 作业摘要用的中文报告。")
@identity_option("有密钥时也检查加密的联系人。")
@probe_option("网站的问题列入审计，网站的最近更新日期优先于备案中填写的日期。")
@click.pass_context
def audit_command(ctx: click.Context, as_of: date, unit_path: str | None,
                  output_format: str, identity: Path | None, probe_file: Path | None) -> int:
    """按通知的规则审计登记库：僵尸号、逾期备案、同一平台多个账号、年审到期、名称易混淆等。

    审计结果点名单位，只供内部使用。
    """
    from .audit import run_audit

    return run_audit(ctx.obj["root"], as_of, unit_path, output_format, identity, probe_file)


@cli.command(name="notices")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("dist/notices"), show_default=True,
              help="文书写到这里（相对于登记库根目录），每个发文单位一个文件夹。")
@as_of_option("按这一天的审计结果和处置记录生成，默认今天。")
@unit_option("只生成这个单位及其下级单位发出的文书。")
@click.pass_context
def notices_command(ctx: click.Context, out: Path, as_of: date, unit_path: str | None) -> int:
    """生成主管部门要发出的文书（.docx）：到期未记录的整改通知书、公开通报（草稿）、关停通知，
    以及每个未处置的假冒账号致平台的投诉函和致网信部门的举报材料。

    文书按审计结果和 _actions.yaml 中的处置记录填写，不含联系人；请核对、编写文号、用印后发出，
    发出后在 _actions.yaml 中记录（见 docs/casework.md）。
    """
    root: Path = ctx.obj["root"]
    from .notices import run_notices

    return run_notices(root, out if out.is_absolute() else root / out, as_of, unit_path)


@cli.command(name="probe")
@unit_option("只探测这个单位及其下级的网站。")
@click.option("--map", "maps", multiple=True, metavar="主机名=地址",
              help="把对这个主机名的请求发到另一个地址（例如网站的本地副本，可用 http），"
                   "不改动任何备案；可以写多次。")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("dist/probe.json"), show_default=True,
              help="探测记录写到这里（相对于登记库根目录）。")
@format_option(TEXT, JSON, MARKDOWN, help="发现的问题的输出格式，同 site-gen audit。")
@click.option("--timeout", type=float, default=10.0, show_default=True,
              help="每个请求最多等待的秒数。")
@click.option("--retries", type=int, default=2, show_default=True,
              help="连接失败或服务器出错（5xx）时重试的次数。")
@click.option("--delay", type=float, default=1.0, show_default=True,
              help="对同一个网站两次请求之间暂停的秒数。")
@click.pass_context
def probe_command(ctx: click.Context, unit_path: str | None, maps: tuple[str, ...], out: Path,
                  output_format: str, timeout: float, retries: int, delay: float) -> int:
    """探测已备案的网站：HTTPS、备案号、商业链接和广告、账号清单、最近更新日期。

    只读取网站，从不修改备案；结果写入探测记录，供 site-gen audit --probe 使用。
    """
    root: Path = ctx.obj["root"]
    from .probe import run_probe

    return run_probe(root, unit_path, maps, out if out.is_absolute() else root / out,
                     output_format, timeout, retries, delay)


@cli.group()
def contacts() -> None:
    """联系人加密：生成密钥、加密、查看、更换接收方，打开加密的报表包（见 docs/contacts.md）。"""


@contacts.command(name="keygen")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--holder", required=True, metavar="岗位",
              help="持有私钥的岗位，例如 办公室（信息科）；写进 _unit.yaml 的 contact_keys。")
def contacts_keygen(target: Path, holder: str) -> int:
    """生成一对 age 密钥：私钥写入 TARGET（不要提交到仓库），显示要加到 _unit.yaml 的公钥。"""
    from .contacts import run_keygen

    return run_keygen(target, holder)


@contacts.command(name="seal")
@click.argument("paths", nargs=-1, type=click.Path())
@click.pass_context
def contacts_seal(ctx: click.Context, paths: tuple[str, ...]) -> int:
    """把明文联系人加密（就地改写文件，其余内容不变）；不给文件时处理整个登记库。

    加密给本单位和各级上级单位 _unit.yaml 中 contact_keys 的公钥。加密前先检查联系人，
    有错误的文件不加密。已加密的文件不改动。
    """
    from .contacts import run_seal

    return run_seal(ctx.find_root().obj["root"], paths)


@contacts.command(name="show")
@click.argument("path", type=click.Path())
@identity_option()
@click.pass_context
def contacts_show(ctx: click.Context, path: str, identity: Path | None) -> int:
    """解密并显示一个文件的联系人（只显示，不改动文件）。"""
    from .contacts import run_show

    return run_show(ctx.find_root().obj["root"], path, identity)


@contacts.command(name="rekey")
@click.argument("paths", nargs=-1, type=click.Path())
@identity_option()
@click.pass_context
def contacts_rekey(ctx: click.Context, paths: tuple[str, ...], identity: Path | None) -> int:
    """用现有私钥解密后，重新加密给单位树现在的公钥（新增、更换或撤销公钥后运行）。

    不给文件时处理整个登记库。解不开的文件不改动，退出状态为 1。
    """
    from .contacts import run_rekey

    return run_rekey(ctx.find_root().obj["root"], paths, identity)


@contacts.command(name="open")
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@identity_option()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
              help="解开到这个文件夹，默认是当前目录下与报表包同名的文件夹。")
@click.option("--force", is_flag=True, help="覆盖文件夹里已有的同名文件（会逐个说明）。")
def contacts_open(bundle: Path, identity: Path | None, out: Path | None, force: bool) -> int:
    """解密 site-gen report --seal 生成的报表包（.zip.age），解开其中的表格。

    解开的文件只有您能读取。已有同名文件时不覆盖（除非加 --force）。
    """
    from .contacts import run_open

    return run_open(bundle, identity, out, force)


@cli.command()
@click.option("--unit", help="账号所属单位的文件夹（filings/ 下）。")
@click.option("--platform", help="平台：代码（如 weibo）或中文（如 微博、微信公众号、抖音）。")
@click.option("--account-id", help="账号 ID（网站填域名，APP 填包名）。")
@click.option("--name", help="账号/网站/APP 名称。")
@click.option("--url", help="http(s) 链接。")
@click.option("--wechat-kind", help="微信公众号类型：订阅号、服务号或企业号（仅微信公众号）。")
@click.option("--verified/--not-verified", default=None, help="是否认证。")
@click.option("--certified-subject", help="认证主体。")
@click.option("--opened-on", help="开通时间，例如 2024-05-01 或 2024年5月1日。")
@click.option("--last-post-on", help="最近一次发布内容的日期（发现长期不更新的账号要用）。")
@click.option("--interactive/--not-interactive", default=None, help="是否具有互动功能。")
@click.option("--content-review/--no-content-review", default=None,
              help="是否建立内容发布审核制度。")
@click.option("--supervisor-name", help="主管领导姓名（不公开）。")
@click.option("--supervisor-phone", help="主管领导电话（不公开）。")
@click.option("--ops-lead-name", help="运维负责人姓名（不公开）。")
@click.option("--ops-lead-phone", help="运维负责人电话（不公开）。")
@click.pass_context
def new(ctx: click.Context, /, unit: str | None, **values: object) -> int:
    """新建一个账号备案文件：按平台和账号 ID 定好文件名，写入填好的字段，然后检查。

    缺少的项目逐项询问，填错时用中文说明并重新询问；用选项给出的项目不再询问，填错时直接报错。
    同一平台的同一账号 ID 已经备案时，不会写入文件。
    """
    from .new import run_new

    return run_new(ctx.obj["root"], unit, values)


@cli.command(name="lookup")
@click.argument("query")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text：中文说明；json：供程序读取。")
@click.pass_context
def lookup_command(ctx: click.Context, query: str, output_format: str) -> int:
    """核验一个账号 ID、链接、分享文字或二维码内容（或名称），规则与门户的核验页相同。

    json 输出：{"status": "official"|"deregistered"|"counterfeit"|"name_only"|"unknown",
    "matches": [...], "similar": [...]}。只按名称匹配到的是 name_only：名称可以被冒用。
    """
    from .lookup import run_lookup

    return run_lookup(ctx.obj["root"], query, output_format)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``site-gen``: never shows a clerk a traceback unless ``--debug``."""
    args = sys.argv[1:] if argv is None else argv
    try:
        result = cli.main(args=args, prog_name="site-gen", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("已取消。", err=True)
        return 1
    except NotPossible as exc:  # UsageError included
        click.echo(f"用法错误：{exc}", err=True)
        return 2
    except OSError as exc:  # a folder that cannot be written, a full disk: not a bug
        if "--debug" in args:
            traceback.print_exc()
        click.echo(f"无法读写文件 {exc.filename or ''}：{exc.strerror or exc}。"
                   "请检查路径和权限。", err=True)
        return 1
    except Exception:  # noqa: BLE001 - the boundary where a bug becomes one line
        if "--debug" in args:
            traceback.print_exc()
        else:
            click.echo("site-gen 内部错误，这是程序的缺陷而不是您的数据问题。"
                       "请加 --debug 重新运行，并把输出报告给维护者。", err=True)
        return 1
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
