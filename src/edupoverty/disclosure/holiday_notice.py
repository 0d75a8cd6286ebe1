"""The State Council's annual holiday notice, read (国务院办公厅关于部分节假日安排的通知).

Each autumn the General Office of the State Council publishes the next year's arrangement:
one numbered item per festival, giving the rest days (放假), how many there are (共N天), and
the weekend days worked in exchange (调休上班)::

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。

:func:`parse_notice` reads the text of such a notice (pasted from the official site, or
saved as a file and read with :func:`read_notice`) into a :class:`HolidayNotice`, checking
it as it goes: every festival is there, each count 共N天 agrees with its range of dates,
each weekday written beside a date (（周四）, （星期日）) is that date's weekday, each
make-up working day is a Saturday or Sunday. A notice that disagrees with itself is refused
with :class:`~edupoverty.errors.CalendarDataError` naming the line. The result becomes a
calendar year (:meth:`HolidayNotice.calendar_year`) or a year file
(:meth:`HolidayNotice.year_file_text`) in the format
:func:`~edupoverty.disclosure.workdays.load_year_file` reads.

Dates are read as the notice writes them: ``M月D日``, ``D日`` (same month as the date
before it), ``YYYY年M月D日`` (an 元旦 that starts in the year before). A date without a year
is in the year of the date before it in the same item, or else the notice's year.

Examples:
    >>> n = parse_notice('''国务院办公厅关于2026年部分节假日安排的通知
    ... 一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    ... 二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
    ... 2月14日（周六）、2月28日（周六）上班。
    ... 三、清明节：4月4日（周六）至6日（周一）放假，共3天。
    ... 四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
    ... 五、端午节：6月19日（周五）至21日（周日）放假，共3天。
    ... 六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
    ... 七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。
    ... 9月20日（周日）、10月10日（周六）上班。''')
    >>> n.year, [f.name for f in n.festivals][:3], n.festivals[1].workdays
    (2026, ['元旦', '春节', '清明节'], (datetime.date(2026, 2, 14), datetime.date(2026, 2, 28)))
    >>> y = n.calendar_year()
    >>> len(y.holidays), len(y.workdays)
    (33, 6)
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from pathlib import Path

from attrs import frozen

from edupoverty.disclosure.workdays import CalendarYear
from edupoverty.errors import CalendarDataError, RosterError
from edupoverty.records.safefile import read_limited
from edupoverty.records.textfeed import detect_encoding

__all__ = ["FESTIVALS", "Festival", "HolidayNotice", "parse_notice", "read_notice"]

FESTIVALS: tuple[str, ...] = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
"""The statutory festivals every annual notice arranges (全国年节及纪念日放假办法)."""

MAX_NOTICE_BYTES = 256 * 1024
"""A notice is a page of text; a file larger than this is refused unread."""

_TITLE = re.compile(r"关于(\d{4})年(?:部分)?节假日安排的通知")
_NUMBER = re.compile(r"国办发(?:明电)?〔\d{4}〕\d+号")
_ISSUED = re.compile(r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*$", re.MULTILINE)
_ITEM = re.compile(r"(?m)^\s*([一二三四五六七八九十]{1,3})、\s*([^：:\n]{1,20})[：:]")
_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:（([^）]{0,30})）)?")
_COUNT = re.compile(r"(?:共|放假)(\d{1,2})天")
_WEEKDAY = re.compile(r"(?:周|星期)([一二三四五六日天])")
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_SENTENCE = re.compile(r"[。；;\n]")


@frozen
class Festival:
    """One item of a notice: a festival (or two, 国庆节、中秋节), its rest days, the count
    the notice gives (``None`` where it gives none, as in 与周末连休), and the make-up
    working days. ``line`` is the item's line in the notice (first line 1).

    Examples:
        >>> f = Festival("端午节", (date(2024, 6, 10),), None, (), 9)
        >>> f.rest[0], f.days
        (datetime.date(2024, 6, 10), None)
    """

    name: str
    rest: tuple[date, ...]
    days: int | None
    workdays: tuple[date, ...]
    line: int


@frozen
class HolidayNotice:
    """A State Council holiday notice, read and checked (:func:`parse_notice`): its
    ``year``, ``title``, document ``number`` and ``issued`` date where the text gives them,
    and its ``festivals`` in the notice's order.

    Examples:
        >>> n = HolidayNotice(2024, "国务院办公厅关于2024年部分节假日安排的通知", "", None, ())
        >>> n.source
        '国务院办公厅关于2024年部分节假日安排的通知'
    """

    year: int
    title: str
    number: str
    issued: date | None
    festivals: tuple[Festival, ...]

    @property
    def source(self) -> str:
        """The notice's title, number and date, as a year file's ``source``."""
        parts = [self.title, self.number, self.issued.isoformat() if self.issued else ""]
        return " ".join(p for p in parts if p)

    def calendar_year(self) -> CalendarYear:
        """The holidays and make-up working days that fall in the notice's year. (An 元旦
        break that starts in December belongs to the year before, whose data already hold
        it.)

        Examples:
            >>> f = Festival("元旦", (date(2022, 12, 31), date(2023, 1, 1), date(2023, 1, 2)),
            ...              3, (), 6)
            >>> y = HolidayNotice(2023, "通知", "", None, (f,)).calendar_year()
            >>> sorted(y.holidays)
            [datetime.date(2023, 1, 1), datetime.date(2023, 1, 2)]
        """
        rest = [d for f in self.festivals for d in f.rest if d.year == self.year]
        work = [d for f in self.festivals for d in f.workdays if d.year == self.year]
        return CalendarYear(self.year, holidays=rest, workdays=work, source=self.source)

    def year_file_text(self) -> str:
        """The notice as a calendar year file (TOML), the format
        :func:`~edupoverty.disclosure.workdays.load_year_file` reads; days of another year
        are left out.

        Examples:
            >>> f = Festival("元旦", (date(2027, 1, 1),), None, (), 6)
            >>> print(HolidayNotice(2027, "通知", "", None, (f,)).year_file_text())
            ... # doctest: +ELLIPSIS
            # ...
            year = 2027
            source = "通知"
            <BLANKLINE>
            [[holiday]]
            name = "元旦"
            from = 2027-01-01
            to = 2027-01-01
            <BLANKLINE>
        """
        lines = [
            "# Working-day calendar year file (节假日安排年份文件), read from the notice below",
            "# by `edupoverty calendar add --from-notice`; checked against its own counts.",
            f"year = {self.year}",
            f'source = "{_toml_text(self.source)}"',
        ]
        for f in self.festivals:
            rest = [d for d in f.rest if d.year == self.year]
            work = [d for d in f.workdays if d.year == self.year]
            if not rest and not work:
                continue
            lines += ["", "[[holiday]]", f'name = "{_toml_text(f.name)}"']
            if rest:
                lines += [f"from = {rest[0].isoformat()}", f"to = {rest[-1].isoformat()}"]
            else:  # only make-up days fall in this year
                lines += [f"from = {work[0].isoformat()}", f"to = {work[0].isoformat()}"]
            if work:
                lines.append(f"workdays = [{', '.join(d.isoformat() for d in work)}]")
        return "\n".join(lines) + "\n"


def _toml_text(text: str) -> str:
    """``text`` as the inside of a TOML basic string."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def read_notice(path: str | Path, *, year: int | None = None) -> HolidayNotice:
    """Read a notice saved as a text file (UTF-8, or GB18030 as saved by Chinese Windows),
    at most :data:`MAX_NOTICE_BYTES`; see :func:`parse_notice`.

    Examples:
        >>> read_notice("/nonexistent/通知.txt")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        edupoverty.errors.CalendarDataError: calendar.data: 通知文件 通知.txt：...
    """
    p = Path(path)

    def refuse(zh: str, en: str) -> CalendarDataError:
        return CalendarDataError(f"通知文件 {p.name}：{zh}", f"notice file {p.name}: {en}")

    raw = read_limited(p, limit=MAX_NOTICE_BYTES, refuse=refuse)
    try:  # UTF-8 (with or without a BOM), UTF-16 ("Unicode" in Notepad) or GB18030
        text = raw.decode(detect_encoding(p, raw))
    except (RosterError, UnicodeDecodeError):
        raise refuse("无法识别编码", "unknown encoding") from None
    return parse_notice(text, year=year)


def parse_notice(text: str, *, year: int | None = None) -> HolidayNotice:
    """Read the text of a State Council holiday notice and check it against itself.

    ``year`` is needed only when the text lacks the title (…关于YYYY年部分节假日安排的通知);
    given with a title, the two must agree. Raises
    :class:`~edupoverty.errors.CalendarDataError` naming the line that is wrong: a count
    共N天 that disagrees with its dates, a weekday that is not the date's, a make-up working
    day on a weekday, a festival missing or given twice, an item without rest days.

    Examples:
        >>> parse_notice("一、元旦：1月1日（周三）至3日放假，共2天。", year=2025)
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        edupoverty.errors.CalendarDataError: calendar.data: 第1行（元旦）：写明共2天，但所列日期...
    """
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    # NFKC turns the full-width brackets and colon into ASCII ones; put the brackets back,
    # as the patterns expect the notice's own spelling
    text = text.replace("(", "（").replace(")", "）")
    title_match = _TITLE.search(text)
    title = ""
    if title_match is not None:
        start = text.rfind("\n", 0, title_match.start()) + 1
        end = text.find("\n", title_match.end())
        title = text[start : end if end >= 0 else len(text)].strip()
        titled = int(title_match.group(1))
        if year is not None and year != titled:
            raise CalendarDataError(
                f"通知标题是{titled}年，但指定的是{year}年",
                f"the notice's title is for {titled}, but {year} was given",
            )
        year = titled
    if year is None:
        raise CalendarDataError(
            "找不到通知标题中的年份（…关于YYYY年部分节假日安排的通知），请指定年份",
            "the notice's year is not in the text (…关于YYYY年部分节假日安排的通知): give it",
        )
    number = _NUMBER.search(text)
    issued = _issued(text)
    items = list(_ITEM.finditer(text))
    festivals = []
    for i, m in enumerate(items):
        end = items[i + 1].start() if i + 1 < len(items) else len(text)
        body = text[m.end() : end]
        if i + 1 == len(items):  # the last item ends where its paragraph ends
            body = body.split("\n\n")[0]
            body = _last_item(body)
        line = text.count("\n", 0, m.start()) + 1
        festivals.append(_festival(m.group(2).strip(), body, year, line))
    _complete(festivals)
    return HolidayNotice(year, title, number.group(0) if number else "", issued, tuple(festivals))


def _last_item(body: str) -> str:
    """The last item's text: up to the first line that dates nothing (the closing words)."""
    kept = []
    for n, part in enumerate(body.split("\n")):
        if n and not _DATE.search(part):
            break
        kept.append(part)
    return "\n".join(kept)


def _issued(text: str) -> date | None:
    """The notice's date: the last line that is a date alone."""
    found = list(_ISSUED.finditer(text))
    if not found:
        return None
    y, m, d = (int(g) for g in found[-1].groups())
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _festival(name: str, body: str, year: int, line: int) -> Festival:
    where = f"第{line}行（{name}）"
    where_en = f"line {line} ({name})"
    rest: list[date] = []
    work: list[date] = []
    days: int | None = None
    current = [year, 0]  # the year and month a date without them takes
    for sentence in _SENTENCE.split(body.replace("\n", "")):
        for clause in re.split(r"[，,]", sentence):
            dates = [_date(m, current, where, where_en) for m in _DATE.finditer(clause)]
            count = _COUNT.search(clause)
            if count is not None:
                days = int(count.group(1))
            if "上班" in clause:
                work.extend(dates)
            elif "放假" in clause or "补休" in clause:
                if "至" in clause and len(dates) == 2:
                    first, last = dates
                    if last < first:
                        raise CalendarDataError(
                            f"{where}：放假结束日早于开始日",
                            f"{where_en}: the break ends before it starts",
                        )
                    rest.extend(first + timedelta(n) for n in range((last - first).days + 1))
                else:
                    rest.extend(dates)
    if not rest:
        raise CalendarDataError(f"{where}：没有读到放假日期", f"{where_en}: no rest days found")
    if days is not None:
        span = (max(rest) - min(rest)).days + 1
        if span != days or len(set(rest)) != days:
            raise CalendarDataError(
                f"{where}：写明共{days}天，但所列日期是{span}天",
                f"{where_en}: the notice says {days} days, but its dates span {span}",
            )
    weekday = [d for d in work if d.weekday() < 5]
    if weekday:
        raise CalendarDataError(
            f"{where}：调休上班日 {weekday[0].isoformat()} 不是周末",
            f"{where_en}: make-up working day {weekday[0].isoformat()} is not a weekend day",
        )
    return Festival(name, tuple(sorted(set(rest))), days, tuple(sorted(set(work))), line)


def _date(m: re.Match[str], current: list[int], where: str, where_en: str) -> date:
    """The date ``m`` spells, its year and month taken from ``current`` where not written
    (and ``current`` moved on); its written weekday checked."""
    y, mo, d, note = m.groups()
    if y is not None:
        current[0] = int(y)
    if mo is not None:
        current[1] = int(mo)
    if not current[1]:
        raise CalendarDataError(
            f"{where}：日期“{m.group(0)}”缺少月份",
            f"{where_en}: the date {m.group(0)} has no month",
        )
    try:
        day = date(current[0], current[1], int(d))
    except ValueError:
        raise CalendarDataError(
            f"{where}：没有这一天：{m.group(0)}", f"{where_en}: no such day: {m.group(0)}"
        ) from None
    written = _WEEKDAY.search(note or "")
    if written is not None and _WEEKDAYS[written.group(1)] != day.weekday():
        raise CalendarDataError(
            f"{where}：{day.isoformat()} 不是{written.group(0)}",
            f"{where_en}: {day.isoformat()} is not the weekday written ({written.group(0)})",
        )
    return day


def _complete(festivals: list[Festival]) -> None:
    """Every statutory festival once, no other item."""
    seen: dict[str, int] = {}
    for f in festivals:
        for name in re.split(r"[、和与]", f.name):
            if name not in FESTIVALS:
                raise CalendarDataError(
                    f"第{f.line}行：不认识的节日“{name}”",
                    f"line {f.line}: not a statutory festival: {name}",
                )
            if name in seen:
                raise CalendarDataError(
                    f"第{f.line}行：{name}已在第{seen[name]}行出现",
                    f"line {f.line}: {name} already arranged on line {seen[name]}",
                )
            seen[name] = f.line
    missing = [n for n in FESTIVALS if n not in seen]
    if missing:
        raise CalendarDataError(
            f"通知缺少：{'、'.join(missing)}（是否没有复制完整？）",
            f"the notice lacks: {', '.join(missing)} (was all of it copied?)",
        )
