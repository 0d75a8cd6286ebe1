"""The permanent assistance ledger as values (R-REC-2): chain, verify, balance, reconcile."""

from __future__ import annotations

import itertools
import json
from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from edupoverty.errors import InputError, LedgerIntegrityError
from edupoverty.records.enums import FundingLevel, PaymentMethod, Semester
from edupoverty.records.ledger import (
    GENESIS,
    ExpectedPayment,
    TamperKind,
    balance,
    canonical_json,
    chain,
    check_entries,
    entry_hash,
    expenditure,
    from_disbursement,
    income,
    reconcile,
    reverse,
    undisclosed,
    verify,
)
from edupoverty.records.model import Disbursement, LedgerEntry, Period

BOARDING = "compulsory.boarding_allowance"
FEES = "compulsory.fee_waiver"
AUTUMN_2019 = Period(2019, Semester.AUTUMN)
SPRING_2019 = Period(2019, Semester.SPRING)


def _payments(n: int) -> tuple[LedgerEntry, ...]:
    return chain(
        expenditure(
            date(2019, 11, 1),
            BOARDING,
            "500",
            batch="2019-A1",
            disclosure_id="GS-2019-07",
            student_id=f"S{i:03d}",
            period=AUTUMN_2019,
        )
        for i in range(n)
    )


def _kinds(entries: list[LedgerEntry]) -> list[tuple[str, int]]:
    return [(p.kind.value, p.seq) for p in verify(entries).problems]


# --- the chain -----------------------------------------------------------------------------


def test_each_entry_carries_the_hash_of_its_canonical_json_and_of_the_previous_entry() -> None:
    entries = _payments(3)
    assert entries[0].prev_hash == GENESIS
    for before, e in itertools.pairwise(entries):
        assert e.prev_hash == before.hash
    for e in entries:
        assert e.hash == entry_hash(e.prev_hash, canonical_json(e))
        assert len(e.hash) == 64


def test_canonical_json_keeps_money_as_text_and_ignores_the_hash_fields() -> None:
    e = _payments(1)[0]
    body = canonical_json(e)
    assert b'"amount":"500.00"' in body
    assert canonical_json(attrs.evolve(e, hash="x", prev_hash="y")) == body


def test_a_chained_ledger_verifies() -> None:
    report = verify(_payments(10))
    assert report.ok
    assert (report.count, report.head_seq) == (10, 10)


def test_verify_finds_an_edited_amount_and_names_the_entry() -> None:
    entries = list(_payments(6))
    entries[3] = attrs.evolve(entries[3], amount=Decimal("5000"))
    assert _kinds(entries) == [("edited", 4)]


def test_verify_finds_an_edited_entry_even_when_its_hash_was_recomputed() -> None:
    entries = list(_payments(6))
    forged = attrs.evolve(entries[2], amount=Decimal("5000"))
    entries[2] = attrs.evolve(forged, hash=entry_hash(forged.prev_hash, canonical_json(forged)))
    assert _kinds(entries) == [("edited", 3)]


def test_verify_finds_a_removed_entry() -> None:
    entries = list(_payments(6))
    del entries[2]
    report = verify(entries)
    assert [(p.kind, p.seq) for p in report.problems] == [(TamperKind.REMOVED, 4)]
    assert "entry 3 was removed" in report.problems[0].message_en


def test_verify_finds_removed_entries_at_the_head() -> None:
    entries = list(_payments(6))[2:]
    assert _kinds(entries) == [("removed", 3)]


def test_verify_finds_a_cut_off_tail_only_against_an_anchor() -> None:
    entries = list(_payments(6))
    anchor = (entries[-1].seq, entries[-1].hash)
    assert verify(entries[:4]).ok  # a chain cannot know its own tail …
    report = verify(entries[:4], anchor=anchor)  # … an anchor written down elsewhere can
    assert [(p.kind, p.seq) for p in report.problems] == [(TamperKind.REMOVED, 6)]


def test_verify_finds_two_swapped_entries() -> None:
    entries = list(_payments(8))
    entries[2], entries[5] = entries[5], entries[2]
    report = verify(entries)
    assert report.problems
    assert {p.kind for p in report.problems} == {TamperKind.REORDERED}
    assert {3, 6} <= {p.seq for p in report.problems}


def test_verify_finds_two_neighbours_swapped() -> None:
    entries = list(_payments(5))
    entries[1], entries[2] = entries[2], entries[1]
    report = verify(entries)
    assert {p.kind for p in report.problems} == {TamperKind.REORDERED}


def test_verify_finds_an_inserted_entry_that_links_correctly_to_its_predecessor() -> None:
    entries = list(_payments(5))
    forged = chain(
        [expenditure(date(2019, 11, 2), BOARDING, "9999", batch="X", student_id="GHOST")],
        after=entries[1],
    )[0]
    entries.insert(2, forged)
    assert [(p.kind, p.position) for p in verify(entries).problems] == [(TamperKind.INSERTED, 3)]


def test_verify_finds_an_inserted_entry_with_a_made_up_link() -> None:
    entries = list(_payments(5))
    forged = chain(
        [expenditure(date(2019, 11, 2), BOARDING, "9999", batch="X")], after=(2, "f" * 64)
    )[0]
    entries.insert(2, forged)
    assert [(p.kind, p.position) for p in verify(entries).problems] == [(TamperKind.INSERTED, 3)]


def test_verify_finds_an_entry_inserted_before_the_first() -> None:
    entries = list(_payments(3))
    forged = chain([expenditure(date(2019, 9, 1), BOARDING, "1", batch="X")])[0]
    entries.insert(0, forged)
    assert [(p.kind, p.position) for p in verify(entries).problems] == [(TamperKind.INSERTED, 1)]


def test_a_broken_chain_raises_ledger_integrity_error_naming_entries_not_values() -> None:
    entries = list(_payments(4))
    entries[1] = attrs.evolve(entries[1], student_id="11010520120307002X")
    with pytest.raises(LedgerIntegrityError) as exc:
        verify(entries).raise_if_broken()
    assert "entry 2" in exc.value.message_en
    assert "11010520120307002X" not in str(exc.value)


@given(st.data())
def test_any_single_tampering_is_found(data: st.DataObject) -> None:
    entries = list(_payments(data.draw(st.integers(3, 12))))
    n = len(entries)
    action = data.draw(st.sampled_from(["edit", "delete", "swap", "insert"]))
    i = data.draw(st.integers(0, n - 2))
    if action == "edit":
        entries[i] = attrs.evolve(entries[i], amount=entries[i].amount + 1)
    elif action == "delete":
        del entries[i]
    elif action == "swap":
        j = data.draw(st.integers(i + 1, n - 1))
        entries[i], entries[j] = entries[j], entries[i]
    else:
        after = entries[i - 1] if i else None
        entries.insert(i, chain([expenditure(date(2020, 1, 1), "p", "1", batch="X")], after)[0])
    assert not verify(entries).ok


# --- entries and corrections ------------------------------------------------------------


def test_income_needs_its_source_document_and_funding_level() -> None:
    bad = attrs.evolve(
        income(date(2019, 9, 2), FEES, "16000", FundingLevel.CENTRAL, "doc"), source_document=""
    )
    with pytest.raises(InputError, match="source_document"):
        check_entries([bad])
    bad = attrs.evolve(bad, source_document="doc", funding_level=None)
    with pytest.raises(InputError, match="funding_level"):
        check_entries([bad])


def test_expenditure_needs_its_batch() -> None:
    bad = attrs.evolve(
        expenditure(date(2019, 11, 1), BOARDING, "500", batch="B"), disbursement_batch=None
    )
    with pytest.raises(InputError, match="disbursement_batch"):
        check_entries([bad])


def test_a_negative_amount_is_only_a_correction() -> None:
    with pytest.raises(InputError, match="amount"):
        check_entries([expenditure(date(2019, 11, 1), BOARDING, "-500", batch="B")])


def test_a_correction_reverses_the_entry_it_names_and_both_stay_in_the_ledger() -> None:
    wrong = _payments(1)[0]
    fix = reverse(wrong, date(2019, 11, 5), "错报：应为500元")
    right = attrs.evolve(wrong, seq=0, amount=Decimal("500"), hash="", prev_hash="")
    book = (wrong, *chain([fix, right], after=wrong))
    check_entries([fix, right], lambda s: (wrong if s == 1 else None, False), 2)
    assert verify(book).ok
    assert book[1].corrects == 1 and book[1].amount == Decimal("-500.00")
    assert balance(book).expenditure_total == Decimal("500.00")


def test_an_entry_cannot_be_reversed_twice() -> None:
    wrong = _payments(1)[0]
    fix = reverse(wrong, date(2019, 11, 5))
    with pytest.raises(InputError, match="corrects"):
        check_entries([fix, fix], lambda s: (wrong if s == 1 else None, False), 2)
    with pytest.raises(InputError, match="corrects"):
        check_entries([fix], lambda s: (wrong if s == 1 else None, True), 2)


def test_a_correction_must_match_what_it_reverses() -> None:
    wrong = _payments(1)[0]
    partial = attrs.evolve(reverse(wrong, date(2019, 11, 5)), amount=Decimal("-100"))
    with pytest.raises(InputError, match="corrects"):
        check_entries([partial], lambda s: (wrong if s == 1 else None, False), 2)
    with pytest.raises(InputError, match="corrects"):
        check_entries([reverse(wrong, date(2019, 11, 5))], lambda s: (None, False), 2)


# --- balance (收支分明) ------------------------------------------------------------------


def test_balance_keeps_income_and_expenditure_apart_by_programme_and_funding_level() -> None:
    # R-FND-3: boarding allowance is paid 50 % central, 50 % provincial.
    entries = chain(
        [
            income(date(2019, 9, 2), BOARDING, "5000", FundingLevel.CENTRAL, "中央文件"),
            income(date(2019, 9, 2), BOARDING, "5000", FundingLevel.PROVINCIAL, "省级文件"),
            income(date(2019, 9, 2), FEES, "1600", FundingLevel.CENTRAL, "中央文件"),
            expenditure(date(2019, 11, 1), BOARDING, "500", batch="A"),
            expenditure(date(2019, 11, 1), BOARDING, "500", batch="A"),
        ]
    )
    b = balance(entries)
    rows = {(x.programme, x.funding_level): (x.income, x.expenditure) for x in b.lines}
    assert rows[(BOARDING, FundingLevel.CENTRAL)] == (Decimal("5000.00"), Decimal("0.00"))
    assert rows[(BOARDING, FundingLevel.PROVINCIAL)] == (Decimal("5000.00"), Decimal("0.00"))
    assert rows[(BOARDING, None)] == (Decimal("0.00"), Decimal("1000.00"))
    assert (b.income_total, b.expenditure_total) == (Decimal("11600.00"), Decimal("1000.00"))
    per_programme = {x.programme: x.balance for x in b.by_programme()}
    assert per_programme == {BOARDING: Decimal("9000.00"), FEES: Decimal("1600.00")}


def test_a_payment_without_its_disclosure_is_listed() -> None:
    # R-PAY-4: 每发放一笔资金都进行公示.
    entries = chain(
        [
            expenditure(date(2019, 11, 1), BOARDING, "500", batch="A", disclosure_id="GS-1"),
            expenditure(date(2019, 11, 1), BOARDING, "500", batch="A"),
        ]
    )
    assert [e.seq for e in undisclosed(entries)] == [2]


# --- reconciliation ---------------------------------------------------------------------


def test_a_primary_boarder_paid_one_semester_of_1000_is_500_short() -> None:
    # R-CMP-3: primary boarding allowance 1000 per year, paid per semester (R-PAY-2).
    expected = [("S1", BOARDING, Period(2019), Decimal("1000"))]
    paid = chain(
        [
            expenditure(
                date(2019, 11, 1), BOARDING, "500", batch="A", student_id="S1", period=AUTUMN_2019
            )
        ]
    )
    r = reconcile(expected, paid)
    assert [(x.expected, x.paid, x.difference) for x in r.differences] == [
        (Decimal("1000.00"), Decimal("500.00"), Decimal("-500.00"))
    ]
    assert not r.ok


def test_reconcile_lists_payments_nobody_was_due_and_skips_income() -> None:
    paid = chain(
        [
            income(date(2019, 9, 2), BOARDING, "5000", FundingLevel.CENTRAL, "doc"),
            expenditure(
                date(2019, 11, 1), BOARDING, "500", batch="A", student_id="S9", period=AUTUMN_2019
            ),
            expenditure(date(2019, 11, 1), BOARDING, "500", batch="A"),
        ]
    )
    r = reconcile([], paid)
    assert [(x.programme, x.period, x.paid) for x in r.differences] == [
        (BOARDING, AUTUMN_2019, Decimal("500.00"))
    ]
    assert r.unattributed == (3,)


def test_reconcile_counts_a_reversed_overpayment_once() -> None:
    expected = [ExpectedPayment("S1", BOARDING, AUTUMN_2019, "500")]
    first = chain(
        [
            expenditure(
                date(2019, 11, 1), BOARDING, "600", batch="A", student_id="S1", period=AUTUMN_2019
            )
        ]
    )
    fix = chain(
        [
            reverse(first[0], date(2019, 11, 2)),
            expenditure(
                date(2019, 11, 2), BOARDING, "500", batch="A2", student_id="S1", period=AUTUMN_2019
            ),
        ],
        after=first[0],
    )
    assert reconcile(expected, first + fix).ok


def test_reconcile_accepts_disbursements() -> None:
    d = Disbursement(
        student_id="S1",
        programme=BOARDING,
        period=SPRING_2019,
        amount="500",
        method=PaymentMethod.BANK_TRANSFER,
        paid_on=date(2020, 4, 1),
        batch="B",
    )
    r = reconcile([("S1", BOARDING, SPRING_2019, Decimal("500"))], [d])
    assert r.ok and len(r.lines) == 1
    assert from_disbursement(d).period == SPRING_2019


@given(st.lists(st.integers(1, 100000), min_size=1, max_size=20))
def test_reconcile_never_loses_money(amounts: list[int]) -> None:
    paid = chain(
        expenditure(
            date(2019, 11, 1), BOARDING, a, batch="A", student_id=f"S{i % 3}", period=AUTUMN_2019
        )
        for i, a in enumerate(amounts)
    )
    r = reconcile([], paid)
    assert sum(x.paid for x in r.lines) == sum(Decimal(a) for a in amounts)


_texts = st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cs",)), max_size=20))


@given(
    seq=st.integers(0, 10**9),
    amount=st.integers(-(10**9), 10**9),
    note=_texts,
    student=_texts,
    doc=_texts,
    corrects=st.one_of(st.none(), st.integers(1, 10**6)),
    level=st.one_of(st.none(), st.sampled_from(list(FundingLevel))),
    period=st.one_of(
        st.none(),
        st.builds(
            Period, st.integers(2000, 2100), st.one_of(st.none(), st.sampled_from(list(Semester)))
        ),
    ),
)
def test_canonical_json_is_compact_json_of_the_fields_in_their_fixed_order(
    seq: int,
    amount: int,
    note: str | None,
    student: str | None,
    doc: str | None,
    corrects: int | None,
    level: FundingLevel | None,
    period: Period | None,
) -> None:
    e = LedgerEntry(
        seq=seq,
        kind="expenditure",
        recorded_on=date(2019, 11, 1),
        programme='p"\\\n项目',
        amount=Decimal(amount) / 100,
        funding_level=level,
        source_document=doc,
        student_id=student,
        disbursement_batch="B",
        disclosure_id=None,
        corrects=corrects,
        note=note,
        period=period,
    )
    reference = {
        "seq": seq, "kind": e.kind, "recorded_on": "2019-11-01", "programme": e.programme,
        "amount": str(e.amount), "funding_level": None if level is None else level.value,
        "source_document": doc, "student_id": student, "disbursement_batch": "B",
        "disclosure_id": None, "corrects": corrects, "note": note,
        "period": None if period is None else {
            "school_year": period.school_year,
            "semester": None if period.semester is None else period.semester.value,
        },
    }  # fmt: skip
    expected = json.dumps(reference, ensure_ascii=False, separators=(",", ":")).encode()
    assert canonical_json(e) == expected


def test_text_that_cannot_be_stored_is_refused_before_it_reaches_the_ledger() -> None:
    bad = expenditure(date(2019, 11, 1), BOARDING, "500", batch="B", note="\ud800")
    with pytest.raises(InputError, match="text"):
        check_entries([bad])


@given(st.integers(3, 15), st.data())
def test_a_single_edit_or_deletion_is_named_exactly(n: int, data: st.DataObject) -> None:
    entries = list(_payments(n))
    i = data.draw(st.integers(0, n - 2))
    edited = list(entries)
    edited[i] = attrs.evolve(entries[i], note="改")
    assert _kinds(edited) == [("edited", i + 1)]
    removed = entries[:i] + entries[i + 1 :]
    assert _kinds(removed) == [("removed", i + 2)]


def test_a_years_payment_reconciles_with_semester_entitlements_when_compared_per_year() -> None:
    # R-CMP-3 and R-PAY-2: 1000 a year for a primary boarder, due per semester.
    due = [
        ("S1", BOARDING, AUTUMN_2019, Decimal("500")),
        ("S1", BOARDING, SPRING_2019, Decimal("500")),
    ]
    per_semester = chain(
        expenditure(date(2019, 11, 1), BOARDING, "500", batch="A", student_id="S1", period=p)
        for p in (AUTUMN_2019, SPRING_2019)
    )
    assert reconcile(due, per_semester).ok
    once = chain(
        [
            expenditure(
                date(2020, 6, 1), BOARDING, "800", batch="Y", student_id="S1", period=Period(2019)
            )
        ]
    )
    r = reconcile(due, once, per_school_year=True)
    assert [(x.period, x.expected, x.paid) for x in r.differences] == [
        (Period(2019), Decimal("1000.00"), Decimal("800.00"))
    ]


def test_a_deletion_hidden_by_rehashing_everything_after_it_is_still_found() -> None:
    entries = list(_payments(6))
    kept = entries[:2] + entries[3:]
    # The forger recomputes every hash after the gap but keeps the entries' numbers.
    rebuilt = list(kept[:2])
    for e in kept[2:]:
        h = entry_hash(rebuilt[-1].hash, canonical_json(e))
        rebuilt.append(attrs.evolve(e, prev_hash=rebuilt[-1].hash, hash=h))
    assert _kinds(rebuilt) == [("removed", 4)]
    assert "entry 3 was removed and the rest re-hashed" in verify(rebuilt).problems[0].message_en
