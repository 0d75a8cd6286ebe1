"""``edupoverty ledger init|append|balance|verify|export`` (R-REC-2) on real files."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from edupoverty.cli import main

SID = "11010520120307002X"
ENTRIES = (
    "类别,日期,项目,金额,资金级次,文件,身份证号,批次,公示编号,备注,学年,学期\n"
    "收入,2019-09-02,compulsory.boarding_allowance,5000,中央,皖财教〔2019〕1号,,,,,,\n"
    "收入,2019-09-02,compulsory.boarding_allowance,5000,省级,皖财教〔2019〕2号,,,,,,\n"
    f"支出,2019-11-01,compulsory.boarding_allowance,500,,,{SID},2019-A1,GS-1,"
    '"=HYPERLINK(""http://x"")",2019,秋季学期\n'
)


def _book(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.sqlite"
    src = tmp_path / "entries.csv"
    src.write_text(ENTRIES, encoding="utf-8")
    assert main(["ledger", "init", str(path)]) == 0
    assert main(["ledger", "append", str(path), str(src)]) == 0
    return path


def test_init_append_and_balance_keep_income_and_expenditure_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _book(tmp_path)
    capsys.readouterr()
    assert main(["ledger", "balance", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["income_total"], data["expenditure_total"], data["balance"]) == (
        "10000.00",
        "500.00",
        "9500.00",
    )
    levels = {(x["funding_level"], x["income"], x["expenditure"]) for x in data["lines"]}
    assert ("central", "5000.00", "0.00") in levels and (None, "0.00", "500.00") in levels
    assert main(["ledger", "balance", str(path)]) == 0
    out = capsys.readouterr().out
    assert "收入" in out and "支出" in out and "合计" in out


def test_verify_passes_on_an_untouched_file_and_fails_with_exit_1_on_tampering(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _book(tmp_path)
    assert main(["ledger", "verify", str(path)]) == 0
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("DROP TRIGGER entries_no_delete")
    conn.execute("DELETE FROM entries WHERE seq = 2")
    conn.close()
    capsys.readouterr()
    assert main(["--lang", "en", "ledger", "verify", str(path)]) == 1
    out = capsys.readouterr().out
    assert "removed: entry 2 was removed" in out and "FAILED" in out
    assert main(["ledger", "verify", str(path), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["problems"][0]["kind"] == "removed"
    # Every other command refuses a tampered ledger with one line and exit 2.
    assert main(["ledger", "balance", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("edupoverty: ledger.integrity:") and err.count("\n") == 1


def test_verify_against_an_anchor_finds_a_cut_off_tail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _book(tmp_path)
    capsys.readouterr()
    main(["ledger", "verify", str(path), "--format", "json"])
    head = json.loads(capsys.readouterr().out)
    anchor = f"{head['head_seq']}:{head['head_hash']}"
    assert main(["ledger", "verify", str(path), "--anchor", anchor]) == 0
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("DROP TRIGGER entries_no_delete")
    conn.execute("DELETE FROM entries WHERE seq = 3")
    conn.close()
    assert main(["ledger", "verify", str(path)]) == 0  # the chain alone cannot tell …
    assert main(["ledger", "verify", str(path), "--anchor", anchor]) == 1  # … the anchor can
    assert main(["ledger", "verify", str(path), "--anchor", "x"]) == 2


def test_export_neutralises_formulas_and_masks_identity_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _book(tmp_path)
    capsys.readouterr()
    out = tmp_path / "export.csv"
    assert main(["ledger", "export", str(path), "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [r["seq"] for r in rows] == ["1", "2", "3"]
    assert rows[2]["note"].startswith("'=HYPERLINK")
    assert rows[2]["student_id"] == "110105********002X"
    assert SID not in out.read_text(encoding="utf-8-sig")
    assert main(["ledger", "export", str(path), "--with-ids", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[2]["student_id"] == SID and data[2]["semester"] == "autumn"


def test_rows_that_cannot_be_read_are_listed_and_nothing_is_appended(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _book(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "kind,recorded_on,programme,amount,disbursement_batch\n"
        "expenditure,2019-12-01,p,500,B\n"
        "expenditure,2019-13-01,p,12.345,B\n"
        "refund,2019-12-01,p,1,B\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["ledger", "append", str(path), str(bad), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["appended"] == 0 and report["accepted"] == 1
    assert report["rejected"] == [
        {"row": 3, "fields": ["recorded_on", "amount"]},
        {"row": 4, "fields": ["kind"]},
    ]
    assert main(["ledger", "verify", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == 3


def test_a_wrong_correction_names_its_row_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _book(tmp_path)
    fix = tmp_path / "fix.json"
    fix.write_text(
        json.dumps(
            [
                {
                    "kind": "expenditure",
                    "recorded_on": "2019-11-05",
                    "programme": "compulsory.boarding_allowance",
                    "amount": "-400",
                    "student_id": SID,
                    "disbursement_batch": "2019-A1",
                    "corrects": 3,
                    "period": {"school_year": 2019, "semester": "autumn"},
                }
            ]
        ),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["ledger", "append", str(path), str(fix)]) == 2
    err = capsys.readouterr().err
    assert "第1行 corrects" in err and SID not in err
    data = json.loads(fix.read_text(encoding="utf-8"))
    data[0]["amount"] = "-500"
    fix.write_text(json.dumps(data), encoding="utf-8")
    assert main(["ledger", "append", str(path), str(fix), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["appended"] == 1


def test_missing_and_foreign_files_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ledger", "balance", str(tmp_path / "none.sqlite")]) == 2
    other = tmp_path / "roster.csv"
    other.write_text("姓名\n张三\n", encoding="utf-8")
    assert main(["ledger", "verify", str(other)]) == 2
    path = _book(tmp_path)
    assert main(["ledger", "init", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("edupoverty: ledger.") for line in err)


# --- keys, head logs, read-only files, hostile content, disbursement files ------------------


def _drop_last(path: Path) -> None:
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("DROP TRIGGER entries_no_delete")
    conn.execute("DELETE FROM entries WHERE seq = (SELECT MAX(seq) FROM entries)")
    conn.close()


def test_a_keyed_ledger_with_a_head_log_prints_each_head_and_finds_a_cut_off_tail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, key, log = tmp_path / "l.sqlite", tmp_path / "ledger.key", tmp_path / "heads.log"
    src = tmp_path / "entries.csv"
    src.write_text(ENTRIES, encoding="utf-8")
    opts = ["--key-file", str(key), "--head-log", str(log)]
    assert main(["ledger", "init", str(path), *opts]) == 0
    assert key.stat().st_mode & 0o077 == 0  # the new key file is its owner's alone
    capsys.readouterr()
    assert main(["ledger", "append", str(path), str(src), *opts]) == 0
    out = capsys.readouterr().out
    head = next(line for line in out.splitlines() if line.startswith("校验值 ")).split()[1]
    assert head.startswith("3:") and log.read_text().splitlines()[-1].startswith(f"3 {head[2:]} ")
    assert main(["ledger", "verify", str(path), *opts]) == 0
    assert "留存的2个校验值全部相符" in capsys.readouterr().out
    # Without the key the content cannot be verified: one clear line, exit 2.
    assert main(["ledger", "verify", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("edupoverty: ledger.key:") and err.count("\n") == 1
    _drop_last(path)
    assert main(["ledger", "verify", str(path), "--key-file", str(key)]) == 0  # chain alone
    assert main(["--lang", "en", "ledger", "verify", str(path), *opts]) == 1
    assert "entry 3 recorded in the head log is missing" in capsys.readouterr().out


def test_a_read_only_ledger_is_balanced_verified_and_exported_but_not_appended_to(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _book(tmp_path)
    path.chmod(0o444)
    try:
        assert main(["ledger", "verify", str(path)]) == 0
        assert main(["ledger", "balance", str(path)]) == 0
        assert main(["ledger", "export", str(path), "--format", "json"]) == 0
        capsys.readouterr()
        assert main(["ledger", "append", str(path), str(tmp_path / "entries.csv")]) == 2
        assert capsys.readouterr().err.startswith("edupoverty: ledger.readonly:")
    finally:
        path.chmod(0o644)


def _plant(path: Path, old: bytes, new: bytes) -> None:
    """Change one stored body and re-chain the file, as anyone with the sqlite3 shell can."""
    from edupoverty.records.ledger import GENESIS, entry_hash

    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("DROP TRIGGER entries_no_delete")
    bodies = [bytes(b).replace(old, new) for (b,) in conn.execute("SELECT body FROM entries")]
    conn.execute("DELETE FROM entries")
    prev = GENESIS
    for n, body in enumerate(bodies, start=1):
        h = entry_hash(prev, body)
        conn.execute("INSERT INTO entries VALUES (?, ?, ?, NULL, ?)", (n, prev, h, body))
        prev = h
    conn.close()


def test_a_line_break_in_a_stored_programme_cannot_forge_a_row_of_the_balance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _book(tmp_path)
    stored = '"programme":"x\\n合计"'.encode()  # canonical JSON of the text "x", LF, "合计"
    _plant(path, b'"programme":"compulsory.boarding_allowance"', stored)
    capsys.readouterr()
    assert main(["ledger", "balance", str(path)]) == 0
    out = capsys.readouterr().out
    assert "x\\n合计" in out and len(out.strip().splitlines()) == 2 + 3 + 1


def test_a_hostile_amount_in_a_ledger_that_verifies_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _book(tmp_path)
    _plant(path, b'"amount":"500.00"', b'"amount":"1E+30"')
    for command in ("balance", "export"):
        capsys.readouterr()
        assert main(["ledger", command, str(path)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("edupoverty: ledger.integrity:") and err.count("\n") == 1


def test_a_control_character_in_an_input_row_names_the_row_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _book(tmp_path)
    src = tmp_path / "esc.json"
    src.write_text(
        json.dumps(
            [
                {
                    "kind": "expenditure",
                    "recorded_on": "2019-12-01",
                    "programme": "寄宿生生活补助",
                    "amount": "500",
                    "disbursement_batch": "B\u202e1",
                }
            ]
        ),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["ledger", "append", str(path), str(src)]) == 2
    err = capsys.readouterr().err
    assert "第1行 disbursement_batch" in err and "\u202e" not in err


def test_a_disbursement_file_is_appended_as_payments_of_one_programme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _book(tmp_path)
    paid = tmp_path / "paid.csv"
    paid.write_text(
        "身份证号,资助项目,学年,学期,金额,发放方式,银行卡号,发放日期,批次\n"
        f"{SID},寄宿生生活补助,2019,春季,500,银行卡,6217000011112222,2020-04-01,2020-A1\n"
        f"{SID},寄宿生生活补助,2019,春季,12.345,银行卡,6217000011112222,2020-04-01,2020-A1\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["ledger", "append", str(path), str(paid), "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["rejected"] == [{"row": 3, "fields": ["amount"]}]
    paid.write_text("\n".join(paid.read_text(encoding="utf-8").splitlines()[:2]) + "\n")
    args = ["ledger", "append", str(path), str(paid), "--disclosure-id", "GS-2"]
    assert main(args) == 0
    assert main(["ledger", "balance", str(path), "--format", "json"]) == 0
    capsys.readouterr()
    assert main(["ledger", "balance", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {x["programme"] for x in data["lines"]} == {"compulsory.boarding_allowance"}
    assert data["expenditure_total"] == "1000.00"
    assert main(["ledger", "export", str(path), "--with-ids", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "6217000011112222" not in out and json.loads(out)[3]["disclosure_id"] == "GS-2"


def test_entries_from_a_device_or_a_fifo_are_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    path = _book(tmp_path)
    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for source in (zero, fifo):
        capsys.readouterr()
        assert main(["ledger", "append", str(path), str(source)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "不是普通文件" in err


def test_a_json_export_replaces_the_old_file_whole(tmp_path: Path) -> None:
    path = _book(tmp_path)
    out = tmp_path / "export.json"
    out.write_text("old", encoding="utf-8")
    assert main(["ledger", "export", str(path), "--format", "json", "--out", str(out)]) == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 3
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
