"""Reading the State Council's annual holiday notice (国务院办公厅关于部分节假日安排的通知).

The texts in ``data/notices/`` are the published notices of nine years; what they are read
into is checked day by day against the official data of the ``chinese_calendar`` package.
(2020 is left out: its Spring Festival was lengthened by a second notice in January 2020.)
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from edupoverty.disclosure.holiday_notice import parse_notice, read_notice
from edupoverty.disclosure.workdays import WorkCalendar, load_year_file
from edupoverty.errors import CalendarDataError

NOTICES = Path(__file__).parent / "data" / "notices"
YEARS = sorted(int(p.stem) for p in NOTICES.glob("*.txt"))


def test_there_are_notices_of_at_least_eight_years() -> None:
    assert len(YEARS) >= 8


def _arranged_by_the_next_notice(year: int) -> set[date]:
    """Days of ``year`` that the next year's notice arranges (an 元旦 break from December)."""
    if year + 1 not in YEARS:
        return set()
    notice = read_notice(NOTICES / f"{year + 1}.txt")
    return {d for f in notice.festivals for d in (*f.rest, *f.workdays) if d.year == year}


@pytest.mark.parametrize("year", YEARS)
def test_a_notice_gives_the_official_working_days_of_its_year(year: int) -> None:
    notice = read_notice(NOTICES / f"{year}.txt")
    assert notice.year == year
    calendar = WorkCalendar([notice.calendar_year()])
    later = _arranged_by_the_next_notice(year)
    day = date(year, 1, 1)
    wrong = []
    while day.year == year:
        if day not in later and calendar.is_workday(day) != chinese_calendar.is_workday(day):
            wrong.append(day)
        day += timedelta(1)
    assert wrong == []


@pytest.mark.parametrize("year", YEARS)
def test_what_a_notice_arranges_in_the_year_before_is_official_too(year: int) -> None:
    notice = read_notice(NOTICES / f"{year}.txt")
    for f in notice.festivals:
        for day in f.rest:
            if day.year != year:
                assert chinese_calendar.is_holiday(day), day
        for day in f.workdays:
            assert chinese_calendar.is_workday(day), day


@pytest.mark.parametrize("year", YEARS)
def test_a_notice_names_every_festival_and_its_source(year: int) -> None:
    notice = read_notice(NOTICES / f"{year}.txt")
    names = "、".join(f.name for f in notice.festivals)
    for festival in ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"):
        assert festival in names
    assert notice.title == f"国务院办公厅关于{year}年部分节假日安排的通知"
    assert notice.source.startswith(notice.title)


def test_the_notice_number_and_date_are_kept() -> None:
    notice = read_notice(NOTICES / "2025.txt")
    assert notice.number == "国办发明电〔2024〕12号"
    assert notice.issued == date(2024, 11, 12)
    title = "国务院办公厅关于2025年部分节假日安排的通知"
    assert notice.source == f"{title} 国办发明电〔2024〕12号 2024-11-12"


def test_a_new_year_break_that_starts_in_december_belongs_partly_to_the_year_before() -> None:
    notice = read_notice(NOTICES / "2019.txt")
    new_year = notice.festivals[0]
    assert new_year.rest == (date(2018, 12, 30), date(2018, 12, 31), date(2019, 1, 1))
    assert new_year.workdays == (date(2018, 12, 29),)
    year = notice.calendar_year()
    assert date(2018, 12, 31) not in year.holidays
    assert date(2019, 1, 1) in year.holidays


def test_the_year_file_written_from_a_notice_reads_back_the_same(tmp_path: Path) -> None:
    notice = read_notice(NOTICES / "2026.txt")
    path = tmp_path / "2026.toml"
    path.write_text(notice.year_file_text(), encoding="utf-8")
    back = load_year_file(path)
    assert back.holidays == notice.calendar_year().holidays
    assert back.workdays == notice.calendar_year().workdays
    assert back.source == notice.source


def test_the_shipped_2026_file_is_what_the_2026_notice_says() -> None:
    notice = read_notice(NOTICES / "2026.txt").calendar_year()
    shipped = WorkCalendar.official().year(2026)
    weekend = {d for d in shipped.holidays | notice.holidays if d.weekday() >= 5}
    assert notice.holidays - weekend == shipped.holidays - weekend
    assert notice.workdays == shipped.workdays


def test_a_notice_saved_in_gbk_is_read(tmp_path: Path) -> None:
    path = tmp_path / "通知.txt"
    path.write_bytes((NOTICES / "2024.txt").read_text(encoding="utf-8").encode("gb18030"))
    assert read_notice(path).calendar_year() == read_notice(NOTICES / "2024.txt").calendar_year()


def test_a_notice_saved_in_utf16_is_read(tmp_path: Path) -> None:
    # what Notepad writes when "Unicode" is chosen: UTF-16 with its byte-order mark
    path = tmp_path / "通知.txt"
    path.write_bytes((NOTICES / "2024.txt").read_text(encoding="utf-8").encode("utf-16"))
    assert read_notice(path).calendar_year() == read_notice(NOTICES / "2024.txt").calendar_year()


def _2026(**swap: str) -> str:
    text = (NOTICES / "2026.txt").read_text(encoding="utf-8")
    for old, new in swap.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_a_count_that_disagrees_with_the_dates_is_refused_with_its_line() -> None:
    text = _2026(**{"放假调休，共9天": "放假调休，共8天"})
    with pytest.raises(CalendarDataError) as err:
        parse_notice(text)
    assert "第6行（春节）" in err.value.message_zh
    assert "共8天" in err.value.message_zh


def test_a_weekday_that_is_not_the_dates_is_refused() -> None:
    with pytest.raises(CalendarDataError) as err:
        parse_notice(_2026(**{"1月4日（周日）上班": "1月4日（周一）上班"}))
    assert "第5行（元旦）" in err.value.message_zh


def test_a_make_up_working_day_on_a_weekday_is_refused() -> None:
    with pytest.raises(CalendarDataError) as err:
        parse_notice(_2026(**{"5月9日（周六）上班": "5月8日上班"}))
    assert "不是周末" in err.value.message_zh


def test_a_notice_copied_only_in_part_is_refused() -> None:
    text = "\n".join(line for line in _2026().splitlines() if "国庆节" not in line)
    with pytest.raises(CalendarDataError) as err:
        parse_notice(text)
    assert "国庆节" in err.value.message_zh


def test_a_festival_given_twice_is_refused() -> None:
    text = _2026(**{"六、中秋节": "六、清明节"})
    with pytest.raises(CalendarDataError) as err:
        parse_notice(text)
    assert "清明节已在第7行出现" in err.value.message_zh


def test_the_year_comes_from_the_title_or_must_be_given() -> None:
    body = "\n".join(_2026().splitlines()[1:])
    with pytest.raises(CalendarDataError):
        parse_notice(body)
    untitled, titled = parse_notice(body, year=2026), parse_notice(_2026())
    assert untitled.calendar_year().holidays == titled.calendar_year().holidays
    assert untitled.calendar_year().workdays == titled.calendar_year().workdays
    assert untitled.title == "" and titled.title != ""
    with pytest.raises(CalendarDataError):
        parse_notice(_2026(), year=2027)


def test_a_file_too_large_to_be_a_notice_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * (300 * 1024))
    with pytest.raises(CalendarDataError):
        read_notice(path)
    with pytest.raises(CalendarDataError):
        read_notice(tmp_path)  # a directory
