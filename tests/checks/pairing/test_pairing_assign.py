"""`fupin pair assign`: class teachers first, then the least loaded, never over the limit; --dry-run writes nothing."""

from __future__ import annotations

import json
from datetime import date

from helpers.files import make_id
from helpers.ledger import query
from helpers.pairing_ledger import LI, PairingCounty

ZHOU = make_id(date(2007, 2, 2), 71)
WU = make_id(date(2007, 3, 3), 81)
ZHENG = make_id(date(2006, 9, 9), 91)


def _county() -> PairingCounty:
    """城关中学: 张一 (7-1) with 王老师, 王三 (8-2) with 刘老师, 吴校长 unpaired; 吴八, 周七, 李二 (7-1) and 郑九 (8-2)
    unpaired."""
    pairing_county = PairingCounty()
    pairing_county.students.update({"周七": (ZHOU, "城关中学", "初中", "七年级", "1班", "建档立卡"),
                            "吴八": (WU, "城关中学", "初中", "七年级", "1班", "建档立卡"),
                            "郑九": (ZHENG, "城关中学", "初中", "八年级", "2班", "建档立卡")})
    pairing_county.pairs = [p for p in pairing_county.pairs if p[1] != "李二"]
    pairing_county.activities = []
    return pairing_county


def _pairs(db) -> dict[str, list[str]]:
    rows = query(db, "SELECT h.helper_code, s.name FROM pairings p JOIN helpers h ON h.id = p.helper_id "
                     "JOIN students s ON s.id = p.student_id ORDER BY h.helper_code, s.name")
    found: dict[str, list[str]] = {}
    for code, name in rows:
        found.setdefault(code, []).append(name)
    return found


def test_class_teachers_first_then_least_loaded_within_the_limit(cli, tmp_path):
    _county().load(cli, tmp_path / "in")
    before = cli.counts()
    result = cli("pair", "assign", "--school", "城关中学", "--term", "2019秋", "--as-of", "2019-10-08",
                 "--max-per-helper", "2", "--dry-run")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if "班" in line and "│" in line]
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in lines]
    assert [(c[2], c[4], c[6], c[7]) for c in cells] == [
        ("吴八", "王老师", "本班老师", "2"), ("周七", "吴校长", "本校负担最轻", "1"), ("李二", "吴校长", "本班老师", "2"),
        ("郑九", "刘老师", "本班老师", "2")]
    assert f"{LI[:6]}********{LI[-4:]}" in result.stdout and LI not in result.stdout
    assert "试分配（--dry-run）：推荐 4 对，台账没有任何改动。" in result.stdout
    assert cli.counts() == before

    result = cli("pair", "assign", "--school", "城关中学", "--term", "2019秋", "--as-of", "2019-10-08",
                 "--max-per-helper", "2")
    assert result.exit_code == 0, result.output
    assert "已写入 4 对结对关系，结对日期 2019-10-08" in result.stdout
    pairs = _pairs(cli.db)
    assert pairs["T0001"] == ["吴八", "张一"] and pairs["L0001"] == ["周七", "李二"] and pairs["T0002"] == ["王三", "郑九"]
    assert max(len(v) for v in pairs.values()) <= 2
    batches = json.loads(cli("batches", "--json").stdout)
    assert batches[0]["kind"] == "pair_assign" and batches[0]["rows"] == 4 and batches[0]["term"] == "2019秋"
    after = json.loads(cli("pair", "check", "--term", "2019秋", "--as-of", "2019-10-08", "--json").stdout)
    assert after["summary"]["unpaired"] == 0


def test_students_nobody_can_take_are_listed_and_exit_1(cli, tmp_path):
    _county().load(cli, tmp_path / "in")
    result = cli("pair", "assign", "--school", "城关中学", "--term", "2019秋", "--as-of", "2019-10-08",
                 "--max-per-helper", "1")
    assert result.exit_code == 1, result.output
    assert "已写入 1 对结对关系" in result.stdout
    assert result.stdout.count("本校责任人都已结对 1 名学生") == 3
    assert "有 3 名学生找不到可用的责任人" in result.output
    assert all(len(v) <= 1 for v in _pairs(cli.db).values())


def test_nothing_to_assign(cli, tmp_path):
    PairingCounty().load(cli, tmp_path / "in")
    result = cli("pair", "assign", "--school", "城关中学", "--term", "2019秋", "--as-of", "2019-10-08")
    assert result.exit_code == 0
    assert result.stdout.strip() == "城关中学在 2019秋 没有未结对的建档立卡学生。"


def test_assign_misuse(cli, tmp_path):
    PairingCounty().load(cli, tmp_path / "in")
    assert cli("pair", "assign", "--term", "2019秋").exit_code == 2
    result = cli("pair", "assign", "--school", "不存在", "--term", "2019秋")
    assert result.exit_code == 2 and "不在台账的学校名单中" in result.output
