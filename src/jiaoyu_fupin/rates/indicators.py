"""The indicators the bureau reports, their targets, and how a value is turned into the percentage it prints.

Targets are the county's 2019 work plan: 学前三年毛入园率 ≥ 85%, 义务教育入学率 100% (both net rates),
九年义务教育巩固率 ≥ 96%, 高中阶段毛入学率 ≥ 90%, and "双百一零": zero dropouts.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    target: int  # percent
    at_most: bool = False  # the dropout rate is met at or below its target, the others at or above
    capped: bool = False  # only 巩固率 is capped at 100% by its definition


INDICATORS = {
    i.key: i for i in (
        Indicator("preschool_gross_enrollment", "学前三年毛入园率", 85),
        Indicator("primary_net_enrollment", "小学净入学率", 100),
        Indicator("junior_net_enrollment", "初中净入学率", 100),
        Indicator("compulsory_retention", "九年义务教育巩固率", 96, capped=True),
        Indicator("senior_gross_enrollment", "高中阶段毛入学率", 90),
        Indicator("dropout_rate", "义务教育辍学率", 0, at_most=True),
    )
}


def percent_half_up(numerator: int, denominator: int) -> str:
    """numerator / denominator as a percentage with two decimals, rounded half-up, in exact integer arithmetic."""
    hundredths = (numerator * 20000 + denominator) // (2 * denominator)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


@dataclass
class Rate:
    indicator: str
    numerator: int | None
    denominator: int | None
    formula: str
    notes: list[str] = field(default_factory=list)
    away: int | None = None  # children recorded as studying outside the county (see notes for how they count)
    source: str | None = None

    @property
    def spec(self) -> Indicator:
        return INDICATORS[self.indicator]

    @property
    def computable(self) -> bool:
        return self.numerator is not None and bool(self.denominator)

    @property
    def capped(self) -> bool:
        return self.spec.capped and self.computable and self.numerator > self.denominator

    @property
    def value(self) -> str | None:
        if not self.computable:
            return None
        if self.capped:
            return "100.00"
        return percent_half_up(self.numerator, self.denominator)

    @property
    def met(self) -> bool | None:
        """Compared exactly, not on the rounded value: 99.996% prints as 100.00 but one child is still missing."""
        if not self.computable:
            return None
        numerator = min(self.numerator, self.denominator) if self.spec.capped else self.numerator
        if self.spec.at_most:
            return numerator * 100 <= self.spec.target * self.denominator
        return numerator * 100 >= self.spec.target * self.denominator

    def all_notes(self) -> list[str]:
        notes = list(self.notes)
        if self.capped:
            notes.insert(0, f"按定义封顶为 100%（实际 {percent_half_up(self.numerator, self.denominator)}%）")
        return notes

    def as_json(self) -> dict:
        return {
            "indicator": self.indicator, "name": self.spec.name, "numerator": self.numerator,
            "denominator": self.denominator, "value": self.value, "target": str(self.spec.target), "met": self.met,
            "formula": self.formula, "capped": self.capped, "away": self.away, "source": self.source,
            "notes": self.all_notes(),
        }
