"""What a coverage check finds, in the shapes the console, the JSON and the workbook print."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from jiaoyu_fupin.checks.subsidy.scope import Scope
from jiaoyu_fupin.core.terms import Term

KINDS = ("unknown_student", "not_enrolled", "ineligible", "amount_mismatch", "duplicate", "missing")
# The check's payment frame carries each row's finding as a small integer, by precedence: KINDS[code - 1]; 0 none.
UNKNOWN_STUDENT, NOT_ENROLLED, INELIGIBLE, AMOUNT_MISMATCH = range(1, 5)
KIND_TITLES = {
    "unknown_student": "名册外人员",
    "not_enrolled": "非在校学生",
    "ineligible": "错助（不符合条件）",
    "amount_mismatch": "金额与标准不符",
    "duplicate": "重复发放",
    "missing": "漏发",
}

def yuan(fen: int | None) -> Decimal | None:
    """分 → 元 as an exact Decimal without trailing zeros: 31250 → 312.5, 100000 → 1000."""
    return None if fen is None else Decimal(int(fen)) / 100


@dataclass
class Finding:
    kind: str
    id_number: str
    name: str
    school: str | None
    program: str | None
    expected: str | None
    paid: str | None
    detail: str
    township: str | None = None
    grade: str | None = None
    class_name: str | None = None
    source: str | None = None  # the payment roster file and row the finding rests on

    def as_json(self) -> dict:
        return {"kind": self.kind, "id_number": self.id_number, "name": self.name, "school": self.school,
                "program": self.program, "expected": self.expected, "paid": self.paid, "detail": self.detail,
                "source": self.source}


@dataclass
class AwayStudent:
    id_number: str
    name: str
    school: str | None
    place: str
    stage: str | None
    grade: str | None

    def as_json(self) -> dict:
        return {"id_number": self.id_number, "name": self.name, "school": self.school, "place": self.place,
                "stage": self.stage, "grade": self.grade}


@dataclass
class Line:
    """One row of a summary table (a program or a school)."""

    key: str
    entitled: int = 0  # entitlements (student × program); for a school, students
    expected: int = 0  # 分
    paid_count: int = 0
    paid: int = 0  # 分
    findings: int = 0
    township: str | None = None

    def as_json(self, label: str) -> dict:
        return {label: self.key, **({"township": self.township} if label == "school" else {}),
                "entitled": self.entitled, "expected_amount": str(yuan(self.expected)),
                "payments": self.paid_count, "paid_amount": str(yuan(self.paid)), "findings": self.findings}


@dataclass
class CoverageReport:
    term: Term
    scope: Scope
    by_program: list[Line] = field(default_factory=list)
    by_school: list[Line] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    out_of_county: list[AwayStudent] = field(default_factory=list)
    entitled_students: int = 0
    boarding_unknown: int = 0

    def counts(self) -> dict[str, int]:
        found = {kind: 0 for kind in KINDS}
        for f in self.findings:
            found[f.kind] += 1
        return found

    def total(self, attr: str) -> int:
        return sum(getattr(line, attr) for line in self.by_program)

    def summary_json(self) -> dict:
        return {
            "scope": self.scope.label,
            "entitled_students": self.entitled_students,
            "entitlements": self.total("entitled"),
            "expected_amount": str(yuan(self.total("expected"))),
            "payments": self.total("paid_count"),
            "paid_amount": str(yuan(self.total("paid"))),
            "findings": self.counts(),
            "out_of_county": len(self.out_of_county),
            "boarding_unknown": self.boarding_unknown,
            "by_program": [line.as_json("program") for line in self.by_program],
            "by_school": [line.as_json("school") for line in self.by_school],
        }

    def as_json(self) -> dict:
        return {"term": str(self.term), "summary": self.summary_json(),
                "findings": [f.as_json() for f in self.findings],
                "out_of_county": [a.as_json() for a in self.out_of_county]}
