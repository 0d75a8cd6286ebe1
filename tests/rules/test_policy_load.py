"""Policy files are checked on load: every mistake is a PolicyError naming file, key, reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from edupoverty.errors import PolicyError
from edupoverty.records import Semester
from edupoverty.rules import list_profiles, load_policy
from edupoverty.rules.loading import compose

HEAD = '[profile]\nid = "county"\nextends = "seed"\nreviewed_school_years = [2016, 2020]\n'

NEW_PROGRAMME = """
[[programme]]
id = "county.allowance"
name_zh = "县补助"
name_en = "County allowance"
form = "cash"
rules = ["R-STK-4"]
source = "县文件"
eligibility = { stage = ["primary"] }
[[programme.amount]]
group = "all"
values = [{ from = 2016-09-01, amount = "100", source = "县文件", rule = "R-STK-4" }]
"""


def _load(tmp_path: Path, text: str) -> PolicyError:
    path = tmp_path / "county.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    return info.value


def test_every_bundled_profile_loads() -> None:
    names = [n for n, _, _ in list_profiles()]
    assert names == ["dangshan", "hebei", "liling", "national-2025", "seed"]
    for name in names:
        assert load_policy(name).programmes


def test_seed_has_every_programme_of_rules_section_2_under_its_public_id() -> None:
    assert load_policy("seed").programme_ids() == (
        "preschool.provincial_grant",
        "compulsory.fee_waiver",
        "compulsory.free_textbooks",
        "compulsory.boarding_allowance",
        "compulsory.nutrition",
        "senior.national_grant",
        "senior.fee_waiver",
        "senior.living_allowance",
        "vocational.national_grant",
        "vocational.tuition_waiver",
        "vocational.provincial_scholarship",
        "rain_dew",
    )


def test_every_seed_value_is_dated_and_cites_a_rule_and_source() -> None:
    for prog in load_policy("seed").programmes:
        assert all(r.startswith("R-") for r in prog.rules)
        for case in prog.cases:
            for v in case.values:
                assert v.start.year == 2016 and v.rule.startswith("R-") and v.source


def test_a_county_overlay_file_adds_a_programme(tmp_path: Path) -> None:
    path = tmp_path / "county.toml"
    path.write_text(HEAD + NEW_PROGRAMME, encoding="utf-8")
    policy = load_policy(path)
    assert policy.ids == ("seed", "county")
    assert "county.allowance" in policy.programme_ids()
    assert compose(load_policy("seed"), path).programme_ids() == policy.programme_ids()


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        (HEAD + "colour = 1\n", "colour", "unknown key"),
        (HEAD + "[parameters]\nspeed = 1\n", "parameters.speed", "unknown key"),
        (
            HEAD + NEW_PROGRAMME.replace('form = "cash"', 'form = "cash"\nfoo = 1'),
            "programme[0].foo",
            "unknown key",
        ),
        (
            HEAD + NEW_PROGRAMME.replace('stage = ["primary"]', 'colour = ["red"]'),
            "programme.county.allowance.eligibility.colour",
            "unknown condition key",
        ),
        (
            HEAD + NEW_PROGRAMME.replace('stage = ["primary"]', 'statuses_any = ["rich"]'),
            "programme.county.allowance.eligibility.statuses_any",
            "unknown status",
        ),
        (
            HEAD
            + NEW_PROGRAMME.replace(
                'values = [{ from = 2016-09-01, amount = "100", source = "县文件", '
                'rule = "R-STK-4" }]',
                'values = [{ from = 2016-09-01, amount = "100", source = "a", rule = "b" },'
                ' { from = 2018-09-01, amount = "200", source = "a", rule = "b" }]',
            ),
            "programme.county.allowance.amount[0].values",
            "overlap",
        ),
        (
            HEAD + NEW_PROGRAMME.replace('form = "cash"', 'form = "cash"\nreplaces = ["nope"]'),
            "programme.county.allowance.replaces",
            "unknown programme nope",
        ),
        (
            HEAD + NEW_PROGRAMME.replace('amount = "100"', "amount = 100.5"),
            "amount",
            "strings",
        ),
        (
            HEAD + '[parameters]\ndifficulty_statuses = ["rich"]\n',
            "parameters.difficulty_statuses",
            "unknown status",
        ),
        (HEAD + '[parameters]\nproration = "census"\n', "parameters.census", "census"),
        (
            HEAD + '[[programme]]\nid = "compulsory.boarding_alowance"\nrules = ["X"]\n',
            "programme.compulsory.boarding_alowance",
            "unknown programme id",
        ),
        (HEAD.replace("[2016, 2020]", "[2020, 2016]"), "profile.reviewed_school_years", "first"),
        ("[profile\n", "file", "not valid TOML"),
        (
            HEAD
            + '[parameters]\nterms = [{ school_year = 2019, semester = "autumn", '
            'from = 2019-08-25, until = 2020-01-17, source = "校历" }]\n',
            "parameters.terms[0]",
            "within 2019-09-01–2020-01-31",
        ),
        (
            HEAD
            + '[parameters]\nterms = [{ school_year = 2019, semester = "winter", '
            'from = 2019-09-02, until = 2020-01-17, source = "校历" }]\n',
            "parameters.terms[0].semester",
            "autumn or spring",
        ),
        (
            HEAD
            + '[parameters]\nterms = [{ school_year = 2019, semester = "spring", '
            'from = 2020-02-17, until = 2020-07-10 }]\n',
            "parameters.terms[0].source",
            "required",
        ),
        (
            HEAD
            + NEW_PROGRAMME.replace(
                'values = [{ from = 2016-09-01, amount = "100", source = "县文件", '
                'rule = "R-STK-4" }]',
                'kind = "fee"\nfee = "tuition_fee"\nrule = "R-STK-4"',
            ),
            "programme.county.allowance.amount[0].from",
            "required",
        ),
    ],
)
def test_policy_mistakes_name_file_key_and_reason(
    tmp_path: Path, text: str, key: str, reason: str
) -> None:
    err = _load(tmp_path, text)
    assert err.file == "county.toml"
    assert key in err.key
    assert reason in err.message_en
    assert isinstance(err, ValueError)


def test_funding_shares_that_do_not_add_up_to_100_are_refused_with_their_key(
    tmp_path: Path,
) -> None:
    err = _load(
        tmp_path,
        HEAD
        + NEW_PROGRAMME.replace(
            'source = "县文件"\neligibility',
            'source = "县文件"\nfunding = [{ from = 2016-09-01, central = 50, provincial = 40,'
            ' source = "a", rule = "b" }]\neligibility',
        ),
    )
    assert err.key == "programme.county.allowance.funding[0]"
    assert "100" in err.message_zh


def test_an_unknown_bundled_profile_is_a_policy_error() -> None:
    with pytest.raises(PolicyError, match="no such bundled profile"):
        load_policy("atlantis")


def test_a_missing_file_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="file not found"):
        load_policy(tmp_path / "missing.toml")


def test_the_worked_example_of_the_overlay_guide_loads_and_feeds_county_seat_boarders(
    tmp_path: Path,
) -> None:
    # docs/rules/county-overlay.md, R-CMP-4a: the guide's TOML is the file a county writes.
    from edupoverty.records import SchoolLocation, Stage
    from edupoverty.rules import assess
    from tests.rules.rules_helpers import student

    guide = Path(__file__).resolve().parents[2] / "docs" / "rules" / "county-overlay.md"
    text = guide.read_text(encoding="utf-8").split("## Worked example", 1)[1]
    toml = text.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "county.toml"
    path.write_text(toml, encoding="utf-8")
    policy = load_policy(path)
    boarder = student(stage=Stage.JUNIOR, school_location=SchoolLocation.COUNTY_SEAT, boarding=True)
    day_pupil = student(stage=Stage.JUNIOR, school_location=SchoolLocation.COUNTY_SEAT)
    meals = assess(boarder, policy, 2019).entitlement("compulsory.nutrition")
    assert meals is not None and str(meals.amount) == "800.00"
    assert assess(day_pupil, policy, 2019).entitlement("compulsory.nutrition") is None
    assert assess(boarder, load_policy("seed"), 2019).entitlement("compulsory.nutrition") is None


def test_a_hostile_policy_nested_without_end_is_a_policy_error(tmp_path: Path) -> None:
    deep = "{ any_of = [" * 400 + '{ stage = ["primary"] }' + "] }" * 400
    text = HEAD + NEW_PROGRAMME.replace('{ stage = ["primary"] }', deep)
    err = _load(tmp_path, text)
    assert err.file == "county.toml"


@settings(max_examples=40, deadline=None)
@given(name=st.from_regex(r"[a-z_]{1,12}", fullmatch=True))
def test_any_key_outside_the_vocabulary_is_refused_by_name(name: str) -> None:
    import tempfile

    from edupoverty.rules.eligibility import CONDITION_KEYS

    assume(name not in CONDITION_KEYS)
    text = HEAD + NEW_PROGRAMME.replace('stage = ["primary"]', f"{name} = true")
    with tempfile.TemporaryDirectory() as tmp:
        err = _load(Path(tmp), text)
    assert err.key.endswith(f"eligibility.{name}")


def test_a_countys_school_calendar_is_dated_sourced_data_an_overlay_can_refine(
    tmp_path: Path,
) -> None:
    # R-DYN-1: the teaching days of each semester are the county's data, cited.
    path = tmp_path / "county.toml"
    path.write_text(
        HEAD
        + "[parameters]\nterms = [\n"
        '  { school_year = 2019, semester = "autumn", from = 2019-09-02, until = 2020-01-17,'
        ' source = "某县校历" },\n'
        '  { school_year = 2019, semester = "spring", from = 2020-02-17, until = 2020-07-10,'
        ' source = "某县校历" },\n]\n',
        encoding="utf-8",
    )
    policy = load_policy(path)
    autumn = policy.parameters.term(Semester.AUTUMN, 2019)
    assert autumn is not None and autumn.start == date(2019, 9, 2) and autumn.source == "某县校历"
    assert policy.parameters.term(Semester.AUTUMN, 2020) is None
    later = tmp_path / "later.toml"
    later.write_text(
        HEAD.replace('id = "county"', 'id = "later"')
        + '[parameters]\nterms = [{ school_year = 2019, semester = "spring", '
        'from = 2020-03-02, until = 2020-07-10, source = "延期开学通知" }]\n',
        encoding="utf-8",
    )
    spring = compose(policy, later).parameters.term(Semester.SPRING, 2019)
    assert spring is not None and spring.start == date(2020, 3, 2)
    assert compose(policy, later).parameters.term(Semester.AUTUMN, 2019) == autumn
    assert load_policy("seed").parameters.terms == ()  # the seed documents give none
