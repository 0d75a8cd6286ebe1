"""The front door: ``import edupoverty as ep`` and the names a newcomer needs."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import edupoverty as ep

FRONT_DOOR = {
    "read_roster": "edupoverty.records",
    "validate": "edupoverty.records",
    "load_policy": "edupoverty.rules",
    "assess": "edupoverty.rules",
    "assess_table": "edupoverty.rules",
    "summarize": "edupoverty.rules",
    "assess_frame": "edupoverty.frame",
    "plan_disclosure": "edupoverty.disclosure",
    "reply_due": "edupoverty.disclosure",
    "public_list": "edupoverty.disclosure",
    "WorkCalendar": "edupoverty.disclosure",
    "EdupovertyError": "edupoverty.errors",
}


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip()


def test_the_front_door_lists_the_dozen_names_and_the_version() -> None:
    assert sorted(ep.__all__) == sorted([*FRONT_DOOR, "__version__"])
    assert set(ep.__all__) <= set(dir(ep))


@pytest.mark.parametrize("name", sorted(FRONT_DOOR))
def test_each_front_door_name_is_the_one_of_its_room(name: str) -> None:
    room = __import__(FRONT_DOOR[name], fromlist=[name])
    assert getattr(ep, name) is getattr(room, name)
    assert getattr(ep, name).__doc__


def test_a_name_not_at_the_front_door_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'assess_frames'"):
        ep.assess_frames  # noqa: B018


def test_importing_edupoverty_imports_no_room_and_no_dataframe_library() -> None:
    out = _run(
        """
        import sys
        import edupoverty as ep
        print(sorted(m for m in ("pandas", "polars", "edupoverty.rules", "edupoverty.records")
                     if m in sys.modules))
        ep.assess_frame
        print("polars" in sys.modules)
        """
    )
    assert out.splitlines() == ["[]", "False"]


def test_without_polars_a_conversion_names_the_extra_to_install() -> None:
    out = _run(
        """
        import sys

        class NoPolars:
            def find_spec(self, name, path=None, target=None):
                if name == "polars" or name.startswith("polars."):
                    raise ImportError("no polars here")
                return None

        sys.meta_path.insert(0, NoPolars())
        import edupoverty as ep
        from edupoverty.records import read_rows
        r = read_rows(["name", "id_number", "school_code", "stage", "school_location"],
                      [["张三", "11010520120307002X", "1", "primary", "rural"]])
        try:
            r.to_polars()
        except ep.EdupovertyError as e:
            print(type(e).__name__, isinstance(e, ImportError), e.code, e.extra)
            print(e.message("en"))
        """
    )
    assert out.splitlines() == [
        "MissingExtraError True extra.missing polars",
        "this needs polars: pip install 'edupoverty[polars]'",
    ]
