"""Generator of the labelled accuracy corpus (markings + info types, every format).

``cases()`` lists deterministic case builders; ``generate(outdir, step=1)`` writes every
``step``-th case and returns its :class:`Label` (expected classification, expected distinct
info-type counts, hard-negative flag, category). ``labels.json`` is written beside the files.

Run ``python -m tests.corpus.generate DIR`` to inspect the corpus.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tests.corpus import numbers as num
from tests.corpus import texts as tx
from tests.corpus.formats import EXTENSION, Doc, render, write_eml, write_targz, write_zip

RANK = {
    lv: i
    for i, lv in enumerate(
        (
            "none",
            "internal",
            "commercial",
            "core_commercial",
            "confidential",
            "secret",
            "top_secret",
        )
    )
}


@dataclass
class Label:
    name: str
    level: str
    info: dict[str, int] = field(default_factory=dict)
    hard_negative: bool = False
    category: str = ""


@dataclass
class Built:
    """A generated file: bytes + expected results."""

    name: str
    data: bytes
    level: str = "none"
    info: dict[str, int] = field(default_factory=dict)


Case = Callable[[], tuple[Built, bool, str]]


def _ext(fmt: str) -> str:
    return EXTENSION.get(fmt, fmt)


def _body(rng: random.Random, n: int = 4, prose: tuple[str, ...] = tx.NEUTRAL) -> list[str]:
    return [rng.choice(tx.TITLES), *rng.sample(prose, min(n, len(prose)))]


def _customers(
    rng: random.Random, k: int, *, keywords: bool = True
) -> tuple[list[list[str]], dict]:
    """A customer table: k rows of ID, card, mobile; a credit code per 3 rows."""
    head = ["姓名", "身份证号", "卡号", "手机"] if keywords else ["姓名", "编号A", "编号B", "编号C"]
    rows, ids, cards, mobiles = [head], set(), set(), set()
    for i in range(k):
        rid, card, mob = num.resident_id(rng), num.bank_card(rng), num.mobile(rng)
        shown = num.grouped(card) if i % 3 == 1 else card
        ids.add(rid), cards.add(card), mobiles.add(mob)
        mob_shown = f"{mob[:3]}-{mob[3:7]}-{mob[7:]}" if i % 4 == 3 else mob
        rows.append([f"客户{i}", rid, shown, mob_shown])
    info = {"cn_resident_id": len(ids), "bank_card": len(cards), "cn_mobile": len(mobiles)}
    return rows, info


def _hard_numbers(rng: random.Random) -> list[list[str]]:
    """Numbers that must not count: bad check digits, order numbers, timestamps, masked phones."""
    rows = [["类型", "号码"]]
    for _ in range(3):
        rows.append(["订单号", "".join(str(rng.randrange(10)) for _ in range(20))])
        rows.append(["流水号", f"2024{rng.randrange(10**15):015d}X"])
        rows.append(["证件(错)", num.bad_resident_id(rng)])
        rows.append(["卡(错)", num.bad_bank_card(rng)])
        rows.append(["代码(错)", num.bad_credit_code(rng)])
        rows.append(
            ["时间戳", f"20240{rng.randrange(1, 10)}1{rng.randrange(10)}12304{rng.randrange(10)}"]
        )
        rows.append(["工号", f"10{rng.randrange(10**9):09d}"])
        rows.append(["座机", f"010-{rng.randrange(10**7, 10**8)}"])
        rows.append(["掩码", f"138****{rng.randrange(1000, 9999)}"])
        rows.append(["毫秒", str(1700000000000 + rng.randrange(10**9))])
        rows.append(["编码", "ID" + num.resident_id(rng)])
    return rows


def marked_doc(level: str, style: str, rng: random.Random, where: str = "first") -> Doc:
    mark = tx.star_mark(level, rng, style=style)
    body = _body(rng, 4, tx.NEUTRAL + tx.SECRECY_PROSE[:4])
    if where == "first":
        return Doc(lines=[mark, *body])
    if where == "fenhao":
        return Doc(lines=[f"{rng.randrange(1, 999):06d}", mark, "特急", *body])
    if where == "top_right":
        return Doc(lines=[f"{rng.randrange(1, 999):06d}        {mark}", *body])
    if where == "split":
        return Doc(lines=[tx.star_mark(level, rng, style="standard"), *body], split_first=True)
    if where == "header":
        return Doc(lines=body, header=mark)
    if where == "footer":
        return Doc(lines=body, footer=mark)
    if where == "cell":
        mark = tx.star_mark(level, rng, style="standard")
        return Doc(lines=body, table=[[mark, "特急"], ["", "办公室"]], table_first=True)
    if where == "textbox":
        return Doc(lines=body, textbox=tx.star_mark(level, rng, style="standard"))
    if where == "custom":
        return Doc(lines=body, props={"密级": tx.star_mark(level, rng, style="bare")})
    if where == "keywords":
        return Doc(lines=body, core={"keywords": f"{rng.choice(tx.LEVEL_WORDS[level])};报告"})
    raise ValueError(where)


WHERE_FORMATS = {
    "first": ("txt", "txt_gbk", "txt_utf16", "docx", "xlsx", "pptx", "pdf", "ofd", "rtf", "html"),
    "fenhao": ("txt", "docx", "pdf", "ofd", "rtf", "html"),
    "top_right": ("txt", "txt_gbk", "pdf"),
    "split": ("docx",),
    "header": ("docx", "xlsx"),
    "footer": ("docx", "xlsx"),
    "cell": ("docx", "xlsx"),
    "textbox": ("docx", "pptx"),
    "custom": ("docx", "xlsx", "ofd"),
    "keywords": ("docx", "xlsx", "pptx"),
}


def _positive_cases(rng: random.Random) -> list[Case]:
    out: list[Case] = []
    for where, fmts in WHERE_FORMATS.items():
        for j, fmt in enumerate(fmts):
            for k in range(2 if where in ("first", "fenhao") else 3):
                level = tx.LEVELS[(j + k * 3 + len(where)) % len(tx.LEVELS)]
                style = tx.STYLES[(j * 3 + k) % len(tx.STYLES)] if where == "first" else "standard"
                if where in ("header", "footer", "fenhao", "top_right") and k == 1:
                    style = "bare"
                if fmt == "txt_gbk" and style in ("hollow",):
                    style = "standard"
                out.append(_doc_case(where, fmt, level, style, rng.randrange(10**9)))
    return out


def _doc_case(where: str, fmt: str, level: str, style: str, seed: int) -> Case:
    def build() -> tuple[Built, bool, str]:
        rng = random.Random(seed)
        doc = marked_doc(level, style, rng, where)
        info: dict[str, int] = {}
        if rng.random() < 0.3 and fmt not in ("pptx",):
            rows, info = _customers(rng, rng.randrange(2, 6))
            doc.table = doc.table + rows if where != "cell" else doc.table
            if where == "cell":
                info = {}
        name = f"p_{where}_{fmt}_{seed % 100000}.{_ext(fmt)}"
        return Built(name, render(doc, fmt), level, info), False, f"mark:{where}"

    return build


def _name_cases(rng: random.Random) -> list[Case]:
    forms = ("（{w}）{t}", "({w}){t}", "【{w}】{t}", "[{w}]{t}", "{w}-{t}", "{w}_{t}")
    out = []
    for i in range(24):
        level = tx.LEVELS[i % len(tx.LEVELS)]
        fmt = ("docx", "txt", "pdf", "xlsx", "ofd", "html")[i % 6]
        out.append(_name_case(level, forms[i % len(forms)], fmt, rng.randrange(10**9)))
    return out


def _name_case(level: str, form: str, fmt: str, seed: int) -> Case:
    def build() -> tuple[Built, bool, str]:
        rng = random.Random(seed)
        word = rng.choice(tx.LEVEL_WORDS[level])
        name = form.format(w=word, t=f"2024年计划{seed % 1000}") + f".{_ext(fmt)}"
        return Built(name, render(Doc(lines=_body(rng)), fmt), level), False, "mark:filename"

    return build


def _container_cases(rng: random.Random) -> list[Case]:
    return [_container_case(i, tx.LEVELS[i % 6], rng.randrange(10**9)) for i in range(36)]


def _container_case(i: int, level: str, seed: int) -> Case:
    def build() -> tuple[Built, bool, str]:
        rng = random.Random(seed)
        kind = ("zip", "targz", "eml_attach", "eml_subject", "zip_name", "eml_clean")[i % 6]
        inner_fmt = ("docx", "txt_gbk", "pdf", "xlsx", "ofd", "rtf")[(i // 6) % 6]
        marked = marked_doc(level, "standard", rng, "first")
        clean = Doc(lines=_body(rng))
        info: dict[str, int] = {}
        if i % 4 == 0:
            rows, info = _customers(rng, 3)
            clean.table = rows
        a = (f"附件{i}.{_ext(inner_fmt)}", render(marked, inner_fmt))
        b = (f"说明{i}.{_ext(inner_fmt)}", render(clean, inner_fmt))
        lv = level
        if kind == "zip":
            data, name = write_zip([a, b]), f"资料{i}.zip"
        elif kind == "targz":
            data, name = write_targz([a, b]), f"备份{i}.tar.gz"
        elif kind == "zip_name":
            mark_name = f"（{rng.choice(tx.LEVEL_WORDS[level])}）名单{i}.{_ext(inner_fmt)}"
            inner = write_zip([(mark_name, b[1])])
            data, name = write_zip([(f"子包{i}.zip", inner)]), f"汇总{i}.zip"
        elif kind == "eml_attach":
            data, name = write_eml(f"转发：资料{i}", "请查收附件。", [a, b], "gbk"), f"邮件{i}.eml"
        elif kind == "eml_subject":
            word = rng.choice(tx.LEVEL_WORDS[level])
            data = write_eml(f"【{word}】关于第{i}期工作安排", "详见附件。", [b])
            name = f"邮件{i}.eml"
        else:
            body = "CONFIDENTIAL: This e-mail and any attachments are confidential.\n请查收。"
            data, name, lv = write_eml(f"关于保密工作的通知{i}", body, [b]), f"通知{i}.eml", "none"
        return Built(name, data, lv, info), lv == "none", f"container:{kind}"

    return build


def _negative_cases(rng: random.Random) -> list[Case]:
    fmts = ("txt", "txt_gbk", "docx", "xlsx", "pptx", "pdf", "ofd", "rtf", "html", "txt_utf16")
    return [_negative_case(i, fmts[i % len(fmts)], rng.randrange(10**9)) for i in range(120)]


def _negative_case(i: int, fmt: str, seed: int) -> Case:
    def build() -> tuple[Built, bool, str]:
        rng = random.Random(seed)
        title = rng.choice(tx.NEG_TITLES)
        lines = [title, *rng.sample(tx.SECRECY_PROSE, 5)]
        kind = i % 5
        doc = Doc(lines=lines)
        if kind == 1:
            doc.lines = [title, *tx.NEG_SPECIAL[i % len(tx.NEG_SPECIAL)], *lines[1:3]]
        elif kind == 2:
            doc.table = [["系统名称", "类别"]] + [
                [f"系统{j}", rng.choice(("内部", "外部"))] for j in range(6)
            ]
        elif kind == 3:
            doc.table = _hard_numbers(rng)
        elif kind == 4:
            doc.core = {"title": title, "subject": "保密工作", "keywords": "保密;内部控制"}
            doc.props = {"密级": "公开"}
        name = f"{title}_{i}.{_ext(fmt)}"
        return Built(name, render(doc, fmt), "none"), True, f"negative:{kind}"

    return build


FORM_WORD = dict(
    zip(tx.LEVELS, ("绝密", "机密", "秘密", "核心商密", "普通商密", "内部"), strict=True)
)
FORM_FORMATS = ("docx", "xlsx", "txt", "txt_gbk", "pdf", "html", "ofd", "rtf")


def form_doc(
    options: tuple[str, ...], ticked: set[str], style: str, where: str, rng: random.Random
) -> Doc:
    """A form whose 密级 row ticks ``ticked``: a line, a table cell, or one cell per option."""
    fields = list(rng.sample(tx.FORM_FIELDS, 3))
    lines = [rng.choice(tx.FORM_TITLES), *fields]
    if where == "line":
        return Doc(
            lines=[*lines, f"密级：{tx.ticked_row(options, ticked, style)}", "保密期限：10年"]
        )
    if where == "cell":
        return Doc(lines=lines, table=[["密级", tx.ticked_row(options, ticked, style)]])
    return Doc(lines=lines, table=[["密级", *tx.ticked_cells(options, ticked, style)]])


def _form_cases(rng: random.Random) -> list[Case]:
    out = [_form_case(i, rng.randrange(10**9)) for i in range(30)]
    return out + [_form_negative(i, rng.randrange(10**9)) for i in range(16)]


def _form_style(i: int, fmt: str) -> str:
    styles = tx.GBK_TICK_STYLES if fmt in ("txt_gbk", "pdf") else tuple(tx.TICK_STYLES)
    return styles[i % len(styles)]


def _form_case(i: int, seed: int) -> Case:
    def build() -> tuple[Built, bool, str]:
        rng = random.Random(seed)
        level = tx.LEVELS[i % len(tx.LEVELS)]
        fmt = FORM_FORMATS[i % len(FORM_FORMATS)]
        where = ("line", "cell", "cells")[i % 3]
        style = _form_style(i, fmt)
        doc = form_doc(tx.form_options(level), {FORM_WORD[level]}, style, where, rng)
        name = f"form_{where}_{fmt}_{i}.{_ext(fmt)}"
        return Built(name, render(doc, fmt), level), False, f"mark:form_{where}"

    return build


def _form_negative(i: int, seed: int) -> Case:
    """Blank forms, two ticks, a specimen row, a ■ bullet in prose: no mark."""

    def build() -> tuple[Built, bool, str]:
        rng = random.Random(seed)
        fmt = FORM_FORMATS[i % len(FORM_FORMATS)]
        options = (tx.STATE_OPTIONS, tx.COMMERCIAL_OPTIONS)[i % 2]
        style = _form_style(i, fmt)
        kind = ("blank", "two", "example", "bullet")[i % 4]
        if kind == "blank":
            doc = form_doc(options, set(), style, ("line", "cell", "cells")[i % 3], rng)
        elif kind == "two":
            doc = form_doc(options, set(options[:2]), style, ("line", "cell", "cells")[i % 3], rng)
        elif kind == "example":
            row = tx.ticked_row(options, {options[1]}, style)
            doc = Doc(lines=["定密审批表填写说明", f"填写示例：{row}", "保密期限按规定填写。"])
        else:
            doc = Doc(lines=["保密工作要点", f"■ {options[1]}文件要专柜存放，不得带出办公场所。"])
        name = f"form_neg_{kind}_{fmt}_{i}.{_ext(fmt)}"
        return Built(name, render(doc, fmt), "none"), True, f"negative:form_{kind}"

    return build


def _info_cases(rng: random.Random) -> list[Case]:
    fmts = ("xlsx", "docx", "txt", "pdf", "html", "txt_gbk", "ofd", "rtf")
    return [_info_case(i, fmts[i % len(fmts)], rng.randrange(10**9)) for i in range(48)]


def _info_case(i: int, fmt: str, seed: int) -> Case:
    def build() -> tuple[Built, bool, str]:
        rng = random.Random(seed)
        rows, info = _customers(rng, rng.randrange(3, 12), keywords=i % 3 != 0)
        lines = ["客户信息表", "以下为本月新开户客户。"]
        if i % 2 == 0:
            codes = {num.credit_code(rng) for _ in range(rng.randrange(1, 4))}
            lines += [f"统一社会信用代码：{c}" for c in sorted(codes)]
            info["cn_uscc"] = len(codes)
        doc = Doc(lines=lines, table=rows + _hard_numbers(rng)[: 1 + i % 12])
        return Built(f"客户信息_{i}.{_ext(fmt)}", render(doc, fmt), "none", info), False, "info"

    return build


def cases() -> list[Case]:
    rng = random.Random(20241129)
    groups = [
        _positive_cases(rng),
        _name_cases(rng),
        _container_cases(rng),
        _negative_cases(rng),
        _info_cases(rng),
    ]
    groups.append(_form_cases(random.Random(20260301)))  # own seed: earlier cases unchanged
    return [c for g in groups for c in g]


def generate(outdir: Path, step: int = 1) -> list[Label]:
    outdir.mkdir(parents=True, exist_ok=True)
    labels = []
    for built, hard, category in (case() for case in cases()[::step]):
        (outdir / built.name).write_bytes(built.data)
        info = {k: v for k, v in built.info.items() if v}
        labels.append(Label(built.name, built.level, info, hard, category))
    names = [lb.name for lb in labels]
    assert len(names) == len(set(names)), "duplicate corpus file names"
    (outdir / "labels.json").write_text(
        json.dumps([asdict(lb) for lb in labels], ensure_ascii=False, indent=1), "utf-8"
    )
    return labels


if __name__ == "__main__":
    got = generate(Path(sys.argv[1]))
    print(f"{len(got)} files, {sum(lb.hard_negative for lb in got)} hard negatives")
