"""The bundled sample roster (示例名单): 40 invented students of an invented county.

Every stage and beneficiary status appears, and every defect class of the validation report
(a short ID number, a letter O for a zero, a wrong check digit, an impossible and a future
birth date, an unknown region, a missing and an unreadable value, an implausible age, a
duplicate report, an unknown column), plus a lower-case ``x`` check digit that is accepted.
The roster is for school year :data:`SAMPLE_SCHOOL_YEAR` (2019学年), UTF-8 with a byte-order
mark so that Excel opens it, with Chinese headers. A disbursement file for the same students
carries the payment defects (cash boarding allowance, collection by others, cash for
nutrition, a bank payment without an account, a payment made twice).

Every name and number in them is invented; the ID numbers only have correct check digits.

Both files are plain :class:`~pathlib.Path` objects that every reader accepts directly. In an
ordinary install they are the package's own files; when the package is not on a file system
(imported from a zip archive), they are copied once into a private temporary directory that
is removed when the process exits.

Examples:
    >>> from edupoverty.records.sample import sample_roster_path
    >>> from edupoverty.records.roster import read_roster
    >>> result = read_roster(sample_roster_path())
    >>> result.rows, result.accepted, len(result.rejected)
    (40, 32, 8)
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from importlib.resources import files
from pathlib import Path

__all__ = ["SAMPLE_SCHOOL_YEAR", "sample_disbursements_path", "sample_roster_path"]

SAMPLE_SCHOOL_YEAR = 2019
"""The school year of the sample roster (2019–2020)."""


def sample_roster_path() -> Path:
    """The path of the sample roster file (CSV), for any reader.

    A plain path valid for the whole process, not a context manager (earlier development
    versions had ``with sample_roster_path() as p:``; pass the path directly instead).

    Examples:
        >>> p = sample_roster_path()
        >>> p.name, p.is_file()
        ('sample_roster.csv', True)
    """
    return _data_file("sample_roster.csv")


def sample_disbursements_path() -> Path:
    """The path of the sample disbursement file (CSV), for any reader.

    A plain path valid for the whole process, not a context manager.

    Examples:
        >>> from edupoverty.records.roster import read_disbursements
        >>> read_disbursements(sample_disbursements_path()).rows
        8
    """
    return _data_file("sample_disbursements.csv")


@functools.cache
def _data_file(name: str) -> Path:
    """A file path of ``records/data/<name>``: the package's own file when it is on a file
    system, else a copy made once in :func:`_private_dir`."""
    resource = files("edupoverty.records").joinpath("data").joinpath(name)
    if isinstance(resource, Path):  # a regular install: the file itself
        return resource
    target = _private_dir() / name
    part = target.with_name(f".{name}.{os.getpid()}.part")
    part.write_bytes(resource.read_bytes())
    os.replace(part, target)  # never a half-written file under the final name
    return target


@functools.cache
def _private_dir() -> Path:
    """A temporary directory only this user can read, removed when the process exits."""
    path = Path(tempfile.mkdtemp(prefix="edupoverty-sample-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path
