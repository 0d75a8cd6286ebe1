"""Text from a file is echoed with its control characters escaped: a header named
``\\x1b[31mX`` or holding U+202E never reaches the terminal raw — not in a finding, not in
an error line, not in a table or JSON printed by the command line."""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edupoverty.cli import main
from edupoverty.cli.output import dumps, table
from edupoverty.records.echo import CONTROLS, printable
from edupoverty.records.findings import finding
from edupoverty.records.roster import read_roster

HOSTILE = ["\x1b[31mX", "\u202eevil.exe", "tab\there", "a\x85b", "zero\u200bwidth", "\u2028sep"]
ROSTER_HEAD = "姓名,身份证号,学校代码,学段,学校所在地"
ROW = "张三,11010520150101001X,S1,小学,农村"


def raw_controls(text: str) -> list[str]:
    """The control characters of ``text`` other than the line ends of its layout."""
    return [c for c in text if CONTROLS.match(c) and c != "\n"]


def test_the_rule_holds_every_control_format_and_separator_character() -> None:
    missing = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in {"Cc", "Cf", "Zl", "Zp", "Cs"}
        and not CONTROLS.match(chr(code))
    ]
    assert missing == []


@given(st.text())
def test_printable_leaves_no_control_changes_nothing_else_and_is_stable(text: str) -> None:
    shown = printable(text)
    assert CONTROLS.search(shown) is None
    assert printable(shown) == shown
    if CONTROLS.search(text) is None:
        assert shown == text


@given(st.recursive(st.text(), lambda kids: st.lists(kids) | st.dictionaries(st.text(), kids)))
def test_json_printed_by_the_command_line_has_no_raw_control_and_reads_back(data: object) -> None:
    text = dumps(data)
    assert raw_controls(text) == []
    assert json.loads(text) == data


def test_a_finding_about_a_hostile_header_escapes_it_in_field_and_messages() -> None:
    f = finding("column.unknown", row=1, field="\x1b[31mX\u202e")
    for text in (f.field or "", f.message_zh, f.message_en):
        assert raw_controls(text) == []
    assert f.field == "\\x1b[31mX\\u202e"


def test_unknown_headers_of_a_roster_are_reported_escaped(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(f"{ROSTER_HEAD},{','.join(HOSTILE)}\n{ROW}\n", encoding="utf-8")
    found = [f for f in read_roster(path).findings if f.code == "column.unknown"]
    assert len(found) == len(HOSTILE)
    for f in found:
        assert raw_controls(f.message_zh + f.message_en + (f.field or "")) == []


@pytest.mark.parametrize("fmt", ["table", "json"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_validate_prints_no_raw_control_of_a_hostile_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, lang: str
) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(f"{ROSTER_HEAD},{','.join(HOSTILE)}\n{ROW}\n", encoding="utf-8")
    main(["--lang", lang, "validate", str(path), "--format", fmt])
    out, err = capsys.readouterr()
    assert "column.unknown" in out
    assert raw_controls(out + err) == []


def test_a_duplicate_hostile_header_is_one_escaped_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(f"{ROSTER_HEAD},姓名(\x1b[2J\u202e)\n{ROW},x\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    _, err = capsys.readouterr()
    assert err.startswith("edupoverty: roster.header: ")
    assert err.count("\n") == 1 and raw_controls(err) == []
    assert "姓名(\\x1b[2J\\u202e)" in err


@pytest.mark.parametrize("name", ["no\x1b[31mfile.csv", "名单\u202evsc.csv", "two\nlines.csv"])
def test_a_hostile_file_name_in_an_error_is_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    assert main(["validate", str(tmp_path / name)]) == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1 and raw_controls(err) == []
    assert printable(name) in err


def test_a_policy_file_with_hostile_titles_is_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "county.toml"
    path.write_text(
        '[profile]\nid = "county"\nextends = "seed"\nreviewed_school_years = [2016, 2020]\n'
        'title_zh = "县\\u001b[2J"\ntitle_en = "County\\u202e"\n',
        encoding="utf-8",
    )
    for lang in ("zh", "en"):
        for fmt in ("table", "json"):
            assert main(["--lang", lang, "policy", "show", str(path), "--format", fmt]) == 0
            out, _ = capsys.readouterr()
            assert raw_controls(out) == []


def test_a_table_shows_its_cells_escaped() -> None:
    text = table(["列\x1b"], [["\u202eX"], [None]])
    assert raw_controls(text) == []
    assert "\\u202eX" in text
