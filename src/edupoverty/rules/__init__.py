"""What the data *is worth*: policy profiles, eligibility, stacking, proration, funding.

Examples:
    >>> import edupoverty.rules
"""

__all__: list[str] = []
