"""The ledger's settings (`fupin config`), and the sign-off lines they fill at the foot of a report sent upward.

A county writes its reporting unit once (`fupin config set unit 建始县教育局`, or `[report]` in its policy file)
and every monthly report, year-end summary and rates workbook ends with 填报单位（盖章）/ 填报人 / 审核人 /
联系电话 / 填报日期. A line the ledger has no value for is left blank, for the pen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, delete, insert, select, update

from jiaoyu_fupin.core.policy import KEYS
from jiaoyu_fupin.core.problems import ClerkError
from jiaoyu_fupin.store.models import Setting

_BY_TITLE = {title: key for key, title in KEYS.items()}
_BLANK = "　" * 5  # room to write by hand
MAX_LENGTH = 60


class SettingError(ClerkError):
    """An unknown setting or an unusable value; Chinese message and hint."""


def key_of(name: str) -> str:
    """The setting `name` means: its key (unit) or its Chinese title (填报单位)."""
    name = name.strip()
    key = name if name in KEYS else _BY_TITLE.get(name)
    if key is None:
        known = "、".join(f"{k}（{t}）" for k, t in KEYS.items())
        raise SettingError(f"没有“{name}”这项设置", f"可以设置的项：{known}")
    return key


def read(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(select(Setting.key, Setting.value)).all())


def write(conn: Connection, name: str, value: str) -> str:
    """Set `name` to `value`; returns the key."""
    key = key_of(name)
    value = value.strip()
    if not value or len(value) > MAX_LENGTH or "\n" in value:
        raise SettingError(f"{KEYS[key]}的值不能用：“{value[:MAX_LENGTH]}”",
                           f"请写一行不超过 {MAX_LENGTH} 个字的文字；要清除这项设置请用 fupin config unset {key}")
    now = datetime.now(UTC)
    if conn.execute(select(Setting.key).where(Setting.key == key)).first():
        conn.execute(update(Setting).where(Setting.key == key).values(value=value, updated_at=now))
    else:
        conn.execute(insert(Setting).values(key=key, value=value, updated_at=now))
    return key


def remove(conn: Connection, name: str) -> bool:
    """Clear `name`; True when it had a value."""
    return conn.execute(delete(Setting).where(Setting.key == key_of(name))).rowcount > 0


def fill_missing(conn: Connection, values: dict[str, str]) -> list[str]:
    """Write the values a policy file gives for settings the ledger does not have yet (what `fupin config set`
    wrote stays); returns the keys written."""
    have = read(conn)
    written = [key_of(name) for name, value in values.items() if key_of(name) not in have and str(value).strip()]
    for name, value in values.items():
        if key_of(name) in written:
            write(conn, name, str(value))
    return written


@dataclass(frozen=True)
class SignOff:
    unit: str = ""
    preparer: str = ""
    reviewer: str = ""
    phone: str = ""

    def groups(self, day: date) -> list[list[str]]:
        """The sign-off items, 填报日期 being `day` (the day the workbook is made): the unit and the date, then the
        people; a narrow table prints each group on its own line."""
        return [[f"填报单位（盖章）：{self.unit or _BLANK}", f"填报日期：{day.year}年{day.month}月{day.day}日"],
                [f"填报人：{self.preparer or _BLANK}", f"审核人：{self.reviewer or _BLANK}",
                 f"联系电话：{self.phone or _BLANK}"]]


def sign_off(ledger) -> SignOff:
    with ledger.engine.connect() as conn:
        return SignOff(**{k: v for k, v in read(conn).items() if k in KEYS})
