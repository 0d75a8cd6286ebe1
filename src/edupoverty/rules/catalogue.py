"""The rule catalogue: a policy's programmes, amounts with dates, conditions and sources.

Generated from the policy data itself, so documentation (the *Rule catalogue* page, built
by ``docs/hooks/catalogue.py``) and ``edupoverty policy show`` cannot drift from the rules.

Examples:
    >>> from edupoverty.rules import load_policy
    >>> rows = describe(load_policy("seed"))
    >>> rows[1]["id"], rows[1]["amounts"][0]["amount"], rows[1]["amounts"][0]["from"]
    ('compulsory.fee_waiver', '6000.00', '2016-09-01')
"""

from __future__ import annotations

from typing import Any

from edupoverty.rules.loading import load_policy
from edupoverty.rules.policy import AmountCase, Policy, Programme

__all__ = ["catalogue_markdown", "describe", "describe_programme"]


def _case_rows(case: AmountCase) -> list[dict[str, Any]]:
    labels = case.when.describe()
    when = "；".join(x.zh for x in labels) or "—"
    when_en = "; ".join(x.en for x in labels) or "—"
    tier = case.tier
    base = {
        "group": case.group,
        "when": when,
        "when_en": when_en,
        "tier": tier,
        "kind": case.kind,
        "per": case.per,
    }
    if case.kind == "fee":
        return [
            {
                **base,
                "amount": f"= {case.fee}",
                "from": case.start.isoformat() if case.start else None,
                "until": case.end.isoformat() if case.end else None,
                "source": case.source,
                "rule": case.rule,
            }
        ]
    if case.kind == "not_configured":
        return [
            {
                **base,
                "amount": None,
                "not_configured": case.reason_en,
                "from": None,
                "until": None,
                "source": case.source,
                "rule": case.rule,
            }
        ]
    out = []
    for v in case.values:
        out.append(
            {
                **base,
                "amount": str(v.amount) if v.amount is not None else None,
                "not_configured": v.not_configured,
                "from": v.start.isoformat(),
                "until": v.end.isoformat() if v.end else None,
                "source": v.source,
                "rule": v.rule,
            }
        )
    return out


def describe_programme(prog: Programme) -> dict[str, Any]:
    """A JSON-ready description of one programme.

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> d = describe_programme(load_policy("seed").programme("compulsory.boarding_allowance"))
        >>> d["funding"][0]["shares"]
        {'central': '50', 'provincial': '50'}
    """
    return {
        "id": prog.id,
        "name_zh": prog.name_zh,
        "name_en": prog.name_en,
        "form": prog.form.value,
        "rules": list(prog.rules),
        "source": prog.source,
        "from": prog.start.isoformat() if prog.start else None,
        "until": prog.end.isoformat() if prog.end else None,
        "eligibility": [x.zh for x in prog.eligibility.describe()],
        "eligibility_en": [x.en for x in prog.eligibility.describe()],
        "amounts": [row for case in prog.cases for row in _case_rows(case)],
        "funding": [
            {
                "from": f.start.isoformat(),
                "until": f.end.isoformat() if f.end else None,
                "shares": {lv.value: str(p) for lv, p in f.shares},
                "source": f.source,
                "rule": f.rule,
            }
            for f in prog.funding
        ],
        "replaces": list(prog.replaces),
        "note": prog.note,
        "defined_in": prog.origin,
    }


def describe(policy: Policy) -> list[dict[str, Any]]:
    """JSON-ready descriptions of every programme of ``policy``, in profile order.

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> [d["id"] for d in describe(load_policy("seed"))][:2]
        ['preschool.provincial_grant', 'compulsory.fee_waiver']
    """
    return [describe_programme(p) for p in policy.programmes]


def _cell(text: object) -> str:
    return str(text if text is not None else "—").replace("|", "\\|").replace("\n", " ")


def catalogue_markdown(*names: str) -> str:
    """Markdown tables describing the bundled profiles ``names`` (default: all of them).

    Examples:
        >>> md = catalogue_markdown("liling")
        >>> "liling.preschool_fee_reduction" in md and "500.00" in md
        True
    """
    from edupoverty.rules.loading import list_profiles

    if not names:
        names = tuple(["seed", *(n for n, _, _ in list_profiles() if n != "seed")])
    seed_ids = set(load_policy("seed").programme_ids())
    parts: list[str] = []
    for name in names:
        policy = load_policy(name)
        p = policy.parameters
        parts.append(f"## `{name}` — {policy.title_zh.split(' + ')[-1]}\n")
        parts.append(
            f"*{policy.title_en.split(' + ')[-1]}*. Reviewed for school years "
            f"{policy.reviewed_from}–{policy.reviewed_until}. Files: "
            f"{', '.join(f'`{f}`' for f in policy.files)}.\n"
        )
        if name == "seed":
            tiers = {lv.value: t for lv, t in p.tier_by_difficulty}
            parts.append(
                f"Parameters: financially difficult = {', '.join(sorted(p.difficulty_statuses))} "
                f"(R-ST-2); proration `{p.proration}` (R-DYN-1..3); school days "
                f"{', '.join(f'{s.value} {n}' for s, n in p.school_days)} (R-CMP-4); tier by "
                f"difficulty level: {tiers or 'none given'} "
                f"(R-SEN-1); school terms (teaching days of each semester, R-DYN-1): "
                f"{len(p.terms) or 'not configured — set by each county'}.\n"
            )
        for prog in policy.programmes:
            own = name == "seed" or prog.id not in seed_ids or name in prog.origin
            if not own:
                continue
            d = describe_programme(prog)
            parts.append(f"### `{prog.id}` {prog.name_zh}\n")
            parts.append(
                f"{prog.name_en}. Form: **{prog.form.value}** ({prog.form.zh}). Rules: "
                f"{', '.join(prog.rules)}. Source: {prog.source}."
                + (f" In force {d['from'] or '…'} – {d['until'] or '…'}." if d["from"] else "")
                + (f" Replaces: {', '.join(prog.replaces)}." if prog.replaces else "")
                + (f" {prog.note}" if prog.note else "")
                + "\n"
            )
            parts.append(
                "Eligibility / 条件: "
                + (
                    _cell("；".join(d["eligibility"]) + " — " + "; ".join(d["eligibility_en"]))
                    if d["eligibility"]
                    else "all / 全部"
                )
                + "\n"
            )
            parts.append("| group | when | tier | amount | per | from | until | source | rule |")
            parts.append("|---|---|---|---|---|---|---|---|---|")
            for row in d["amounts"]:
                amount = (
                    row["amount"]
                    if row["amount"] is not None
                    else (f"not configured: {row.get('not_configured')}")
                )
                per = "school day" if row["kind"] == "per_school_day" else row["per"]
                parts.append(
                    "| "
                    + " | ".join(
                        _cell(x)
                        for x in (
                            row["group"],
                            row["when"],
                            row["tier"],
                            amount,
                            per,
                            row["from"],
                            row["until"],
                            row["source"],
                            row["rule"],
                        )
                    )
                    + " |"
                )
            if d["funding"]:
                shares = "; ".join(
                    f"from {f['from']}: "
                    + ", ".join(f"{k} {v} %" for k, v in f["shares"].items())
                    + f" ({f['rule']}, {f['source']})"
                    for f in d["funding"]
                )
                parts.append(f"\nFunding: {_cell(shares)}\n")
            else:
                parts.append("\nFunding: unknown (not stated, R-FND-4).\n")
        for check in policy.checks:
            if name != "seed":
                parts.append(
                    f"**Check `{check.id}`** ({check.rule}, {check.source}): at each school the "
                    f"average of {', '.join(check.programmes)} per registered-poor student at "
                    f"{', '.join(check.stages)} is at least {check.minimum}.\n"
                )
    return "\n".join(parts)
