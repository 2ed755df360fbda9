"""The ledger checks a task can be tied to, by name: what each is called and which words in a task call for it.

The importer ties a new task to the check its words call for; the runners that ask the ledger are in
`checks/tasks/checks.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from jiaoyu_fupin.core.names import text_key


@dataclass(frozen=True)
class Check:
    name: str
    title: str
    words: tuple[str, ...]  # a task whose text has one of these gets the check when imported


CHECKS = {
    "subsidy": Check("subsidy", "资助应助尽助（资助核对无漏发）", ("资助全覆盖", "应助尽助", "全覆盖无遗漏")),
    "pairing": Check("pairing", "一生一责任人（结对检查无未结对）",
                     ("都有帮扶责任人", "一生一责任人", "每个贫困家庭学生有帮扶责任人")),
}


def check_for(content: str) -> str | None:
    """The check a task's words call for, if any."""
    key = text_key(content)
    return next((c.name for c in CHECKS.values() if any(text_key(w) in key for w in c.words)), None)
