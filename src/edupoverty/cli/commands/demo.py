"""``edupoverty demo``: the main job on the bundled sample roster, start to finish.

1. validates the sample roster and its disbursements (效验, R-REC-3);
2. assesses every accepted student under the seed policy for the sample's school year
   (资助测算) and totals by programme and funding level;
3. plans a disclosure (公示) window posted today on the official working-day calendar.

With ``--format json`` the three parts come as one JSON object with the keys
``validation``, ``assessment`` and ``disclosure``.

Examples:
    >>> import io, json, contextlib
    >>> from edupoverty.cli import main
    >>> buf = io.StringIO()
    >>> with contextlib.redirect_stdout(buf):
    ...     code = main(["demo", "--format", "json"])
    >>> out = json.loads(buf.getvalue())
    >>> code, sorted(out), out["validation"]["rows"]
    (0, ['assessment', 'disclosure', 'validation'], 40)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from collections.abc import Callable
from typing import Any

from edupoverty.cli.formats import add_format_option

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    """Add the ``demo`` sub-command.

    Examples:
        >>> from edupoverty.cli import build_parser
        >>> build_parser().parse_args(["demo", "--format", "json"]).format
        'json'
    """
    p = sub.add_parser(
        "demo", help="validate and assess the bundled sample roster, and plan a disclosure"
    )
    add_format_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the tour (or one JSON object); exit 0 whatever the sample's findings.

    Examples:
        >>> import contextlib, io
        >>> from edupoverty.cli import main
        >>> with contextlib.redirect_stdout(io.StringIO()) as out:
        ...     code = main(["--lang", "en", "demo"])
        >>> code, "1. Validation" in out.getvalue()
        (0, True)
    """
    from edupoverty.cli.commands.assess import assess_report, format_table, write_json
    from edupoverty.cli.commands.disclosure import print_demo_plan
    from edupoverty.cli.commands.validate import validate_paths
    from edupoverty.records.sample import SAMPLE_SCHOOL_YEAR, sample_roster_path

    lang: str = args.lang
    zh = lang == "zh"
    path = sample_roster_path()
    report = assess_report(path, ("seed",), SAMPLE_SCHOOL_YEAR)
    parts: list[tuple[str, str, Callable[[], object]]] = [
        (
            "validation",
            "一、数据效验" if zh else "1. Validation",
            lambda: validate_paths([path], args, demo=True),
        ),
        (
            "assessment",
            f"二、资助测算（seed 配置，{SAMPLE_SCHOOL_YEAR}学年）"
            if zh
            else f"2. Entitlements (seed policy, school year {SAMPLE_SCHOOL_YEAR})",
            (lambda: write_json(report, _stdout()))
            if args.format == "json"
            else (lambda: print(format_table(report, lang))),
        ),
        (
            "disclosure",
            "三、今日公示的时间安排" if zh else "3. A disclosure posted today",
            lambda: print_demo_plan(lang, fmt=args.format),
        ),
    ]
    if args.format == "json":
        out: dict[str, Any] = {}
        for key, _, show in parts:
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                show()
            text = buf.getvalue().strip()
            try:
                out[key] = json.loads(text)
            except ValueError:  # a one-line message (e.g. a calendar year missing)
                out[key] = {"message": text}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for n, (_, title, show) in enumerate(parts):
        if n:
            print()
        print(title)
        print("=" * len(title.encode("gbk")))
        show()
    return 0


def _stdout() -> Any:
    import sys

    return sys.stdout
