"""Self-inspection scoring: checklist answers, automatic checks, score and verdict.

Graded the way the bank's self-assessment standard (自查自评) grades::

    score   = 100 × Σ(weight × result) / Σ weight      (result 0…1; "不适用" items left out)
    verdict = 达标 (meets)            score ≥ 90
              基本达标 (largely meets) 75 ≤ score < 90
              不达标 (fails)           score < 75
    veto    = a critical violation found by the inspection (classified file on an internet PC,
              a classified PC connected to the internet …) makes it 不达标 whatever the score
              (一票否决).

Unanswered manual items count as 0. Pure functions, no I/O except ``load_answers`` and ``ask``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from secaudit.errors import UsageError

MEETS, LARGELY, FAILS = 90.0, 75.0, 0.0
VERDICT_ZH = {"meets": "达标", "largely_meets": "基本达标", "fails": "不达标"}
GRADING_ZH = (
    "得分 = Σ(分值权重 × 得分率) ÷ Σ分值权重 × 100（“不适用”项不计入，未作答按 0 分）；"
    "≥ 90 分为达标，75–90 分为基本达标，< 75 分为不达标；"
    "自查发现严重违规（如互联网计算机存储涉密文件、涉密计算机违规外联）的一票否决，评为不达标。"
)
_ANSWERS = {
    "yes": "yes",
    "y": "yes",
    "是": "yes",
    "符合": "yes",
    "true": "yes",
    "no": "no",
    "n": "no",
    "否": "no",
    "不符合": "no",
    "false": "no",
    "na": "na",
    "n/a": "na",
    "不适用": "na",
    "无": "na",
}


@dataclass(frozen=True)
class AutoCheck:
    """One automatic check: ``result`` is 0…1, or ``None`` when there was nothing to check
    (left out of the score like a manual ``na`` item, and shown as 未检查 with the reason)."""

    id: str
    title: str
    weight: int
    result: float | None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "weight": self.weight,
            "score": None if self.result is None else round(self.result, 3),
            "note": self.note,
        }


@dataclass(frozen=True)
class Grade:
    score: float
    verdict: str
    veto: str | None

    @property
    def verdict_text(self) -> str:
        return f"{VERDICT_ZH[self.verdict]} ({self.verdict.replace('_', ' ')})"


def normalise_answer(value: Any, item_id: str) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    answer = _ANSWERS.get(str(value).strip().lower())
    if answer is None:
        raise UsageError(f"checklist item {item_id}: answer {value!r} is not yes / no / na")
    return answer


def load_answers(path: Path) -> dict[str, dict[str, str]]:
    """``{item id: {"answer": yes|no|na, "note": str}}`` from a YAML or JSON file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read checklist answers {path}: {exc}") from exc
    if isinstance(raw, dict) and isinstance(raw.get("answers"), dict):
        raw = raw["answers"]
    if not isinstance(raw, dict):
        raise UsageError(f"{path}: expected a mapping of checklist item id to answer")
    out: dict[str, dict[str, str]] = {}
    for item_id, value in raw.items():
        note = ""
        if isinstance(value, dict):
            note = str(value.get("note") or "")
            value = value.get("answer")
        out[str(item_id)] = {"answer": normalise_answer(value, str(item_id)), "note": note}
    return out


def ask(
    items: Iterable[Any], read: Callable[[str], str] = input, write: Callable[[str], None] = print
) -> dict[str, dict[str, str]]:
    """Ask each checklist item on the terminal (Chinese prompts)."""
    out: dict[str, dict[str, str]] = {}
    for item in items:
        write(f"\n【{item.id}】{item.category}：{item.question}")
        if getattr(item, "hint", ""):
            write(f"  提示：{item.hint}")
        while True:
            reply = read("  请回答 是(y) / 否(n) / 不适用(na)：").strip()
            try:
                answer = normalise_answer(reply, item.id)
                break
            except UsageError:
                write("  无法识别，请输入 y、n 或 na。")
        out[item.id] = {"answer": answer, "note": read("  备注（可留空）：").strip()}
    return out


def manual_rows(items: Iterable[Any], answers: Mapping[str, Mapping[str, str]]) -> list[dict]:
    """The checklist with answers (unknown answer ids are an error: typos must not pass)."""
    items = list(items)
    known = {i.id for i in items}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise UsageError(f"answers name unknown checklist items: {', '.join(unknown)}")
    return [
        {
            "id": i.id,
            "category": i.category,
            "question": i.question,
            "weight": i.weight,
            "answer": (answers.get(i.id) or {}).get("answer"),
            "note": (answers.get(i.id) or {}).get("note", ""),
        }
        for i in items
    ]


def grade(
    automatic: Iterable[AutoCheck],
    manual: Iterable[Mapping[str, Any]],
    critical: Iterable[str] = (),
) -> Grade:
    total = earned = 0.0
    for a in automatic:
        if a.result is None:
            continue
        total += a.weight
        earned += a.weight * max(0.0, min(1.0, a.result))
    for m in manual:
        if m.get("answer") == "na":
            continue
        total += float(m.get("weight") or 0)
        earned += float(m.get("weight") or 0) if m.get("answer") == "yes" else 0.0
    score = round(100.0 * earned / total, 1) if total else 0.0
    verdict = "meets" if score >= MEETS else "largely_meets" if score >= LARGELY else "fails"
    crit = sorted(set(critical))
    veto = f"一票否决：{'、'.join(crit)}" if crit else None
    return Grade(score, "fails" if veto else verdict, veto)
