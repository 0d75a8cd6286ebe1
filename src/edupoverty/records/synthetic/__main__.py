"""``python -m edupoverty.records.synthetic``: write synthetic rosters (see ``--help``)."""

from edupoverty.records.synthetic import main

if __name__ == "__main__":
    raise SystemExit(main())
