"""edupoverty: the rules, deadlines and records of China's education poverty-alleviation
student subsidies (教育精准扶贫学生资助).

The library is organised in rooms (see ``docs/architecture.md``):

- :mod:`edupoverty.records` — what the data *is*: schemas, ID numbers, rosters, checks, ledger.
- :mod:`edupoverty.rules` — what the data *is worth*: policy profiles, eligibility, amounts.
- :mod:`edupoverty.disclosure` — *when* and *to whom*: working days, 公示 windows, public lists.
- :mod:`edupoverty.errors` — the one error tree.

Examples:
    >>> import edupoverty
    >>> edupoverty.__version__
    '0.1.0'
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
