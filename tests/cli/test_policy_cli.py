"""``edupoverty policy list`` / ``policy show``: the profiles as the data says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edupoverty.cli import main


def test_policy_list_names_every_bundled_profile(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "list"]) == 0
    out = capsys.readouterr().out
    for name in ("seed", "dangshan", "liling", "hebei", "national-2025"):
        assert name in out


def test_policy_show_prints_amounts_with_dates_conditions_and_sources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--lang", "en", "policy", "show", "dangshan"]) == 0
    out = capsys.readouterr().out
    assert "dangshan.non_boarder_allowance" in out
    assert "600.00" in out and "2016-09-01" in out and "R-DS-1" in out
    assert "最新贫困资助宣传教案" in out
    assert "central 80%" in out  # R-FND-1


def test_policy_show_json_lists_every_programme(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "show", "seed", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["policy"] == "seed"
    assert len(data["programmes"]) == 12
    rain = next(p for p in data["programmes"] if p["id"] == "rain_dew")
    assert rain["amounts"][0]["amount"] is None


def test_policy_show_of_an_unknown_profile_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["policy", "show", "atlantis"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "policy.invalid" in err


def test_policy_show_of_a_broken_county_file_names_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "county.toml"
    bad.write_text(
        '[profile]\nid = "c"\nextends = "seed"\nreviewed_school_years = [2016, 2020]\n'
        "[parameters]\nproration = 'weekly'\n",
        encoding="utf-8",
    )
    assert main(["--lang", "en", "policy", "show", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "county.toml: parameters.proration" in err and "Traceback" not in err
