"""Repeated ID numbers (重报, R-REC-3): a student is counted once.

:class:`Seen` remembers the ID numbers accepted so far across the rosters checked together
and says, for a batch of new ones, which repeat a number met before and where it first came;
:func:`duplicate_finding` is the ``report.duplicate`` error of such a row.

Examples:
    >>> import pyarrow as pa
    >>> seen = Seen()
    >>> [first for _, first in seen.add(pa.array(["11010520120307002X"] * 2),
    ...                                  pa.array([2, 3]), "a.csv")]
    [('a.csv', 2)]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from edupoverty.records import idcard
from edupoverty.records.findings import Finding, finding

__all__ = ["Seen", "duplicate_finding"]

_RUN = 1 << 21  # numbers in a run of Seen at most (about 38 MB)


class Seen:
    """The ID numbers accepted so far across the rosters checked together (重报, R-REC-3):
    the first row (and file) of each.

    Examples:
        >>> seen = Seen()
        >>> a, b = "11010520120307002X", "110105201203070011"
        >>> seen.add(pa.array([a, b, a]), pa.array([2, 3, 4]), "a.csv")
        [(2, ('a.csv', 2))]
        >>> seen.add(pa.array([b]), pa.array([2]), "b.csv")
        [(0, ('a.csv', 3))]

    The numbers are kept as integers (:func:`~edupoverty.records.idcard.keys`) in a few
    sorted runs, merged as they grow up to about two million numbers each: lookups are
    binary searches over whole columns, no Python per row, and memory is about 18 bytes a
    number.
    """

    def __init__(self) -> None:
        self._runs: list[tuple[np.ndarray[Any, Any], ...]] = []  # (keys, rows, sources)
        self._sources: list[str] = []

    def add(self, ids: pa.Array, rows: pa.Array, source: str) -> list[tuple[int, tuple[str, int]]]:
        """Record ``ids`` (accepted, compact, in row order) and return the repeats: for each,
        its position in ``ids`` and the ``(source, row)`` where the number first came."""
        if not self._sources or self._sources[-1] != source:
            self._sources.append(source)
        number = len(self._sources) - 1
        k = idcard.keys(ids)
        row_values = np.asarray(rows.to_numpy(zero_copy_only=False), dtype=np.int64)
        distinct, first_at, inverse = np.unique(k, return_index=True, return_inverse=True)
        first_source = np.full(len(distinct), -1, dtype=np.int64)
        first_row = np.zeros(len(distinct), dtype=np.int64)
        for keys, run_rows, run_sources in self._runs:
            at = np.searchsorted(keys, distinct)
            hit = at < len(keys)
            hit[hit] = keys[at[hit]] == distinct[hit]
            first_source[hit] = run_sources[at[hit]]
            first_row[hit] = run_rows[at[hit]]
        new = first_source < 0
        first_source[new] = number
        first_row[new] = row_values[first_at[new]]
        firsts = new[inverse] & (first_at[inverse] == np.arange(len(k)))
        repeats = np.flatnonzero(~firsts)
        out = [
            (int(p), (self._sources[int(first_source[inverse[p]])], int(first_row[inverse[p]])))
            for p in repeats.tolist()
        ]
        if new.any():
            count = int(new.sum())
            self._runs.append(
                (distinct[new], first_row[new], np.full(count, number, dtype=np.int16))
            )
            self._merge()
        return out

    def _merge(self) -> None:
        """Merge the newest runs while they are alike in size, up to runs of
        :data:`_RUN` numbers (larger merges would hold two copies of most of the numbers)."""
        runs = self._runs
        while (
            len(runs) > 1
            and len(runs[-1][0]) * 2 >= len(runs[-2][0])
            and len(runs[-1][0]) + len(runs[-2][0]) <= _RUN
        ):
            last, before = runs.pop(), runs.pop()
            keys = np.concatenate([before[0], last[0]])
            order = np.argsort(keys, kind="stable")
            runs.append(
                tuple(np.concatenate([b, a])[order] for b, a in zip(before, last, strict=True))
            )


def duplicate_finding(row: int, first: tuple[str, int], source: str) -> Finding:
    """The ``report.duplicate`` error of a row whose ID number was first seen at ``first``
    (``(source, row)``; another file is named, the same file is not).

    Examples:
        >>> duplicate_finding(5, ("a.csv", 2), "a.csv").message_en
        'row 5, id_number: duplicate report: the same ID number is also on row 2'
        >>> duplicate_finding(5, ("a.csv", 2), "b.csv").message_zh
        '第5行 id_number：重报：同一身份证号已出现在第2行（a.csv）'
    """
    other = first[0] if first[0] != source else ""
    return finding(
        "report.duplicate",
        row=row,
        field="id_number",
        source=source,
        other_row=first[1],
        other_file_zh=f"（{other}）" if other else "",
        other_file_en=f" of {other}" if other else "",
    )
