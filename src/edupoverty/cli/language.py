"""The language of the command line (命令行的语言): of its help and of argparse's own words.

Messages are in Chinese unless ``--lang en`` is given, before or after any sub-command. The
help (``--help``) is in the language of ``--lang`` when it is given, else in the locale's:
Chinese when the first set of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` starts with ``zh``
(or none is set, as on Windows), English otherwise. Help strings are written in English in
the command modules and paired with their Chinese in one table,
:data:`~edupoverty.cli.help_zh.HELP_ZH`; :class:`Parser` shows the pair of the language.

Examples:
    >>> help_language(["assess", "--lang", "en"], {})
    'en'
    >>> help_language([], {"LANG": "zh_CN.UTF-8"}), help_language([], {"LANG": "C.UTF-8"})
    ('zh', 'en')
    >>> p = Parser(prog="demo", lang="zh")
    >>> p.add_argument("--days", help="length (default 7, R-DIS-2)").help
    '公示期天数（默认7天，R-DIS-2）'
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

from edupoverty.cli.help_zh import ARGPARSE_ZH, HELP_ZH
from edupoverty.records.echo import printable

__all__ = ["Parser", "help_language"]


def help_language(argv: Sequence[str], environ: Mapping[str, str] = os.environ) -> str:
    """``zh`` or ``en``: the value of ``--lang`` in ``argv`` if any, else the locale's.

    Examples:
        >>> help_language(["--lang=zh", "--help"], {"LANG": "en_US.UTF-8"})
        'zh'
        >>> help_language(["--help"], {"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"})
        'en'
        >>> help_language(["--help"], {})
        'zh'
    """
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in ("zh", "en"):
            return argv[i + 1]
        if arg in ("--lang=zh", "--lang=en"):
            return arg.partition("=")[2]
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "zh"


class Parser(argparse.ArgumentParser):
    """An argument parser whose help is in ``lang``, whose every (sub-)command takes
    ``--lang`` and ``-q/--quiet``, and whose usage errors are one line on stderr (exit 2).

    Help strings are given in English; in Chinese each is looked up in
    :data:`~edupoverty.cli.help_zh.HELP_ZH`; one missing from it is shown in English and
    listed in :attr:`untranslated` (the tests require that list to be empty). A
    sub-command without a description takes its help as its description.

    Examples:
        >>> p = Parser(prog="edupoverty", lang="zh", top=True)
        >>> sub = p.add_subparsers(dest="command")
        >>> q = sub.add_parser("demo", help="no such help text")
        >>> p.parse_args(["demo", "--lang", "en"]).lang, p.untranslated
        ('en', ['no such help text'])
        >>> p.parse_args(["--lang", "en", "demo"]).lang
        'en'
    """

    def __init__(
        self,
        *args: Any,
        lang: str = "zh",
        top: bool = False,
        untranslated: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.lang = lang
        self.untranslated: list[str] = [] if untranslated is None else untranslated
        if kwargs.get("description"):
            kwargs["description"] = self.say(kwargs["description"])
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS, help="show this help and exit"
        )
        # given before the sub-command (top) or after it: a sub-command's own default is
        # SUPPRESS, so that it never overwrites what was given before it
        self.add_argument(
            "--lang",
            choices=("zh", "en"),
            default="zh" if top else argparse.SUPPRESS,
            help="language of messages (default zh) and of this help",
        )
        self.add_argument(
            "-q",
            "--quiet",
            action="store_true",
            default=False if top else argparse.SUPPRESS,
            help="no progress bar and no notes on stderr (warnings and errors still shown)",
        )

    def say(self, text: str) -> str:
        """``text`` (English) in the parser's language."""
        if self.lang != "zh" or not text or text == argparse.SUPPRESS:
            return text
        zh = HELP_ZH.get(text)
        if zh is None:
            if text not in self.untranslated:
                self.untranslated.append(text)
            return text
        return zh

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        """Add an argument, its help shown in the parser's language."""
        if "help" in kwargs and kwargs["help"] is not None:
            kwargs["help"] = self.say(kwargs["help"])
        return super().add_argument(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        """Sub-commands whose parsers are of this class, in this language (their help
        translated, and used as their description when they have none)."""
        action = super().add_subparsers(**kwargs)
        add: Callable[..., Parser] = action.add_parser

        def add_parser(name: str, **kw: Any) -> Parser:
            if kw.get("help"):
                kw.setdefault("description", kw["help"])
                kw["help"] = self.say(kw["help"])
            return add(name, lang=self.lang, untranslated=self.untranslated, **kw)

        action.add_parser = add_parser  # type: ignore[method-assign]  # this instance only
        return action

    def format_usage(self) -> str:
        """The usage line, in the parser's language."""
        return self._words(super().format_usage())

    def format_help(self) -> str:
        """The help, in the parser's language."""
        return self._words(super().format_help())

    def _words(self, text: str) -> str:
        if self.lang != "zh":
            return text
        for en, zh in ARGPARSE_ZH.items():
            text = text.replace(en, zh)
        return text

    def error(self, message: str) -> NoReturn:
        """A usage error: one line on stderr naming the command and pointing to its
        ``--help``; exit 2."""
        for pattern, zh in _ERRORS_ZH if self.lang == "zh" else ():
            message = re.sub(pattern, zh, message)
        hint = (
            f"（用 {self.prog} --help 查看用法）"
            if self.lang == "zh"
            else f" (see {self.prog} --help)"
        )
        line = f"edupoverty: usage: {self.prog}: {message}{hint}"
        print(printable(line), file=sys.stderr)
        sys.exit(2)


_ERRORS_ZH: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (.*)", r"缺少必需的参数：\1"),
    (
        r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)",
        r"参数 \1 的值 \2 无效（可选：\3）",
    ),
    (r"argument (\S+): invalid int value: (.*)", r"参数 \1 应为整数，不是 \2"),
    (r"argument (\S+): invalid float value: (.*)", r"参数 \1 应为数字，不是 \2"),
    (r"argument (\S+): expected one argument", r"参数 \1 需要一个值"),
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1"),
    (r"argument (\S+): not allowed with argument (\S+)", r"参数 \1 不能与 \2 同时使用"),
)
"""argparse's usage errors, in Chinese (Python 3.11–3.13 wording)."""
