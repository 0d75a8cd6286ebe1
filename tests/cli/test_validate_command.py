"""``edupoverty validate`` and ``edupoverty demo``: exit codes, JSON, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edupoverty.cli import main
from edupoverty.records.idcard import calc_check_digit
from edupoverty.records.sample import sample_disbursements_path, sample_roster_path


def ident(born: str, seq: int = 12) -> str:
    body = f"341321{born}{seq:03d}"
    return body + calc_check_digit(body)


def roster(tmp_path: Path, *rows: str, name: str = "r.csv") -> Path:
    p = tmp_path / name
    p.write_text(
        "姓名,身份证号,学校代码,学段,年级,学校所在地\n" + "".join(r + "\n" for r in rows),
        encoding="utf-8-sig",
    )
    return p


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_clean_roster_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = roster(tmp_path, f"张三,{ident('20100415')},1,小学,3,乡村")
    code, out, _ = run(["validate", str(p), "--school-year", "2019"], capsys)
    assert code == 0 and "接受1行" in out


def test_warnings_alone_still_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = roster(tmp_path, f"张三,{ident('19900415')},1,小学,3,乡村")  # age 29 in primary
    code, out, _ = run(["validate", str(p), "--school-year", "2019", "--lang", "en"], capsys)
    assert code == 0 and "row.age_stage" in out and "1 warnings" in out


def test_errors_exit_1_and_json_has_the_documented_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = roster(
        tmp_path,
        f"张三,{ident('20100415')},1,小学,3,乡村",
        f"李四,{ident('20100415')[:17]},1,小学,3,乡村",
    )
    code, out, _ = run(["validate", str(p), "--format", "json", "--school-year", "2019"], capsys)
    data = json.loads(out)
    assert code == 1
    assert (data["rows"], data["accepted"], data["rejected"]) == (2, 1, 1)
    assert data["findings"] == [
        {
            "code": "id.length",
            "severity": "error",
            "row": 3,
            "field": "id_number",
            "column": "身份证号",
            "message": "第3行 id_number：身份证号不是18位",
        }
    ]


def test_several_files_add_the_source_to_each_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = f"张三,{ident('20100415')},1,小学,3,乡村"
    a, b = roster(tmp_path, line, name="a.csv"), roster(tmp_path, line, name="b.csv")
    code, out, _ = run(
        ["--lang", "en", "validate", str(a), str(b), "--format", "json", "--school-year", "2019"],
        capsys,
    )
    [f] = json.loads(out)["findings"]
    assert code == 1 and f["code"] == "report.duplicate" and f["source"] == "b.csv"
    assert f["message"].startswith("row 2, id_number: duplicate report")


def test_payments_are_checked_with_disbursements(capsys: pytest.CaptureFixture[str]) -> None:
    r, d = sample_roster_path(), sample_disbursements_path()
    code, out, _ = run(
        [
            "validate",
            str(r),
            "--disbursements",
            str(d),
            "--format",
            "json",
            "--school-year",
            "2019",
        ],
        capsys,
    )
    data = json.loads(out)
    assert code == 1 and data["disbursements"] == {"rows": 8, "accepted": 8, "rejected": 0}
    codes = [f["code"] for f in data["findings"] if f["source"] == d.name]
    assert codes.count("payment.method") == 3 and "payment.account" in codes


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "roster.not_found"),
        (b"", "roster.empty"),
        ("姓名,学段\n张三,小学\n".encode(), "roster.header"),
    ],
)
def test_an_unreadable_file_prints_one_line_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, expected: str
) -> None:
    p = tmp_path / "r.csv"
    if content is not None:
        p.write_bytes(content)
    code, out, err = run(["validate", str(p)], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err


def test_demo_prints_a_readable_summary_of_the_sample_and_exits_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(["--lang", "en", "demo"], capsys)
    assert code == 0 and err == ""
    assert "40 rows: 32 accepted, 8 rejected" in out
    assert "report.duplicate" in out and "payment.method" in out


def test_with_a_policy_validate_also_audits_payments_against_entitlements(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # R-REC-3: the sample's disbursement row 2 pays a boarding allowance of 1000 for one
    # semester where the entitlement is 500 (错报); every programme and semester a
    # registered-poor student of the sample is entitled to with nothing paid is an omission
    # (漏报, R-REC-5).
    r, d = sample_roster_path(), sample_disbursements_path()
    args = ["validate", str(r), "--disbursements", str(d), "--school-year", "2019"]
    code, out, _ = run([*args, "--policy", "seed", "--format", "json"], capsys)
    plain_code, plain, _ = run([*args, "--format", "json"], capsys)
    audited = {f["code"] for f in json.loads(out)["findings"]}
    assert {"report.amount", "report.missing"} <= audited
    assert not {"report.amount", "report.missing"} & {
        f["code"] for f in json.loads(plain)["findings"]
    }
    assert code == plain_code == 1


def test_a_waiver_pledge_on_file_clears_the_omission_of_r_rec_5(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from edupoverty.records import read_roster

    r, d = sample_roster_path(), sample_disbursements_path()
    args = ["validate", str(r), "--disbursements", str(d), "--school-year", "2019"]
    args += ["--policy", "seed", "--format", "json"]
    _, before, _ = run(args, capsys)
    missing = {f["row"] for f in json.loads(before)["findings"] if f["code"] == "report.missing"}
    row = min(missing)
    [student] = [s for s in read_roster(r).students if s.row == row]
    pledges = tmp_path / "pledges.csv"
    pledges.write_text(
        f"身份证号,学年,签署日期,签署人\n{student.id_number},2019,2019-09-20,监护人\n",
        encoding="utf-8",
    )
    _, after, _ = run([*args, "--waivers", str(pledges)], capsys)
    left = {f["row"] for f in json.loads(after)["findings"] if f["code"] == "report.missing"}
    assert left == missing - {row}
