"""*When* and *to whom*: working days, disclosure (公示) windows, objections, public lists.

Examples:
    >>> import edupoverty.disclosure
"""

__all__: list[str] = []
