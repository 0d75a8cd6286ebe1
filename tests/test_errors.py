"""The error tree: one root, stable codes, messages in two languages, ValueError for input."""

from __future__ import annotations

import inspect

import pytest

from edupoverty import errors


def _error_classes() -> list[type[errors.EdupovertyError]]:
    return [
        obj
        for _, obj in inspect.getmembers(errors, inspect.isclass)
        if issubclass(obj, errors.EdupovertyError)
    ]


def test_every_public_error_is_exported_and_rooted() -> None:
    for cls in _error_classes():
        assert cls.__name__ in errors.__all__
        assert issubclass(cls, errors.EdupovertyError)


def test_codes_are_unique_and_dotted() -> None:
    codes = [cls.code for cls in _error_classes() if cls is not errors.EdupovertyError]
    assert len(codes) == len(set(codes))
    assert all("." in code for code in codes if code not in ("input",))


@pytest.mark.parametrize(
    "cls",
    [
        errors.InvalidLength,
        errors.InvalidFormat,
        errors.InvalidChecksum,
        errors.InvalidComponent,
        errors.CalendarDataError,
        errors.RosterError,
        errors.PolicyError,
    ],
)
def test_input_errors_are_value_errors(cls: type[errors.EdupovertyError]) -> None:
    assert issubclass(cls, ValueError)


def test_id_errors_raise_without_arguments_with_both_languages() -> None:
    for cls in (
        errors.InvalidLength,
        errors.InvalidFormat,
        errors.InvalidChecksum,
        errors.InvalidComponent,
    ):
        err = cls()
        assert err.message_zh and err.message_en
        assert err.message_zh != err.message_en
        assert str(err).startswith(cls.code + ":")


def test_calendar_year_unavailable_is_a_lookup_error_naming_the_year() -> None:
    err = errors.CalendarYearUnavailable(2027)
    assert isinstance(err, LookupError)
    assert "2027" in err.message_zh and "2027" in err.message_en
    for remedy in ("--from-notice", "--calendar", "--estimate 2027", "with_year_file"):
        assert remedy in err.message_en and remedy in err.message_zh


def test_roster_error_names_path_and_reason_in_both_languages() -> None:
    err = errors.RosterError("学校/名单.csv", "缺少表头：姓名", "missing header: name")
    assert err.message_zh == "学校/名单.csv: 缺少表头：姓名"
    assert err.message_en == "学校/名单.csv: missing header: name"
    assert err.message("en") == err.message_en


def test_policy_error_names_file_key_and_reason() -> None:
    err = errors.PolicyError("county.toml", "programmes.x.shares", "合计不为100%", "not 100 %")
    assert (err.file, err.key) == ("county.toml", "programmes.x.shares")
    assert "county.toml" in err.message_en and "programmes.x.shares" in err.message_zh
