"""``edupoverty sample DIR``: write the bundled sample files into a folder (示例文件).

Writes ``sample_roster.csv`` (40 invented students of school year 2019, one row for each
defect class of the validation report) and ``sample_disbursements.csv`` (their payments,
with the payment defects) from :mod:`edupoverty.records.sample` into ``DIR`` (made if
missing). Each file replaces an older one whole. Prints what was written and the commands
to try next; exit 0.

Examples:
    >>> import contextlib, io, tempfile, pathlib
    >>> from edupoverty.cli import main
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "示例"
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     code = main(["sample", str(d)])
    >>> code, sorted(p.name for p in d.iterdir())
    (0, ['sample_disbursements.csv', 'sample_roster.csv'])
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from typing import Any

from edupoverty.cli.formats import add_format_option
from edupoverty.cli.output import dumps
from edupoverty.errors import InputError
from edupoverty.records.echo import printable
from edupoverty.records.outfile import replace_whole
from edupoverty.records.sample import (
    SAMPLE_SCHOOL_YEAR,
    sample_disbursements_path,
    sample_roster_path,
)

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    """Add the ``sample`` sub-command.

    Examples:
        >>> from edupoverty.cli import build_parser
        >>> build_parser().parse_args(["sample", "示例"]).folder
        '示例'
    """
    p = sub.add_parser(
        "sample",
        help="write the bundled sample roster and disbursement file into a folder",
    )
    p.add_argument("folder", metavar="DIR", help="folder to write into (made if missing)")
    add_format_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the sample files into ``args.folder``; exit 0.

    Examples:
        >>> from edupoverty.cli import main
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "a-file"
        >>> _ = f.write_text("")
        >>> main(["sample", str(f)])  # not a folder: one line on stderr
        2
    """
    folder = Path(args.folder)
    if folder.exists() and not folder.is_dir():
        err = InputError(
            f"{printable(str(folder))} 不是文件夹", f"{printable(str(folder))} is not a folder"
        )
        err.code = "output.not_a_folder"
        raise err
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for source in (sample_roster_path(), sample_disbursements_path()):
        target = folder / source.name
        with replace_whole(target, "wb") as fh:
            fh.write(source.read_bytes())
        written.append(target)
    if args.format == "json":
        print(dumps({"files": [str(p) for p in written], "school_year": SAMPLE_SCHOOL_YEAR}))
        return 0
    r, d = (printable(shlex.quote(str(p))) for p in written)
    if args.lang == "en":
        print(f"wrote {r} and {d} (invented data, school year {SAMPLE_SCHOOL_YEAR})")
        print("try:")
    else:
        print(f"已写入 {r} 和 {d}（虚构数据，{SAMPLE_SCHOOL_YEAR}学年）")
        print("接下来可以试试：")
    year = f"--school-year {SAMPLE_SCHOOL_YEAR}"
    print(f"  edupoverty validate {r} --disbursements {d} {year}")
    print(f"  edupoverty assess {r} {year} -o assessment.csv")
    return 0
