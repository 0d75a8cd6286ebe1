"""The bundled sample files are plain paths that every reader takes, however the package is
installed."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import edupoverty
from edupoverty.records import read_disbursements, read_roster
from edupoverty.records.sample import sample_disbursements_path, sample_roster_path


def test_the_sample_roster_path_is_a_path_that_read_roster_takes_directly() -> None:
    path = sample_roster_path()
    assert isinstance(path, Path) and path.name == "sample_roster.csv"
    result = read_roster(path)
    # row 40 repeats row 4's ID number: rejected (report.duplicate, R-REC-3)
    assert (result.rows, result.accepted, len(result.rejected)) == (40, 32, 8)


def test_the_sample_disbursements_path_is_a_path_that_read_disbursements_takes_directly() -> None:
    path = sample_disbursements_path()
    assert isinstance(path, Path) and path.name == "sample_disbursements.csv"
    assert read_disbursements(path).rows == 8


def test_every_call_gives_the_same_file_which_stays_for_the_whole_process() -> None:
    first = sample_roster_path()
    read_roster(first)
    assert sample_roster_path() == first and first.is_file()


def test_imported_from_a_zip_archive_the_samples_are_copied_once_to_a_private_directory(
    tmp_path: Path,
) -> None:
    # A package that is not on a file system (zipimport) has no path for its data files:
    # they are copied into a temporary directory only the user can read, removed at exit.
    package = Path(edupoverty.__file__).parent
    archive = tmp_path / "edupoverty.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in package.rglob("*"):
            if f.is_file() and "__pycache__" not in f.parts:
                z.write(f, f.relative_to(package.parent).as_posix())
    script = (
        "import os, edupoverty\n"
        "from edupoverty.records import read_disbursements, read_roster\n"
        "from edupoverty.records.sample import sample_disbursements_path, sample_roster_path\n"
        "assert '.zip' in edupoverty.__file__, edupoverty.__file__\n"
        "roster, pay = sample_roster_path(), sample_disbursements_path()\n"
        "assert sample_roster_path() == roster and roster.parent == pay.parent\n"
        "assert read_roster(roster).accepted == 32 and read_disbursements(pay).rows == 8\n"
        "print(roster.parent, oct(roster.parent.stat().st_mode & 0o777), roster.name)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(archive)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    folder, mode, name = done.stdout.split()
    assert name == "sample_roster.csv" and not Path(folder).is_relative_to(package)
    if os.name == "posix":
        assert mode == "0o700"
    assert not Path(folder).exists()  # removed when the process exited
