# ruff: noqa: E501  (a table of whole sentences, one pair a line)
"""The Chinese of the command line's help: one pair per English help string (帮助的中文).

The command modules write their help in English; :class:`~edupoverty.cli.language.Parser`
shows the Chinese of this table when the help is in Chinese. A help string missing here is
shown in English and fails the tests, so that the table and the commands stay together.

Examples:
    >>> HELP_ZH["print the version and exit"]
    '显示版本号后退出'
"""

from __future__ import annotations

__all__ = ["ARGPARSE_ZH", "HELP_ZH"]

ARGPARSE_ZH: dict[str, str] = {
    "usage: ": "用法：",
    "\npositional arguments:\n": "\n位置参数：\n",
    "\noptions:\n": "\n选项：\n",
    "\noptional arguments:\n": "\n选项：\n",
}
"""argparse's own headings, in Chinese."""

HELP_ZH: dict[str, str] = {
    "Education poverty-alleviation student subsidies: rules, deadlines, records": (
        "教育精准扶贫学生资助：资助政策测算、公示期限与名单数据"
    ),
    "print the version and exit": "显示版本号后退出",
    "show this help and exit": "显示本帮助后退出",
    "language of messages (default zh) and of this help": (
        "提示信息和帮助的语言（默认 zh 中文；en 为英文）"
    ),
    "no progress bar and no notes on stderr (warnings and errors still shown)": (
        "不显示进度条和提示（警告和错误仍然显示）"
    ),
    "compute every student's entitlements under a policy (资助测算)": (
        "按政策配置测算名单中每个学生应享受的资助（资助测算）"
    ),
    "Compute the entitlements of every student of a roster: one row per student, one column per programme.": (
        "测算名单中每个学生应享受的资助：每个学生一行，每个资助项目一列。"
    ),
    "roster file (.csv or .xlsx)": "名单文件（.csv 或 .xlsx）",
    "policy profile name or TOML file; repeat to lay overlays (default: seed)": (
        "政策配置名称或 TOML 文件；可重复使用，逐层叠加地方配置（默认 seed）"
    ),
    "school year of the roster: YEAR runs from 1 September YEAR to 31 August YEAR+1 (default: the current school year in China)": (
        "名单所属学年：YEAR 学年从 YEAR 年9月1日到次年8月31日（默认：北京时间今天所在的学年）"
    ),
    "output format (default: from the suffix of -o, else the text table)": (
        "输出格式（默认按 -o 文件的后缀确定；不写文件时为文字表格）"
    ),
    "write to FILE (format from its suffix), replaced whole when complete": (
        "写入 FILE（格式由后缀确定）；写完后整体替换原文件"
    ),
    "no longer used: accepted for one release (the roster is assessed as a table)": (
        "已不再使用：本版本仍接受此参数，下一版本将移除（名单已按表整体测算）"
    ),
    "the working-day calendar (official holiday data)": ("工作日日历（国务院公布的节假日数据）"),
    "is the official data for YEAR there? (exit 1 if not)": (
        "检查是否已有 YEAR 年的官方节假日数据（没有时退出码为1）"
    ),
    "add a calendar year file (TOML, from the State Council notice)": (
        "加入一个年份日历文件（TOML，依据国务院节假日通知）"
    ),
    "opt in to an estimate for YEAR: statutory holidays by rule, no make-up days (results marked provisional)": (
        "对 YEAR 年采用估算：按规则推算法定节假日，不含调休上班日（结果标为暂定）"
    ),
    "table (default) or json": "table 表格（默认）或 json",
    "check a calendar year file (TOML), or read one from the State Council's notice": (
        "检查年份日历文件（TOML），或从国务院节假日通知文本生成年份文件"
    ),
    "a calendar year file (TOML)": "年份日历文件（TOML）",
    "the text of the notice (国务院办公厅关于YYYY年部分节假日安排的通知), UTF-8 or GBK": (
        "通知全文（国务院办公厅关于YYYY年部分节假日安排的通知），UTF-8 或 GBK 编码"
    ),
    "write the year file read from the notice": ("把从通知读出的年份文件写入此文件（.toml）"),
    "the N-th working day after a date (e.g. an objection's reply day, R-DIS-4)": (
        "计算某日之后第 N 个工作日（如异议答复期限，R-DIS-4）"
    ),
    "start date YYYY-MM-DD (not counted) or today": (
        "起算日 YYYY-MM-DD（当天不计入）或 today（今天）"
    ),
    "how many working days (negative: backwards)": "工作日数（负数表示向前推算）",
    "validate and assess the bundled sample roster, and plan a disclosure": (
        "用自带的示例名单演示：效验、测算并安排公示期"
    ),
    "disclosure windows (公示期)": "公示期安排",
    "plan a disclosure window from its posting day": "按公示开始日安排公示期",
    "posting day YYYY-MM-DD or today": ("公示开始日 YYYY-MM-DD 或 today（今天）"),
    "length (default 7, R-DIS-2)": "公示期天数（默认7天，R-DIS-2）",
    "how the days are counted (default civil_code)": (
        "天数的计算方法（默认 civil_code：按民法典，开始当日不计入）"
    ),
    "the permanent assistance ledger (永久性救助台账)": "永久性救助台账",
    "create a new ledger file": "新建台账文件",
    "key of a keyed ledger (kept apart from it)": "带密钥台账的密钥文件（与台账分开保存）",
    "head log: one line per append (SEQ HASH TIME)": (
        "校验值记录文件：每次追加记一行（序号 校验值 时间）"
    ),
    "append entries (CSV, XLSX or JSON) or a disbursement file's payments": (
        "追加台账记录（CSV、XLSX 或 JSON），或发放表中的发放记录"
    ),
    "entries file, or a disbursement file (发放表)": "台账记录文件，或发放表",
    "the disclosure (公示) covering a disbursement file": "发放表对应的公示编号",
    "income and expenditure by programme and level": "按资助项目和资金层级统计收支",
    "verify the hash chain (exit 1 if tampered)": "核验台账的校验链（被篡改时退出码为1）",
    "SEQ:HASH of an entry written down earlier": "此前抄录的某条记录的 序号:校验值",
    "export the entries as CSV (or JSON)": "导出台账记录为 CSV（或 JSON）",
    "write to FILE, .csv or .json (default: standard output, CSV)": (
        "写入 FILE，.csv 或 .json（默认输出到屏幕，CSV 格式）"
    ),
    "csv or json (default: from the suffix of -o, else csv)": (
        "csv 或 json（默认按 -o 文件后缀确定，否则为 csv）"
    ),
    "export identity numbers unmasked": "导出完整的身份证号（默认遮盖）",
    "list and show policy profiles (政策配置)": "列出和查看政策配置",
    "list the bundled profiles": "列出自带的政策配置",
    "show every programme of a profile": "查看一个政策配置的全部资助项目",
    "profile names or TOML files": "政策配置名称或 TOML 文件",
    "write a public list (公示名单) from a roster": "由名单生成公示名单",
    "Write a public list (公示名单) from a roster: only the columns a public list may show; .xlsx ready to print, .csv data only.": (
        "由名单生成公示名单：只含允许公示的列；.xlsx 可直接打印，.csv 只含数据。"
    ),
    "roster file (.xlsx or .csv)": "名单文件（.xlsx 或 .csv）",
    "output .csv or .xlsx": "输出文件，.csv 或 .xlsx",
    "comma-separated columns (default name,school,grade; with --policy name,school,grade,programme,tier,amount)": (
        "公示的列，用逗号分隔（默认 name,school,grade；使用 --policy 时默认 name,school,grade,programme,tier,amount）"
    ),
    "assess the students under this policy profile first (repeat to lay overlays)": (
        "先按此政策配置测算资助（可重复使用，逐层叠加）"
    ),
    "title printed on the XLSX list": "XLSX 公示名单上的标题",
    "posting day: prints the window dates": "公示开始日：在名单上印出公示起止日期",
    "how to report or complain (举报受理方式, R-DIS-1): required for .xlsx": (
        "举报受理方式（R-DIS-1）：输出 .xlsx 时必填"
    ),
    "write the bundled sample roster and disbursement file into a folder": (
        "把自带的示例名单和发放表写入一个文件夹"
    ),
    "folder to write into (made if missing)": "写入的文件夹（不存在时自动创建）",
    "write a synthetic roster of invented students (.csv or .xlsx)": (
        "生成虚构学生的合成名单（.csv 或 .xlsx）"
    ),
    "the roster to write, .csv or .xlsx": "要写入的名单文件，.csv 或 .xlsx",
    "how many rows (default 1000)": "行数（默认1000）",
    "the same seed gives the same roster": "随机种子：相同的种子生成相同的名单",
    "repeat K distinct profiles instead of drawing every row apart": (
        "只生成 K 种不同的学生情况并重复使用，而不是每行单独生成"
    ),
    "share of rows carrying each defect class of the validation report (0 to 1)": (
        "每类效验错误所占的行比例（0到1）"
    ),
    "header language (default zh)": "表头语言（默认 zh 中文）",
    "of the summary on standard output: table (default) or json": (
        "屏幕上摘要的格式：table 表格（默认）或 json"
    ),
    "check roster files: ID numbers, values, duplicates, payments (效验)": (
        "效验名单：身份证号、取值、重报、发放情况（效验）"
    ),
    "Validate roster files (CSV/XLSX) and optionally a disbursement file.": (
        "效验名单文件（CSV/XLSX），可同时效验发放表。"
    ),
    "roster file(s), CSV or XLSX": "名单文件（可多个），CSV 或 XLSX",
    "disbursement file (CSV or XLSX)": "发放表（CSV 或 XLSX）",
    "also audit payments against this policy (虚报/错报/漏报); repeat for overlays": (
        "同时按此政策配置核查发放（虚报、错报、漏报）；可重复使用，逐层叠加"
    ),
    "signed waiver pledges (放弃受助承诺书, R-REC-5), read with --policy": (
        "已签字的放弃受助承诺书（R-REC-5），与 --policy 一起使用"
    ),
}
"""English help string → its Chinese."""
