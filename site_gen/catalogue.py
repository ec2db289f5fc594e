"""The catalogue of every rule: a stable code, a severity and a Chinese template.

Every problem the validator reports is made here, from a code in ``RULES``.
Codes never change meaning once released; ``docs/rules.md`` lists them for
filers and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"
# The audit's severities (site-gen audit): how urgently a bureau officer should act.
HIGH, MEDIUM, LOW = "high", "medium", "low"
SEVERITY_TEXT = {ERROR: "错误", WARNING: "警告", HIGH: "高", MEDIUM: "中", LOW: "低"}


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    title: str
    template: str
    key: str | None = None  # an audit rule's name in `site-gen audit --format json`

    @property
    def is_audit(self) -> bool:
        return self.code.startswith("A-")


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {r.code: r for r in rules}


RULES: dict[str, Rule] = _rules(
    # Reading the file (strict YAML).
    Rule("E-READ-SIZE", ERROR, "文件过大",
         "文件有 {size} 字节，超过上限 {limit} 字节。一个备案文件只写一个账号，请删去多余内容；"
         "单位的假冒账号名单或处置记录太长时，请把已办结的旧记录移出。"),
    Rule("E-READ-EMPTY", ERROR, "空文件",
         "文件是空的。请按模板填写，或删除这个文件。"),
    Rule("E-READ-BOM", ERROR, "带 BOM 的 UTF-8",
         "文件开头有 BOM 标记（常见于 Windows 记事本“UTF-8 带 BOM”）。"
         "请另存为“UTF-8”（无 BOM）。"),
    Rule("E-READ-ENCODING", ERROR, "不是 UTF-8 编码",
         "第 {row} 行有不是 UTF-8 编码的字节{hint}。请用 UTF-8 编码另存这个文件。"),
    Rule("E-READ-CONTROL", ERROR, "不可见的控制字符",
         "这里有一个看不见的字符（{char}），可能是从别处复制时带进来的，会让名称显示错乱或看起来像另一个账号。"
         "请删去它后重新输入这段文字（写成 \\u 转义的也不行）。"),
    Rule("E-READ-SECRET", ERROR, "文件里有私钥",
         "第 {row} 行有一把{kind}（例如 AGE-SECRET-KEY-1…）。私钥写进登记库就不再保密，任何能看到仓库的人都能用它解密："
         "请删去这一行（注释里也不行），作废这把密钥，用 site-gen contacts keygen 重新生成；"
         "单位文件的 contact_keys 只填公钥（age1…）。"),
    Rule("E-READ-SYNTAX", ERROR, "YAML 格式错误",
         "{explanation}（YAML：{detail}）"),
    Rule("E-READ-MULTIDOC", ERROR, "一个文件里有多份内容",
         "文件里有第二份内容（“---”分隔）。一个文件只写一份备案，请删去“---”及其后的内容，或另建文件。"),
    Rule("E-READ-DUPKEY", ERROR, "字段重复",
         "字段“{key}”写了两次（第一次在第 {first_line} 行）。请只保留一个。"),
    Rule("E-READ-ALIAS", ERROR, "使用了锚点或别名",
         "不支持 YAML 的锚点（&）和别名（*）。请把内容直接写出来。"),
    Rule("E-READ-TAG", ERROR, "使用了标签",
         "不支持 YAML 标签（“{tag}”）。请去掉以 ! 开头的标签，直接写值；需要原样保留的文字请用引号括起来。"),
    Rule("E-READ-KEY", ERROR, "字段名不合规",
         "字段名必须是简单的文字，不能是列表或映射。"),
    Rule("E-READ-DEPTH", ERROR, "嵌套过深",
         "内容嵌套超过 {limit} 层。请按模板的层次填写。"),
    Rule("E-READ-ROOT", ERROR, "顶层结构不对",
         "{expected}，但这里是{found}。请对照模板检查文件的第一层。"),
    # Schema.
    Rule("E-SCHEMA-REQUIRED", ERROR, "缺少必填项",
         "{where}缺少必填项“{field}”（{title}）。请补上这一项。"),
    Rule("E-SCHEMA-UNKNOWN", ERROR, "未知字段",
         "{where}不认识字段“{field}”。请检查拼写（字段名区分大小写），或删去这一行。{hint}"),
    Rule("E-SCHEMA-EMPTY", ERROR, "值为空",
         "“{field}”（{title}）没有填写内容。请填写，或删去这一行。"),
    Rule("E-SCHEMA-TYPE", ERROR, "值的类型不对",
         "“{field}”（{title}）{expected}，现在填的是“{value}”。"),
    Rule("E-SCHEMA-ENUM", ERROR, "不在可选范围内",
         "“{field}”（{title}）只能是以下之一：{choices}；现在填的是“{value}”。{hint}"),
    Rule("E-SCHEMA-FORMAT", ERROR, "格式不对",
         "“{field}”（{title}）格式不对：{expected}。现在填的是“{value}”。"),
    Rule("E-SCHEMA-LENGTH", ERROR, "长度超出范围",
         "“{field}”（{title}）{expected}。"),
    Rule("E-SCHEMA-RANGE", ERROR, "数值超出范围",
         "“{field}”（{title}）{expected}，现在填的是“{value}”。"),
    Rule("E-SCHEMA-NOT-ALLOWED", ERROR, "此时不应填写",
         "“{field}”（{title}）在当前情况下不应填写：{reason}"),
    Rule("E-SCHEMA-OTHER", ERROR, "内容不符合要求",
         "“{field}”不符合要求：{detail}"),
    Rule("E-ACCOUNT-ID", ERROR, "账号 ID 写法不对",
         "{platform_label}的账号 ID 写法不对：{rule}。现在填的是“{value}”。{suggestion}"),
    Rule("E-WEBSITE-URL", ERROR, "网站链接不是备案的域名",
         "网站的链接（url）{reason}。链接要打开备案的这个网站：请填写以 https:// 加备案域名开头的地址，"
         "例如 https://www.shili1z.example/。"),
    # Where the file lies and what it is called.
    Rule("E-PATH-ROOT", ERROR, "缺少根单位",
         "登记库缺少根单位文件 {path}。请创建它，写明主管教育局的名称等信息。"),
    Rule("E-PATH-SLUG", ERROR, "文件夹名不合规",
         "文件夹名“{name}”不合规：只能用小写英文字母、数字和 . _ -，并以字母或数字开头。"),
    Rule("E-PATH-UNIT", ERROR, "不在单位文件夹里",
         "文件所在的文件夹 {folder} 没有 _unit.yaml，所以不是一个单位。"
         "请先为该单位创建 _unit.yaml，或把文件移到所属单位的文件夹。"),
    Rule("E-PATH-NAME", ERROR, "文件名与内容不符",
         "文件名应为“{expected}”（由平台和账号 ID 决定），现在是“{actual}”。请重命名文件。"),
    Rule("E-PATH-EXTENSION", ERROR, "文件类型不对",
         "filings/ 里只放以 .yaml 结尾的备案文件，这个文件不会被读取。请改名为 .yaml 或移出 filings/。"),
    Rule("E-PATH-HIDDEN", ERROR, "隐藏的文件或文件夹",
         "“{name}”以“.”开头，是隐藏的：门户和检查都不会读它，里面的备案会从门户上消失。"
         "请去掉开头的“.”改成正常的名字，或把它移出 filings/。"),
    Rule("E-PATH-RESERVED", ERROR, "不认识的保留文件名",
         "以“_”开头的文件名只有三种：_unit.yaml（单位信息）、_counterfeits.yaml（假冒账号名单）和 "
         "_actions.yaml（处置记录），"
         "“{name}”不是其中之一，不会被读取。账号备案文件请按“平台--账号ID.yaml”命名。"),
    Rule("E-PATH-LINK", ERROR, "符号链接",
         "filings/ 里不能有符号链接。请放入真实的文件或文件夹。"),
    # Registry-wide.
    Rule("E-UNIQUE-ACCOUNT", ERROR, "账号重复备案",
         "{platform_label}账号“{account_id}”已在 {other}（第 {other_line} 行）备案。"
         "同一账号只能备案一次：如需变更，请修改原文件。"),
    Rule("E-COUNTERFEIT-OFFICIAL", ERROR, "假冒名单与官方账号冲突",
         "列为假冒的{platform_label}账号“{account_id}”是 {other} 备案的官方账号。请核实后删去其中之一。"),
    Rule("E-ACTION-UNIT", ERROR, "主送单位不对",
         "主送单位“{to}”不是{issuer}或它的下级单位的文件夹。to 填收文单位在 filings/ 下的文件夹，"
         "例如 xicheng/hongqi-xiaoxue；只能记录本单位对本单位及下级单位的处置；那个单位文件本身有错误时，"
         "请先改正它。"),
    Rule("E-ACTION-ACCOUNT", ERROR, "处置的账号不对",
         "“{account}”不是{to}或其下级单位的备案{where}。accounts 填备案文件名（不带 .yaml），"
         "例如 douyin--xchqxx_2026，且账号要属于主送单位；这个备案文件本身有错误时，请先改正它。"),
    Rule("E-ACTION-DUPLICATE", ERROR, "处置记录重复",
         "这一项与第 {other_line} 行的一项完全相同（同一种文件、同一天、同一文号、同样的单位和账号）。"
         "一份文件只记一次：请删去其中一项。"),
    Rule("W-EVIDENCE-PATH", WARNING, "证据文件不在本单位的文件夹里",
         "存档文件“{path}”不在本单位的证据文件夹 {folder} 里：证据放在 {folder} 下，由本单位的上级审核人审核。"
         "请把文件移到那里并改正路径。"),
    Rule("W-EVIDENCE-MISSING", WARNING, "证据文件不在登记库里",
         "存档文件“{path}”在登记库里找不到。请把截图等文件放到登记库中这个位置（从登记库根目录写起，"
         "例如 evidence/本单位/2026-09-15-截图.png），或改正路径。"),
    # Changes in a pull request (validate --since).
    Rule("E-GIT-REMOVED", ERROR, "删除了备案文件",
         "不能删除备案文件：备案记录要永久保留。账号停用请不要删除文件，而是把 status 改为 "
         "deregistered，并填写 deregistered_on（注销日期）和 deregister_reason（注销原因）。"),
    Rule("E-GIT-IDENTITY", ERROR, "改名改变了账号身份",
         "这个文件由 {old} 改名而来，但账号从 {old_identity} 变成了 {new_identity}。"
         "不同的账号要分别备案：请恢复原文件（已停用的改为注销），为新账号另建文件。"),
    Rule("W-PROOF-CHANGED", WARNING, "控制权核验记录有改动",
         "proof（控制权核验记录）由审核人员填写：本次修改增加或改动了它，请审核人员确认核验确实做过后再合并"
         "（门户会据此显示“已核验”）。"),
    # Field checks.
    Rule("E-DATE-INVALID", ERROR, "日期不存在",
         "“{field}”（{title}）写的是“{value}”，日历上没有这一天。"),
    Rule("E-DATE-IMPLAUSIBLE", ERROR, "日期早于 1994 年",
         "“{field}”（{title}）是 {value}，年份早于 1994 年，不可能是新媒体账号（网站）的日期："
         "是不是年份输错了，或者把 2024/5/1 输成了别的格式？请核对后写成 年-月-日，例如 2024-05-01。"),
    Rule("E-DATE-FUTURE", ERROR, "日期在将来",
         "“{field}”（{title}）是 {value}，晚于今天（{today}）。请填写已经发生的日期。"),
    Rule("E-DATE-ORDER", ERROR, "日期先后不对",
         "“{field}”（{title}）是 {value}，早于{other_title}（{other_value}）。请核对这两个日期。"),
    Rule("E-CREDIT-CODE", ERROR, "统一社会信用代码有误",
         "统一社会信用代码“{value}”{reason}。请对照营业执照或事业单位法人证书重新填写。"),
    # Sealed contacts (docs/contacts.md).
    Rule("E-CONTACTS-PLAIN", ERROR, "联系人没有加密",
         "这个登记库要求联系人加密存放（根单位 seal_contacts: true），这里的联系人是明文，合并后人人可见。"
         "请运行 site-gen contacts seal {path} 加密后再提交（用门户的在线表格备案时会自动加密）。"),
    Rule("E-CONTACTS-DAMAGED", ERROR, "加密的联系人已损坏",
         "加密的联系人（contacts）已损坏：{problem}。密文不能手工修改：请从 Git 历史恢复原来的内容，"
         "或重新填写联系人后运行 site-gen contacts seal。"),
    # Policy warnings: reported, but the filing passes.
    Rule("W-LATE-FILING", WARNING, "逾期备案",
         "开通于 {opened_on}，备案于 {filed_on}，相隔 {days} 个工作日，超过规定的 5 个工作日。"
         "今后新开账号请在 5 个工作日内备案。"),
    Rule("W-CALENDAR-YEAR", WARNING, "节假日安排缺少年份",
         "开通（{opened_on}）到备案（{filed_on}）之间有 {years} 年的日子，但节假日安排里没有这一年："
         "工作日只能按周末计算，逾期备案的判断可能不准。请更新 site-gen，或在登记库根目录的 "
         "holidays.yaml 中补上该年的法定节假日和调休上班日（见“规则审计”的“节假日”一节）。"),
    Rule("W-DUPLICATE-PLATFORM", WARNING, "同一平台多个账号",
         "本单位在{platform_label}上有 {count} 个在用账号（{others}）。"
         "按“集约”要求，一个平台原则上只开设一个账号，请考虑整合或注销。"),
    Rule("W-LOOKALIKE-NAME", WARNING, "名称与其他单位的账号或单位名称相同",
         "账号名称“{name}”{how}（{unit}）：去掉空格、标点、表情和符号后两者相同。名称相同的账号容易被公众误认，"
         "也常被假冒者利用：请改用能区分本单位的名称，或由审核人确认两者的关系。"),
    Rule("W-SUBJECT-MISMATCH", WARNING, "认证主体与单位名称不同",
         "认证主体“{subject}”与本单位“{unit}”及其上级单位的名称都不同。"
         "请核对认证主体，或说明由哪个单位认证。"),
    Rule("W-NAME-STYLE", WARNING, "名称不够简洁规范",
         "账号名称“{name}”{reasons}。账号名称应简洁、直观、规范（广东省教育厅通知，"
         "《互联网用户账号名称管理规定》）：请改用本单位的规范名称，不用表情、重复的标点和营销用语。"),
    Rule("W-ACTIVITY-UNKNOWN", WARNING, "没有填报最近发布日期",
         "在用账号没有填写 last_post_on（最近发布日期），审计无法判断它是否长期不更新，只能记为“未填报”。"
         "请填写最近一次发布内容的日期，例如 last_post_on: 2026-11-01。"),
    # A live website's filing numbers and 等级保护 (seeds 003, 004; docs/fields.md “网站的备案号和
    # 等级保护”): each message says where the clerk finds the number.
    Rule("W-WEBSITE-ICP", WARNING, "网站没有填写 ICP 备案号",
         "这个网站没有填写 ICP 备案号。请在 website 下加上 icp，例如 icp: 粤ICP备12345678号-1："
         "备案号显示在网站首页的最底部，也可以在工业和信息化部“ICP/IP地址/域名信息备案管理系统”"
         "（beian.miit.gov.cn）按域名查到。"),
    Rule("W-WEBSITE-PSB", WARNING, "网站没有填写公安联网备案号",
         "这个网站没有填写公安联网备案号。请在 website 下加上 psb，例如 psb: 粤公网安备 44010002000001号："
         "备案号显示在网站首页最底部 ICP 备案号的旁边（前面有警徽图标），也可以在“全国互联网安全管理服务平台”"
         "（beian.mps.gov.cn）查到；还没有办理的，请在该平台申请。"),
    Rule("W-WEBSITE-MLPS-LEVEL", WARNING, "网站没有填写等级保护级别",
         "这个网站没有填写网络安全等级保护级别。未完成定级和备案的网站不得上线运行（郑教明电〔2021〕146号）："
         "请在 website 下加上 mlps_level（1 到 5 的数字，例如 mlps_level: 2），级别写在定级报告和公安机关出具的"
         "《信息系统安全等级保护备案证明》上；还没有定级的，请尽快定级备案。"),
    Rule("W-WEBSITE-MLPS-FILING", WARNING, "网站没有填写等级保护备案证明编号",
         "这个网站没有填写等级保护备案证明编号。请在 website 下加上 mlps_filing，例如 "
         "mlps_filing: \"44010013001-20001\"：编号印在公安机关网安部门出具的《信息系统安全等级保护备案证明》上；"
         "还没有备案的，请带定级报告到当地公安机关网安部门办理。"),
    Rule("W-MLPS-ASSESSMENT", WARNING, "等级测评超过一年或没有填写",
         "等级保护 {level} 级的系统每年至少要做一次等级测评（郑教明电〔2021〕146号：每年至少进行一次检测评估），"
         "{lapse}。请安排测评，并把测评报告上的日期填入 website 下的 mlps_assessed_on，"
         "例如 mlps_assessed_on: 2026-05-20。"),
    # The audit (site-gen audit): what the notices ask a supervising bureau to act on.
    # Messages are addressed to the bureau officer, not to the filer.
    Rule("A-ZOMBIE", HIGH, "长期不更新（僵尸号）",
         "“{name}”（{platform}）自最近一次发布（{since}）起已 {days} 天没有更新，"
         "处于“{stage}”阶段。{action}", key="zombie"),
    Rule("A-UNREPORTED", LOW, "活跃情况未填报",
         "“{name}”（{platform}）没有填报{missing}：表格中这些项目留空，审计无法判断它是否长期不更新。"
         "请督促{unit}在备案中填写。", key="unreported"),
    Rule("A-LATE-FILING", MEDIUM, "逾期备案",
         "“{name}”开通于 {opened_on}，备案于 {filed_on}，相隔 {days} 个工作日（规定 {limit} 个工作日内）："
         "请督促{unit}今后按时备案。", key="late_filing"),
    Rule("A-DUPLICATE-PLATFORM", MEDIUM, "同一平台多个账号",
         "{unit}在{platform}上有 {count} 个在用账号（{names}）：请按集约要求督促清理整合，"
         "保留一个，其余注销。", key="duplicate_platform"),
    Rule("A-ANNUAL-REVIEW", MEDIUM, "年审到期",
         "“{name}”距{what}（{last}）已超过一年，应于 {due} 前年审：请组织{unit}年审，"
         "并在备案中更新 annual_review_on。", key="annual_review_due"),
    Rule("A-LOOKALIKE-NAME", LOW, "名称易混淆",
         "账号名称“{name}”{how}（{other_unit}）：请确认不会让公众误认，必要时要求{unit}改用更能区分的名称。",
         key="lookalike_name"),
    Rule("A-WEBSITE-FILING", HIGH, "网站备案不全",
         "网站“{name}”缺少{missing}：请督促{unit}办理后在备案的 website 中填写。", key="website_filing"),
    Rule("A-MLPS-ASSESSMENT", MEDIUM, "等级测评逾期或未填报",
         "“{name}”（{platform}）为等级保护 {level} 级，{lapse}：三级及以上的系统每年至少测评一次，"
         "请督促{unit}完成等级测评，并在备案中填写 website.mlps_assessed_on。", key="mlps_assessment"),
    Rule("A-APP-FILING", HIGH, "APP 未备案",
         "APP“{name}”没有教育移动应用备案号：请督促{unit}按教技厅〔2019〕3号的要求办理备案，"
         "并填写 app.edu_app_filing。", key="app_filing"),
    Rule("A-CONTENT-REVIEW", HIGH, "未建立内容审核制度",
         "“{name}”没有建立内容发布审核制度：请督促{unit}落实“先审后发”三级审核"
         "（编辑初审、负责人审核、领导终审）。", key="content_review"),
    Rule("A-UNRECTIFIED", HIGH, "问题未整改",
         "“{name}”自查发现“{result}”（{checked_on}），尚未整改：请督促{unit}整改后更新 "
         "inspection.rectified。", key="unrectified"),
    # From a probe record (site-gen probe; docs/proof.md): what the filed websites show.
    Rule("A-SITE-UNREACHABLE", HIGH, "网站打不开",
         "网站“{name}”打不开：{detail}。请督促{unit}恢复访问；已停用的网站应注销备案。",
         key="site_unreachable"),
    Rule("A-SITE-TLS", HIGH, "HTTPS 证书有问题",
         "网站“{name}”的 HTTPS 有问题：{detail}。公众会看到“不安全”的警告，也无法确认网站的真实性："
         "请督促{unit}更换有效的证书。", key="site_tls"),
    Rule("A-SITE-REDIRECT", MEDIUM, "网站跳转到别处",
         "网站“{name}”：{detail}。请核实跳转的目标是不是{unit}自己的网站，并使用 https。",
         key="site_redirect"),
    Rule("A-SITE-ICP", HIGH, "网站显示的备案号与备案不一致",
         "网站“{name}”：{detail}。请督促{unit}在页面底部显示与备案一致的备案号，或更正备案。",
         key="site_icp"),
    Rule("A-SITE-ADS", HIGH, "网站有商业链接、广告或二维码",
         "网站“{name}”：{detail}。门户网站不得链接企业网站、发布商业广告或放置商品、商业服务的二维码："
         "请督促{unit}删除。", key="site_ads"),
    Rule("A-SITE-LISTED-NOT-FILED", HIGH, "网站列出了未备案的账号",
         "网站“{name}”：{detail}。请督促{unit}为这些账号备案，或从清单中删去不属于本单位的账号。",
         key="site_listed_not_filed"),
    Rule("A-SITE-FILED-NOT-LISTED", LOW, "网站的账号清单不全",
         "网站“{name}”：{detail}。请督促{unit}更新账号清单（见“账号核验”）。",
         key="site_filed_not_listed"),
    Rule("A-SITE-LISTING", LOW, "网站的账号清单格式不对",
         "网站“{name}”：{detail}。请督促{unit}按“账号核验”中的格式修改。", key="site_listing"),
    Rule("A-FILED-LATE-ENTRY", MEDIUM, "备案日期与录入日期不符",
         "“{name}”的备案日期写的是 {filed_on}，但 {entered} 才进入登记库（合并），相差 {days} 天："
         "备案日期应是提交备案的日期。请核实：如果是先交了纸质备案、后来才录入，请{unit}在备注中说明；"
         "否则应以 {entered} 为备案日期，是否逾期备案也按这一天计算。", key="filed_late_entry"),
    Rule("A-COUNTERFEIT-OPEN", MEDIUM, "假冒账号久未处置",
         "{platform}假冒账号“{name}”自 {since} 举报以来已 {days} 天仍未处置（{reports}）：请催办，"
         "必要时向网信部门（12377）和公安机关报告（site-gen notices 可生成举报函），处置后在 "
         "_counterfeits.yaml 中更新 status 和 closed_on。", key="counterfeit_open"),
    Rule("A-NO-CHIEF-EDITOR", MEDIUM, "没有责编",
         "“{name}”没有登记责编（contacts.chief_editor）：“先审后发”三级审核（编辑、责编、主管领导）"
         "需要有人负责第二级审核。请督促{unit}补充。", key="no_chief_editor"),
    Rule("A-ORDER-NOT-CARRIED-OUT", HIGH, "暂停或关停令未执行",
         "{kind}（{number}，{issued}）已下达，“{name}”在备案中仍为在用：请督促{unit}执行，并在备案中改为"
         "暂停使用（status: suspended）或注销（status: deregistered）。", key="order_not_carried_out"),
    Rule("A-FILED-AFTER-CUTOFF", LOW, "截止日后补录",
         "“{name}”开通于 {opened_on}，截至 {as_of} 还没有备案，{filed} 才补录：它在 {as_of} 已经存在，"
         "按首次备案的内容计入截至 {as_of} 的统计。", key="filed_after_cutoff"),
    Rule("A-CALENDAR-YEAR", LOW, "节假日安排缺少年份",
         "“{name}”开通（{opened_on}）到备案（{filed_on}）之间有 {years} 年的日子，节假日安排里没有这一年："
         "是否逾期备案只能按周末计算，可能不准。请更新 site-gen，或在登记库根目录的 holidays.yaml 中"
         "补上该年的法定节假日和调休上班日（见“规则审计”的“节假日”一节）。",
         key="calendar_year_missing"),
    Rule("A-CONTACTS-UNREADABLE", HIGH, "联系人无法解密",
         "{what}的联系人无法解密：{detail}报表中这些栏目显示“无法解密”。", key="contacts_unreadable"),
    Rule("A-CONTACTS-INVALID", MEDIUM, "联系人不合规",
         "{what}的联系人解密后不符合要求：{detail}请督促{unit}更正后重新加密（site-gen contacts seal）。",
         key="contacts_invalid"),
)
AUDIT_RULES = {rule.key: rule for rule in RULES.values() if rule.key}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one file."""

    file: str
    line: int
    column: int
    code: str
    message: str
    # Another file the problem is about (the first filing of a duplicate, say).
    related: str | None = None

    @property
    def severity(self) -> str:
        return RULES[self.code].severity

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def problem(code: str, file: str, line: int = 1, column: int = 1, *,
            related: str | None = None, **values: Any) -> Problem:
    """Make the problem ``code`` at ``file:line:column``, its message filled from ``values``."""
    rule = RULES[code]
    return Problem(file, max(line, 1), max(column, 1), code, rule.template.format(**values),
                   related)
