"""The byte-level sheet reader (ooxml_sheetscan) gives exactly what the lxml reader gives.

Randomised: sheets built from common and hostile pieces (shared and inline strings, rich runs,
entities and character references, missing or misplaced ``r`` attributes, column gaps, prefixes
declared or not, duplicate attributes, comments, CDATA, illegal characters, damage) are read
both ways and compared chunk by chunk, errors included."""

from __future__ import annotations

import random
import re
import time

import pytest

from secaudit.errors import LimitError
from secaudit.extract.base import ExtractContext
from secaudit.extract.office import ooxml_sheet, ooxml_sheetscan
from secaudit.extract.office.ooxml_sheetscan import Unusual
from secaudit.limits import Limits

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
X14AC = 'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"'
STRINGS = ["交易日期", " 账号 ", "6222 0212 3456 7897", "", "机密★10年", "a\tb"]
TEXTS = [
    "转账支出",
    "61050009869860934",
    " padded ",
    "&amp;C机密",
    "&#x4E2D;&#25991;",
    "a&lt;b&gt;c",
    "&quot;q&apos;",
    "line\r\nbreak\rx",
    "tab\there",
    "",
    "1.1010119900101E+17",
    "3",
    "-1",
    "&#13;&#10;",
    "&#0000065;",
    "é中文😀",
    "1e5",
    "1E+400",
    "0",
    " 2 ",
]
ODD_TEXTS = [
    "&#1;",
    "&foo;",
    "&#xD800;",
    "x]]>y",
    "\x01",
    "&#xFFFE;",
    "&#99999999;",
    "&#x110000;",
    "\ufffe",
    "\uffff",
]


def _pick(rng: random.Random, common: list[str], odd: list[str], hostile: float) -> str:
    return rng.choice(odd if rng.random() < hostile else common)


def _cell(rng: random.Random, row: int, col: int, hostile: float) -> str:
    ref = f"{'ABCDEFGHJ'[col % 9]}{'' if col < 9 else 'Z'}{row}"
    attrs = _pick(
        rng,
        [
            f' r="{ref}"',
            f' r="{ref}" t="s"',
            f' r="{ref}" s="1" t="inlineStr"',
            f' s="2" r="{ref}" t="n"',
            "",
            ' t="b"',
            f' r="{ref.lower()}" t="str"',
            f' r="{ref}" t=""',
            f' r="{ref}" t="e"',
            f' r="XFD{row}"',
            f' r="{ref}" cm="1"',
            f' r="{ref}" t="s" ph="1"',
            f' r="A{row}"',
        ],
        [
            f' r="{ref}" r="{ref}"',
            f' r="{ref}" x14ac:foo="1"',
            f' r="{ref}"\tt="s"',
            f" r='{ref}'",
            f' r="{ref}" t = "s"',
            f' r="{ref}" xmlns:q="u"',
            ' t="s&#10;"',
        ],
        hostile,
    )
    text = _pick(rng, TEXTS, ODD_TEXTS, hostile / 4)
    body = _pick(
        rng,
        [
            f"<v>{rng.randrange(-1, 8)}</v>",
            f"<v>{text}</v>",
            f"<is><t>{text}</t></is>",
            f'<is><t xml:space="preserve">{text}</t></is>',
            "",
            "<v></v>",
            f"<f>SUM(A1:A2)</f><v>{text}</v>",
            f'<f t="shared" si="0"/><v>{text}</v>',
            f'<f t="shared" ref="A1:A9" si="0">A1&amp;B1</f><v>{text}</v>',
        ],
        [
            f"<is><r><rPr><b/></rPr><t>{text}</t></r><r><t>二</t></r></is>",
            "<v/>",
            f'<is><t>a</t><rPh sb="0"><t>{text}</t></rPh></is>',
            f"<v><![CDATA[{text}]]></v>",
            f"<!-- c --><v>{text}</v>",
            f"<v>{text}</v><is><t>{text}</t></is>",
            "<x/>",
            f"<v>{text}</v>\n",
            f"<?pi x?><v>{text}</v>",
            f"<v>{text}<b/></v>",
        ],
        hostile,
    )
    return f"<c{attrs}/>" if not body and rng.random() < 0.5 else f"<c{attrs}>{body}</c>"


def _sheet(rng: random.Random, hostile: float) -> bytes:
    rows = []
    for r in range(1, rng.randint(0, 40)):
        cols = sorted(rng.sample(range(12), rng.randint(0, 6)))
        ra = _pick(
            rng,
            [
                f' r="{r}"',
                f' r="{r}" spans="1:5"',
                "",
                f' r="{r}" x14ac:dyDescent="0.25"',
                ' r="x"',
                f' spans="1:5" r="{r}"',
                f' r="{r + 3}"',
            ],
            [' r="²"', f' r="{r}" r="{r}"', f' r="{r}" q:x="1"', f" r='{r}'", ' r="&#50;"'],
            hostile / 4,
        )
        cells = "".join(_cell(rng, r, c, hostile / 8) for c in cols)
        sep = rng.choice(["", "\n", " ", "\r\n  "])
        rows.append(
            f"<row{ra}/>"
            if not cells and rng.random() < 0.3
            else f"<row{ra}>{sep}{cells}{rng.choice(['', sep])}</row>"
        )
    decl = rng.choice(['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', "", "\ufeff"])
    if rng.random() < hostile / 4:
        decl = rng.choice(['<?xml version="1.1"?>', '<?xml version="1.0" encoding="GBK"?>'])
    ns = rng.choice([NS, f"{NS} {X14AC}", f"{X14AC} {NS}"])
    if rng.random() < hostile / 4:
        ns = rng.choice(["", 'xmlns:x14ac=""', f'{NS} xmlns:q="{NS}"'])
    head = rng.choice(["", '<sheetPr/><dimension ref="A1:E9"/>'])
    tail = rng.choice(
        [
            "",
            '<headerFooter><oddHeader>&amp;C&amp;"宋体"机密</oddHeader>'
            "<oddFooter>&amp;R第&amp;P页</oddFooter></headerFooter>",
        ]
    )
    if rng.random() < hostile / 4:
        tail = rng.choice(["<extra>", '<row r="99"><c><v>1</v></c></row>', "<!-- <sheetData> -->"])
    xml = f"{decl}<worksheet {ns}>{head}<sheetData>{''.join(rows)}</sheetData>{tail}</worksheet>"
    data = xml.encode("utf-8")
    if rng.random() < hostile / 4:
        data = data[: rng.randrange(len(data) + 1)]  # damaged
    return data


def _both(
    data: bytes, monkeypatch: pytest.MonkeyPatch, make: type[ExtractContext] | None = None
) -> tuple[object, object, bool]:
    fast_ctx, slow_ctx = (make or ExtractContext)(), (make or ExtractContext)()
    used = []
    real_rows = ooxml_sheetscan.rows

    def rows(*args):  # type: ignore[no-untyped-def]
        used.append(True)  # the sheet was cut and its rest parsed
        try:
            yield from real_rows(*args)
        except Unusual:
            used[-1] = False
            raise

    def run(ctx: ExtractContext) -> list[tuple[object, ...]]:
        out: list[tuple[object, ...]] = []
        try:
            out.extend(
                (c.text, c.location, c.index, c.key)
                for c in ooxml_sheet._sheet_rows(data, "表", STRINGS, ctx)
            )
        except (ValueError, LimitError) as exc:  # r="²" (lxml fails too); a limit
            out.append(("raised", str(exc)))
        return out

    with monkeypatch.context() as m:
        m.setattr(ooxml_sheetscan, "rows", rows)
        fast = run(fast_ctx), [(e.reason, e.detail) for e in fast_ctx.errors]
    with monkeypatch.context() as m:
        m.setattr(ooxml_sheetscan, "split", lambda data: None)
        slow = run(slow_ctx), [(e.reason, e.detail) for e in slow_ctx.errors]
    return fast, slow, bool(used) and used[0]


@pytest.mark.parametrize("hostile", [0.0, 0.3, 1.0])
def test_fast_reader_reads_what_lxml_reads(hostile: float, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(f"sheetscan-{hostile}")
    fast_used = 0
    for _ in range(400):
        data = _sheet(rng, hostile)
        fast, slow, used = _both(data, monkeypatch)
        assert fast == slow, data
        fast_used += used
    assert fast_used > (250 if hostile == 0 else 5)  # the fast path was taken, not only lxml


def test_slices_and_late_unusual_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows read in slices; an unusual cell after many rows: lxml reads the sheet from its start."""
    monkeypatch.setattr(ooxml_sheetscan, "SLICE_CHARS", 64)
    rng = random.Random("slices")
    for _ in range(100):
        data = _sheet(rng, 0.0)
        fast, slow, _ = _both(data, monkeypatch)
        assert fast == slow
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>行{r}</t></is></c></row>'
        for r in range(1, 200)
    )
    rich = '<row r="200"><c r="A200" t="inlineStr"><is><r><t>富</t></r></is></c></row>'
    data = f"<worksheet {NS}><sheetData>{rows}{rich}</sheetData></worksheet>".encode()
    fast, slow, used = _both(data, monkeypatch)
    assert fast == slow and not used and len(fast[0]) == 200 and fast[0][-1][0] == "富"


def test_huge_sheet_same_as_lxml(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet of 200,000 cells (several slices), statement-like: read the fast way, same text."""
    rows = "".join(
        f'<row r="{r}" spans="1:5"><c r="A{r}" t="inlineStr"><is><t>2026-02-{r % 28 + 1:02d}</t>'
        f'</is></c><c r="B{r}" t="s"><v>{r % 5}</v></c><c r="C{r}"><v>{r * 7.5}</v></c>'
        f'<c r="E{r}" t="inlineStr"><is><t>6105000986986{r:04d}&#20013;</t></is></c></row>'
        for r in range(1, 50_001)
    )
    data = f"<worksheet {NS}><sheetData>{rows}</sheetData></worksheet>".encode()
    assert len(data) > ooxml_sheetscan.SLICE_CHARS * 3
    fast, slow, used = _both(data, monkeypatch)
    assert used and fast == slow and len(fast[0]) == 50_000


def test_one_odd_piece_in_a_common_sheet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each hostile piece alone in an otherwise common sheet (so nothing else sends it to lxml)."""
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>行{r}</t></is></c><c r="B{r}">'
        f"<v>{r}</v></c></row>"
        for r in range(1, 6)
    )
    odd_cells = [f"<c><v>{t}</v></c>" for t in ODD_TEXTS]
    odd_cells += [f'<c t="inlineStr"><is><t>{t}</t></is></c>' for t in ODD_TEXTS]
    odd_cells += [f"<c><f>{t}</f><v>1</v></c>" for t in ODD_TEXTS]
    odd_cells += [
        '<c r="A6" r="B6"/>', '<c r="A6" x14ac:foo="1"/>', '<c r="A6"\tt="s"><v>1</v></c>',
        "<c r='A6'/>", '<c r="A6" t = "s"/>', '<c r="A6" xmlns:q="u"/>', '<c t="s&#10;"/>',
        '<c t="inlineStr"><is><r><t>富</t></r></is></c>', "<c><v/></c>", "<c><v>1<b/></v></c>",
        '<c t="inlineStr"><is><t>a</t><rPh sb="0"><t>b</t></rPh></is></c>', "<c><x/></c>",
        "<c><v><![CDATA[1]]></v></c>", "<c><!-- c --><v>1</v></c>", "<c><?pi x?><v>1</v></c>",
        "<c><v>1</v><is><t>2</t></is></c>", "<c/><!-- x -->", "<?pi?>", "<!-- </row> -->",
        '<c r="A6" t="s"><v>&#51;</v></c>', "<c><v>&#x33;</v></c>", '<c t="s" t="n"><v>1</v></c>',
        '<c r="A6" s="1" s="2"/>', '<c><f t="shared" t="x"/><v>1</v></c>',
        '<c x14ac:a="1" x14ac:a="2"/>', '<c t="r"><v>1</v></c>', '<c t="rs" r="A6"><v>1</v></c>',
        '<c t="str" s="1"><v>1</v></c>', '<c s="1" r="C6" t="n"><v>1E3</v></c>',
    ]  # fmt: skip
    for odd in odd_cells:
        for where in ("in", "between"):
            row = f'<row r="6">{odd}</row>' if where == "in" else f'<row r="6"/>{odd}'
            xml = f"<worksheet {NS} {X14AC}><sheetData>{rows}{row}</sheetData></worksheet>"
            fast, slow, _ = _both(xml.encode("utf-8"), monkeypatch)
            assert fast == slow, xml
    row_attrs = [' r="7" r="7"', ' r="7" q:x="1"', " r='7'", ' r="&#55;"', ' r="²"', ' x="1"']
    row_attrs += [' spans="1:2" spans="1:2"', ' x14ac:d="1" d="2"', ' x14ac:d="1" x14ac:d="2"']
    for attrs in row_attrs:
        xml = f"<worksheet {NS} {X14AC}><sheetData>{rows}<row{attrs}/></sheetData></worksheet>"
        fast, slow, _ = _both(xml.encode("utf-8"), monkeypatch)
        assert fast == slow, xml


def test_limits_stop_both_readers_at_the_same_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The text budget and the time limit end the sheet where they ended it with lxml."""
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>第{r}行 6105000986986{r:04d}</t></is></c>'
        "</row>"
        for r in range(1, 400)
    )
    data = f"<worksheet {NS}><sheetData>{rows}</sheetData></worksheet>".encode()

    def small_budget() -> ExtractContext:
        return ExtractContext(limits=Limits(max_text_chars=1000))

    def out_of_time() -> ExtractContext:
        ctx = ExtractContext()
        ctx.budget.deadline = time.monotonic() - 1
        return ctx

    for make in (small_budget, out_of_time):
        fast, slow, used = _both(data, monkeypatch, make)  # type: ignore[arg-type]
        assert used and fast == slow and fast[0][-1][0] == "raised"
    assert len(_both(data, monkeypatch, small_budget)[0][0]) > 10  # type: ignore[arg-type,index]


def test_possessive_token_pattern_takes_the_same_tokens() -> None:
    """The possessive repeats of ``_TOKEN`` change only what the engine keeps to back into: its
    tokens are those of the same pattern without them, on common and hostile sheet regions."""
    pattern = ooxml_sheetscan._TOKEN.pattern
    plain = re.compile(pattern.replace(")*+", ")*").replace(")?+", ")?"), re.S)
    assert plain.pattern != pattern
    rng = random.Random("possessive")
    tokens = 0
    for i in range(600):
        xml = _sheet(rng, [0.0, 0.3, 1.0][i % 3]).decode("utf-8", "replace")
        region = xml[xml.find("<sheetData>") + 11 : xml.rfind("</sheetData>")]
        region += rng.choice(["", "<c", '<c r="A1" t="s"><v>1</v>', "<row", '<row r="1" x="'])
        got = ooxml_sheetscan._TOKEN.findall(region)
        assert got == plain.findall(region), region
        tokens += len(got)
    assert tokens > 20_000


def _split_reference(data: bytes) -> ooxml_sheetscan.Split | None:
    """:func:`ooxml_sheetscan.split` as first written: each condition tested on its own."""
    start, end = data.find(b"<sheetData>"), data.find(b"</sheetData>")
    if (
        start < 0
        or end < start
        or end - start > ooxml_sheetscan.MAX_REGION_BYTES
        or data.count(b"<sheetData") != 1
        or data.count(b"</sheetData") != 1
        or b":sheetData" in data
        or not ooxml_sheetscan._utf8_xml10(data)
    ):
        return None
    raw = data[start + 11 : end]
    if raw.translate(None, ooxml_sheetscan._CONTROL):
        return None
    try:
        region = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\ufffe" in region or "\uffff" in region or "]]>" in region:
        return None
    if len(region) >= 1_000_000 and max(map(len, region.split("<"))) >= 1_000_000:
        return None
    return ooxml_sheetscan.Split(region, data[: start + 11] + data[end:])


def test_split_cuts_where_each_condition_alone_would() -> None:
    """The one count of ``sheetData`` and the ASCII test stand in for three counts and two
    searches: the same parts are cut, the same refused."""
    rng = random.Random("split")
    odd = ["sheetData", "<sheetData", "</sheetData>", ":sheetData", "<x:sheetData/>",
           "sheetDatasheetData", "\ufffe", "\uffff", "é", "]]>", "\x01"]  # fmt: skip
    cut = refused = 0
    for i in range(1500):
        xml = _sheet(rng, [0.0, 0.3][i % 2]).decode("utf-8", "replace")
        for _ in range(rng.choice([0, 0, 1, 2])):
            at = rng.randrange(len(xml) + 1)
            xml = xml[:at] + rng.choice(odd) + xml[at:]
        data = xml.encode("utf-8")
        got, want = ooxml_sheetscan.split(data), _split_reference(data)
        assert got == want, data
        cut += got is not None
        refused += got is None
    assert cut > 300 and refused > 300
