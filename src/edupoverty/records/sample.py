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

Examples:
    >>> from edupoverty.records.sample import sample_roster_path
    >>> from edupoverty.records.roster import read_roster
    >>> with sample_roster_path() as path:
    ...     result = read_roster(path)
    >>> result.rows, result.accepted, len(result.rejected)
    (40, 33, 7)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import as_file, files
from pathlib import Path

__all__ = ["SAMPLE_SCHOOL_YEAR", "sample_disbursements_path", "sample_roster_path"]

SAMPLE_SCHOOL_YEAR = 2019
"""The school year of the sample roster (2019–2020)."""


@contextmanager
def sample_roster_path() -> Iterator[Path]:
    """A real file path of the sample roster while the ``with`` block runs.

    Examples:
        >>> with sample_roster_path() as p:
        ...     p.name
        'sample_roster.csv'
    """
    with as_file(files("edupoverty.records").joinpath("data/sample_roster.csv")) as path:
        yield Path(path)


@contextmanager
def sample_disbursements_path() -> Iterator[Path]:
    """A real file path of the sample disbursement file while the ``with`` block runs.

    Examples:
        >>> from edupoverty.records.roster import read_disbursements
        >>> with sample_disbursements_path() as p:
        ...     read_disbursements(p).rows
        8
    """
    with as_file(files("edupoverty.records").joinpath("data/sample_disbursements.csv")) as path:
        yield Path(path)
