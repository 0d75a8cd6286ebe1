"""``edupoverty policy list`` and ``edupoverty policy show NAME``: the bundled profiles.

``show`` prints every programme with its amounts and their dates, conditions, funding and
sources, straight from the policy data (the same data the docs catalogue is built from).

Examples:
    >>> from edupoverty.cli import main
    >>> main(["policy", "list"])  # doctest: +ELLIPSIS
    name ...
    ...
    seed ...
    0
"""

from __future__ import annotations

import argparse
from typing import Any

from edupoverty.cli.formats import add_format_option
from edupoverty.cli.output import dumps, table
from edupoverty.records.echo import printable
from edupoverty.rules import list_profiles, load_policy
from edupoverty.rules.catalogue import describe

__all__ = ["register", "run_list", "run_show"]


def register(sub: Any) -> None:
    """Add the ``policy`` sub-command with ``list`` and ``show``.

    Examples:
        >>> from edupoverty.cli import build_parser
        >>> build_parser().parse_args(["policy", "show", "seed", "dangshan"]).name
        ['seed', 'dangshan']
    """
    p = sub.add_parser("policy", help="list and show policy profiles (政策配置)")
    psub = p.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    lp = psub.add_parser("list", help="list the bundled profiles")
    add_format_option(lp)
    lp.set_defaults(func=run_list)
    sp = psub.add_parser("show", help="show every programme of a profile")
    sp.add_argument("name", nargs="+", metavar="NAME|FILE", help="profile names or TOML files")
    add_format_option(sp)
    sp.set_defaults(func=run_show)


def run_list(args: argparse.Namespace) -> int:
    """Print the bundled profiles; exit 0.

    Examples:
        >>> from edupoverty.cli import main
        >>> main(["policy", "list", "--format", "json"])  # doctest: +ELLIPSIS
        [...
          {
            "name": "seed",
            "title_zh": "种子文件默认配置（教育精准扶贫学生资助政策）",
            "title_en": "Seed profile (education poverty-alleviation student subsidy policy)"
          }
        ]
        0
    """
    if args.format == "json":
        print(dumps([{"name": n, "title_zh": zh, "title_en": en} for n, zh, en in list_profiles()]))
        return 0
    rows = [[n, zh if args.lang == "zh" else en] for n, zh, en in list_profiles()]
    print(table(["name", "title"] if args.lang == "en" else ["name", "名称"], rows))
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Print one (composed) profile; exit 0.

    Examples:
        >>> from edupoverty.cli import main
        >>> import contextlib, io
        >>> buf = io.StringIO()
        >>> with contextlib.redirect_stdout(buf):
        ...     code = main(["--lang", "en", "policy", "show", "liling"])
        >>> text = buf.getvalue()
        >>> code, text.splitlines()[0][:19], "liling.preschool_fee_reduction" in text
        (0, 'policy seed+liling:', True)
    """
    policy = load_policy(*args.name)
    data = describe(policy)
    if args.format == "json":
        print(
            dumps(
                {
                    "policy": policy.name,
                    "reviewed_school_years": [policy.reviewed_from, policy.reviewed_until],
                    "programmes": data,
                }
            )
        )
        return 0
    en = args.lang == "en"
    p = policy.parameters
    print(
        printable(
            f"policy {policy.name}: {policy.title_en}; reviewed for school years "
            f"{policy.reviewed_from}–{policy.reviewed_until}"
            if en
            else f"政策 {policy.name}：{policy.title_zh}；核对学年 {policy.reviewed_from}–"
            f"{policy.reviewed_until}"
        )
    )
    print(
        f"  difficulty statuses: {', '.join(sorted(p.difficulty_statuses))}; proration "
        f"{p.proration}; school days {', '.join(f'{s.value} {n}' for s, n in p.school_days)}"
    )
    for d in data:
        print()
        print(
            printable(
                f"{d['id']}  {d['name_zh']} / {d['name_en']}  [{d['form']}]  "
                f"{', '.join(d['rules'])}"
            )
        )
        if d["from"] or d["until"]:
            print(f"  in force: {d['from'] or '…'} – {d['until'] or '…'}")
        print(
            printable(f"  {'conditions' if en else '条件'}: {'; '.join(d['eligibility']) or '—'}")
        )
        rows = []
        for a in d["amounts"]:
            amount = (
                a["amount"] if a["amount"] is not None else ("not configured" if en else "未配置")
            )
            rows.append(
                [
                    a["group"],
                    a["when"],
                    a["tier"] or "",
                    amount,
                    "school day" if a["kind"] == "per_school_day" else a["per"],
                    a["from"] or "",
                    a["until"] or "",
                    a["rule"],
                    a["source"],
                ]
            )
        head = ["group", "when", "tier", "amount", "per", "from", "until", "rule", "source"]
        print("  " + table(head, rows).replace("\n", "\n  "))
        if d["funding"]:
            for f in d["funding"]:
                shares = ", ".join(f"{k} {v}%" for k, v in f["shares"].items())
                print(printable(f"  funding from {f['from']}: {shares} ({f['rule']})"))
        else:
            print("  funding: unknown (R-FND-4)" if en else "  分担比例：未规定（R-FND-4）")
        if d["replaces"]:
            print(printable(f"  replaces: {', '.join(d['replaces'])} (R-STK-4)"))
    return 0
