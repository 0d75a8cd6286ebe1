"""Run the ``>>>`` examples of the documentation pages (``docs/**/*.md``) as doctests.

Every page is one doctest, collected when pytest runs with its default ``testpaths`` (which
include ``docs``) or is given ``docs`` or a page. The examples run with the project's
``doctest_optionflags``; a page's examples share one namespace, top to bottom, as in a
Python session.

What runs:

* ``>>>`` examples (and their ``...`` continuation lines) in fenced blocks marked
  ``pycon``, ``python``, ``py`` or ``python3``, and outside fenced blocks;
* nothing in other fenced blocks (``console``, ``sh``, ``text``, ``toml``, ``json``, or no
  language): a ``>>>`` there is shown text, not Python.

The fence lines themselves are read as blank lines, so the expected output of an example ends
at the closing fence. (pytest's own ``--doctest-glob="*.md"`` would read the closing fence as
expected output; do not add it for ``docs``: the pages would be collected twice.)

Each page runs in a fresh temporary working directory. A fenced block named as a file is
written there under that name before the examples run, so an example can load exactly the
file the page shows. A block is named by a title, ```` ```toml title="county.toml" ```` (shown
as a file header on the site), or by an HTML comment ``<!-- file: county.toml -->`` on a line
of its own before it (not shown).
"""

from __future__ import annotations

import doctest
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Not collected by --doctest-modules: a second module named "conftest" (tests/disclosure has
# one) would clash with it.
collect_ignore = ["conftest.py"]

PYTHON_FENCES = frozenset({"pycon", "python", "py", "python3"})

_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<info>.*)$")
_LANG = re.compile(r"^\{?\s*\.?(?P<lang>[\w+-]*)")
_TITLE = re.compile(r"""\btitle=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""")
_FILE_COMMENT = re.compile(r"^\s*<!--\s*file:\s*(?P<name>\S+)\s*-->\s*$")


def _file_name(name: str | None) -> str | None:
    # only a plain file name: never a path outside the page's working directory
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        return None
    return name


def _title_file(info: str) -> str | None:
    m = _TITLE.search(info)
    if m is None:
        return None
    return _file_name(m.group("dq") if m.group("dq") is not None else m.group("sq"))


def parse_page(text: str) -> tuple[str, dict[str, str]]:
    """The page as doctest text and the files its titled fenced blocks define.

    The text has one line for every line of the page, so line numbers hold: fence lines and
    the lines of non-Python fenced blocks are blank, everything else is kept as it is.
    """
    out: list[str] = []
    files: dict[str, str] = {}
    fence: str | None = None
    indent = ""
    keep = True
    name: str | None = None
    announced: str | None = None  # from <!-- file: NAME -->, for the next fenced block
    body: list[str] = []
    for line in text.splitlines():
        m = _FENCE.match(line)
        if fence is None and m is not None:
            fence, indent = m.group("fence"), m.group("indent")
            info = m.group("info")
            lang = _LANG.match(info)
            keep = lang is not None and lang.group("lang").lower() in PYTHON_FENCES
            name, body = _title_file(info) or announced, []
            announced = None
            out.append("")
            continue
        if (
            fence is not None
            and m is not None
            and m.group("fence")[0] == fence[0]
            and len(m.group("fence")) >= len(fence)
            and not m.group("info").strip()
        ):
            if name is not None:
                files[name] = "".join(f"{kept}\n" for kept in body)
            fence = None
            out.append("")
            continue
        if fence is not None:
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            out.append(line if keep else "")
            continue
        comment = _FILE_COMMENT.match(line)
        if comment is not None:
            announced = _file_name(comment.group("name"))
        elif line.strip():
            announced = None  # the comment names the block right after it
        out.append(line)
    return "\n".join(out) + "\n", files


def _ini(config: pytest.Config, name: str) -> Any:
    try:
        return config.getini(name)
    except ValueError:  # pytest's doctest plugin disabled (-p no:doctest)
        return None


def _optionflags(config: pytest.Config) -> int:
    flags = 0
    for name in _ini(config, "doctest_optionflags") or ():
        flags |= doctest.OPTIONFLAGS_BY_NAME[name]
    if not config.getoption("doctest_continue_on_failure", False):
        flags |= doctest.REPORT_ONLY_FIRST_FAILURE
    return flags


class PageFailure(Exception):
    """The doctest report of a page whose examples failed."""


class PageExamples(pytest.Item):
    def __init__(self, *, dtest: doctest.DocTest, files: dict[str, str], **kw: Any) -> None:
        super().__init__(**kw)
        self.dtest = dtest
        self.files = files

    def runtest(self) -> None:
        report: list[str] = []
        runner = doctest.DocTestRunner(optionflags=_optionflags(self.config))
        self.dtest.globs = {"__name__": "__main__"}  # a fresh session on every run
        cwd = os.getcwd()
        with tempfile.TemporaryDirectory(prefix="edupoverty-docs-") as tmp:
            for name, content in self.files.items():
                Path(tmp, name).write_text(content, encoding="utf-8")
            os.chdir(tmp)
            try:
                result = runner.run(self.dtest, out=report.append, clear_globs=True)
            finally:
                os.chdir(cwd)
        if result.failed:
            raise PageFailure("".join(report))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, PageFailure):
            return str(excinfo.value).lstrip("*\n")  # from 'File "…", line N
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"[doctest] {self.name}"


class Page(pytest.File):
    def collect(self) -> Iterator[PageExamples]:
        encoding = _ini(self.config, "doctest_encoding") or "utf-8"
        text, files = parse_page(self.path.read_text(encoding=encoding))
        name = self.path.relative_to(Path(__file__).parent).as_posix()
        dtest = doctest.DocTestParser().get_doctest(text, {}, name, str(self.path), 0)
        if dtest.examples:
            yield PageExamples.from_parent(self, name=self.path.name, dtest=dtest, files=files)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Page | None:
    if file_path.suffix == ".md":
        return Page.from_parent(parent, path=file_path)
    return None
