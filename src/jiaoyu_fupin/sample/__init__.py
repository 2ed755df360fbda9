"""A synthetic sample county: every file a county education bureau exchanges, with known mistakes planted.

`generate(out_dir, seed=2019, scale=1.0)` writes the files and `样例说明.json`, which lists the counts and every
planted case so tests and the demo can check that the tools find exactly those.
The same seed and scale give the same bytes on every run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from jiaoyu_fupin.core.files import require_folder, write_atomic
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.sample import collab, facts, pairing_records, waivers, writers
from jiaoyu_fupin.sample.county import (
    assign_categories,
    assign_classes,
    assign_statuses,
    build_away,
    build_spring,
    build_students,
    ensure_strata,
)
from jiaoyu_fupin.sample.households import build_households, build_idle_children, name_and_number
from jiaoyu_fupin.sample.model import County, Person
from jiaoyu_fupin.sample.pairing_records import build_activities, build_leaders, build_oversight
from jiaoyu_fupin.sample.pairings import build_pairings, build_teachers
from jiaoyu_fupin.sample.payments import Payment, build_payments
from jiaoyu_fupin.sample.schools import School, build_geography, build_schools, sub_rng
from jiaoyu_fupin.sample.statistics import build_statistics
from jiaoyu_fupin.sample.waivers import build_waivers

__all__ = ["SampleResult", "BuiltCounty", "generate", "build_county", "build_schools", "School", "MAX_SCALE", "NOTE_FILE"]

MAX_SCALE = 20.0
NOTE_FILE = "样例说明.json"


@dataclass
class SampleResult:
    out_dir: Path
    files: list[Path]
    counts: dict[str, int]
    planted: dict
    rows: dict[str, int] = field(default_factory=dict)  # data rows per file name (headers and titles excluded)


@dataclass
class BuiltCounty:
    county: County
    payments: dict[str, list[Payment]]
    waivers: dict[str, list[Payment]]  # 免学费 as the national system exports it, per term
    corrected_waivers: list[Payment]  # the 2019秋 export corrected
    returned: list[Person]  # earlier dropouts persuaded back to school, on the dropout ledger


def require_scale(scale: float) -> None:
    """The generator's range: above 0, at most MAX_SCALE times the county (a misuse otherwise)."""
    if not 0 < scale <= MAX_SCALE:
        raise ClerkError(f"--scale 须大于 0 且不超过 {MAX_SCALE:g}，现在是 {scale:g}",
                         "例如 --scale 0.02 生成约 1,300 名学生的小样例，--scale 1 为全县实际规模")


def build_county(seed: int = 2019, scale: float = 1.0) -> BuiltCounty:
    """The whole county in memory, planted cases included; nothing written."""
    require_scale(scale)
    geography = build_geography(seed)
    county = County(seed, scale, geography, build_schools(seed, scale, geography))
    build_students(county)
    assign_categories(county)
    ensure_strata(county)
    assign_statuses(county)
    build_away(county)
    build_spring(county)
    assign_classes(county)
    build_households(county)
    build_idle_children(county)
    name_and_number(county)
    pay = build_payments(county)
    waived, corrected = build_waivers(county)
    build_teachers(county)
    build_pairings(county)
    build_leaders(county)
    build_oversight(county)
    build_activities(county)
    rng = sub_rng(seed, "returned")
    back = [p for p in county.students if p.local and p.fall.stage == "初中" and p.fall.grade >= 2
            and p.fall.status == "在校" and not p.tags and p.spring and p.spring.school is p.fall.school]
    return BuiltCounty(county, pay, waived, corrected, rng.sample(back, min(2, len(back))))


def _counts(built: BuiltCounty, rows: dict[str, int]) -> dict[str, int]:
    c = built.county
    fall = c.students
    counts = {
        "schools": len(c.schools),
        "townships": len(c.geography),
        "students_2019秋": len(fall),
        "students_2019春": rows[f"学籍_{facts.SPRING}.xlsx"],
        "poor_in_county": sum(1 for p in fall if p.category == "建档立卡"),
        "poor_in_county_other_county": sum(1 for p in fall if p.category == "建档立卡" and not p.local),
        "poor_away_in_prefecture": sum(1 for p in c.away if p.fall.away.place == "县外州内"),
        "poor_away_outside_prefecture": sum(1 for p in c.away if p.fall.away.place == "州外"),
        "other_category_students": sum(1 for p in fall if p.category not in ("", "建档立卡")),
        "registry_households": len(c.households),
        "registry_people": rows["国扶办_建档立卡人员.xlsx"],
        "teachers": len(c.teachers),
        "pairings": len(c.pairings),
        "population": rows["户籍适龄儿童.csv"],
        "payments_2019春": rows[f"资助发放_{facts.SPRING}.xlsx"],
        "payments_2019秋": rows[f"资助发放_{facts.FALL}.xlsx"],
    }
    for stage in facts.STUDENTS:
        counts[f"students_2019秋_{stage}"] = sum(1 for p in fall if p.fall.stage == stage)
    for status in ("辍学", "休学", "转出"):
        counts[f"status_2019秋_{status}"] = sum(1 for p in fall if p.fall.status == status)
    return counts


def _person_case(p: Person, detail: str) -> dict:
    pl = p.fall
    return {"id_number": p.id_number, "name": p.name, "school": pl.school_name, "grade": pl.grade_label,
            "detail": detail}


def generate(out_dir: Path, *, seed: int = 2019, scale: float = 1.0) -> SampleResult:
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ClerkError(f"“{out_dir}”已存在且不是文件夹", "请用 --out 指定一个文件夹")
    require_folder(out_dir, "样例文件")  # only the last folder of the path is made, as for every output
    built = build_county(seed, scale)
    county = built.county
    stats = build_statistics(county)
    written = [
        writers.schools(county, out_dir),
        writers.roll(county, out_dir, facts.SPRING),
        writers.roll(county, out_dir, facts.FALL),
        writers.registry(county, out_dir),
        writers.away(county, out_dir),
        writers.payments(county, out_dir, facts.SPRING, built.payments[facts.SPRING]),
        writers.payments(county, out_dir, facts.FALL, built.payments[facts.FALL]),
        *(writers.national_roster(out_dir, waivers.file_name(term), term, built.waivers[term], waivers.SHARED_NAME)
          for term in (facts.SPRING, facts.FALL)),
        writers.helpers(county, out_dir),
        writers.pairings(county, out_dir),
        *pairing_records.write(county, out_dir),
        writers.population(county, out_dir),
        writers.dropouts(county, out_dir, built.returned),
        writers.statistics(county, out_dir, stats.rows),
        *collab.write(county, out_dir),
    ]
    # Kept apart, in its own folder: `fupin import 文件夹/*.xlsx` must not take a roster and its correction together.
    corrected = writers.national_roster(waivers.corrections_folder(out_dir), waivers.corrected_name(facts.FALL),
                                        facts.FALL, built.corrected_waivers, waivers.SHARED_NAME)
    rows = {w.path.name: w.rows for w in written}
    for p in [p for hh in county.households for p in hh.members if "out_of_school" in p.tags]:
        county.plant("out_of_school", "疑似失学辍学：建档立卡义务教育适龄儿童，不在任何学籍名册，也不在县外就读名单",
                     {"id_number": p.id_number, "name": p.name, "age": p.age, "household_code": p.household.code,
                      "township": p.township, "village": p.village,
                      "school_status": p.registry["在校生状况"],
                      "reason": p.registry.get("义务教育阶段未上学原因", ""),
                      "detail": f"{p.age}周岁，国扶办在校生状况为“{p.registry['在校生状况'] or '空'}”"})
    counts = _counts(built, rows)
    planted = {k: county.planted[k] for k in sorted(county.planted)}
    note = {
        "description": f"{facts.COUNTY}样例数据：学校、人员、号码均为虚构。planted 列出故意埋设的问题，供测试和演示核对。",
        "county": facts.COUNTY,
        "seed": seed,
        "scale": scale,
        "files": {w.path.name: {"kind": w.kind, "rows": w.rows, "sheet": w.sheet, "header_row": w.header_row}
                  for w in written},
        "counts": counts,
        "corrections": {f"{waivers.CORRECTIONS}/{corrected.path.name}": {
            "kind": corrected.kind, "rows": corrected.rows, "sheet": corrected.sheet, "header_row": corrected.header_row,
            "replaces": waivers.file_name(facts.FALL)}},
        "planted": planted,
        "roll_status_2019秋": {
            status: [_person_case(p, f"2019秋学籍状态为{status}") for p in county.students if p.fall.status == status]
            for status in ("辍学", "休学", "转出")
        },
        "returned_dropouts": [_person_case(p, "2019春辍学，经劝返已返校，列入辍学台账") for p in built.returned],
        # The 2019 retention cohort as the statistics table gives it: graduates over entrants + transfers.
        "retention_2019": stats.retention,
    }
    note_path = out_dir / NOTE_FILE
    body = json.dumps(note, ensure_ascii=False, indent=2) + "\n"
    # The answer key names the planted students by ID number: as private as the files themselves.
    write_atomic(note_path, lambda target: target.write_text(body, encoding="utf-8"), private=True)
    return SampleResult(out_dir, [w.path for w in written] + [corrected.path, note_path], counts, planted,
                        {**rows, corrected.path.name: corrected.rows})
