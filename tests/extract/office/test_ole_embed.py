"""Objects embedded in legacy Office files: OLE sub-storages and PowerPoint ``ExOleObjStg``.

Containers are assembled with the test-only writer :mod:`tests.extract.cfb_writer` from real
streams of the LibreOffice-made files in ``tests/data/legacy/`` (read with olefile): a Word
report with an Excel worksheet under ``ObjectPool/_1234/``, a workbook with a Word memo under
``MBD…/``, a presentation whose ``PowerPoint Document`` stream carries compressed objects. The
samples in ``shared/samples`` hold no document with embedded objects (checked: no sub-storage
with Word/Excel/PowerPoint streams, no ``ExOleObjStg`` record), so none is read here.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterable
from pathlib import Path

import olefile

from secaudit.detect.registry import build_detectors, detect
from secaudit.extract.registry import Extraction, extract_bytes
from secaudit.limits import Limits
from secaudit.model import ErrorReason, Finding, Level, Location
from tests.extract.cfb_writer import write_compound_file

LEGACY = Path(__file__).resolve().parents[2] / "data" / "legacy"
SAMPLES = Path(__file__).resolve().parents[3] / ".." / "shared" / "samples"
BOOK = "ObjectPool/_1234/Workbook"
EX_OLE_OBJ_STG = 0x1011


def streams_of(path: Path, under: str = "", skip: Iterable[str] = ()) -> dict[str, bytes]:
    """Every stream of a real compound file, renamed into storage ``under``."""
    with olefile.OleFileIO(str(path)) as ole:
        return {
            f"{under}{'/'.join(p)}": ole.openstream(p).read()
            for p in ole.listdir()
            if p[-1] not in skip
        }


def ppt_streams(under: str = "") -> dict[str, bytes]:
    # the 588 KB thumbnail in SummaryInformation is not needed here
    return streams_of(LEGACY / "slide_top_secret.ppt", under, skip={"\x05SummaryInformation"})


def report_with(objects: dict[str, bytes]) -> bytes:
    """The GB/T 9704 ``机密★10年`` report (.doc) with extra streams (embedded objects)."""
    return write_compound_file(streams_of(LEGACY / "gbt9704_secret.doc") | objects)


def scan(data: bytes, name: str, limits: Limits | None = None) -> tuple[Extraction, list[Finding]]:
    result = extract_bytes(data, name, limits=limits)
    return result, detect(result.chunks, build_detectors())


def marks(findings: list[Finding], member: str | None) -> list[tuple[Level, Location, str]]:
    return [(f.level, f.location, f.text) for f in findings
            if f.kind == "marking" and f.member == member]


def member_texts(result: Extraction, member: str) -> list[str]:
    return [c.text for c in result.chunks if c.member == member]


def test_test_writer_makes_files_olefile_reads_strictly() -> None:
    streams = {"WordDocument": b"w" * 5000, "1Table": b"t" * 100, f"{BOOK}": b"b" * 4096,
               "ObjectPool/_1234/\x01CompObj": b"c" * 70, "A/B/empty": b""}
    data = write_compound_file(streams)
    with olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT) as ole:
        assert {"/".join(p): ole.openstream(p).read() for p in ole.listdir()} == streams


def test_excel_worksheet_in_word_report_carries_its_member_path() -> None:
    data = report_with(streams_of(LEGACY / "ids_sheet.xls", "ObjectPool/_1234/"))
    result, findings = scan(data, "季度报告.doc")
    assert result.errors == ()
    assert result.format == "doc" and result.member_formats[BOOK] == "xls"
    assert result.members == (BOOK,)
    # the report's own mark stays the report's; the worksheet's marks are the object's
    assert (Level.SECRET, Location.BODY, "机密★10年") in marks(findings, None)
    assert (Level.SECRET, Location.BODY, "机密★1年") in marks(findings, BOOK)
    assert (Level.INTERNAL, Location.SHEET_NAME, "内部") in marks(findings, BOOK)
    (ids,) = [f for f in findings if f.kind == "info_type"]
    assert (ids.type, ids.count, ids.member) == ("cn_resident_id", 15, BOOK)
    # the object's summary properties are read too (LibreOffice wrote author "openpyxl")
    props = {c.key: c.text for c in result.chunks if c.member == BOOK
             and c.location is Location.PROPERTY}
    assert props["author"] == "openpyxl"


def test_word_memo_in_workbook_keeps_header_and_footer_apart() -> None:
    member = "MBD0012A3F4/WordDocument"
    data = write_compound_file(
        streams_of(LEGACY / "register_negative.xls")
        | streams_of(LEGACY / "header_footer.doc", "MBD0012A3F4/")
    )
    result, findings = scan(data, "登记台账.xls")
    assert result.errors == () and result.format == "xls"
    assert marks(findings, None) == []  # the register itself only lists levels
    assert (Level.CONFIDENTIAL, Location.HEADER, "秘密★5年") in marks(findings, member)
    assert (Level.INTERNAL, Location.FOOTER, "内部资料") in marks(findings, member)


def test_presentation_in_word_and_object_nested_in_object() -> None:
    nested = "ObjectPool/_1/ObjectPool/_2/Workbook"
    data = report_with(
        ppt_streams("ObjectPool/_77/")
        | streams_of(LEGACY / "policy_negative.doc", "ObjectPool/_1/")
        | streams_of(LEGACY / "ids_sheet.xls", "ObjectPool/_1/ObjectPool/_2/")
    )
    result, findings = scan(data, "方案.doc")
    assert result.errors == ()
    slides = "ObjectPool/_77/PowerPoint Document"
    assert (Level.TOP_SECRET, Location.BODY, "绝密★长期") in marks(findings, slides)
    assert marks(findings, "ObjectPool/_1/WordDocument") == []  # prose about secrecy
    assert (Level.SECRET, Location.BODY, "机密★1年") in marks(findings, nested)
    assert set(result.members) == {slides, "ObjectPool/_1/WordDocument", nested}


def test_damaged_objects_are_errors_and_everything_else_is_read() -> None:
    word = streams_of(LEGACY / "header_footer.doc")
    book = streams_of(LEGACY / "ids_sheet.xls")["Workbook"]
    data = report_with({
        "ObjectPool/_666/WordDocument": b"\x00" * 600,  # no FIB
        "ObjectPool/_666/1Table": word["1Table"],
        "ObjectPool/_667/Workbook": book[:300],  # cut off inside the globals
        "ObjectPool/_667/\x01CompObj": streams_of(LEGACY / "ids_sheet.xls")["\x01CompObj"],
        "ObjectPool/_668/WordDocument": word["WordDocument"],  # its table stream is missing
    } | streams_of(LEGACY / "ids_sheet.xls", "ObjectPool/_9999/"))
    result, findings = scan(data, "报告.doc")
    errors = {e.member: e for e in result.errors}
    assert set(errors) == {"ObjectPool/_666/WordDocument", "ObjectPool/_667/Workbook",
                           "ObjectPool/_668/WordDocument"}
    assert {e.reason for e in errors.values()} == {ErrorReason.CORRUPT}
    assert "Word FIB" in errors["ObjectPool/_666/WordDocument"].detail
    assert "1Table" in errors["ObjectPool/_668/WordDocument"].detail
    # the object's user type from its CompObj stream says what could not be read
    assert "(Microsoft Excel 97-Tabelle)" in errors["ObjectPool/_667/Workbook"].detail
    assert (Level.SECRET, Location.BODY, "机密★10年") in marks(findings, None)
    assert (Level.SECRET, Location.BODY, "机密★1年") in marks(findings, "ObjectPool/_9999/Workbook")


def test_encrypted_embedded_workbook_is_an_encrypted_error() -> None:
    encrypted = streams_of(SAMPLES / "xls_encrypted_pw-password.xls")["Workbook"]
    data = report_with({BOOK: encrypted})
    result, findings = scan(data, "报告.doc")
    assert [(e.reason, e.member) for e in result.errors] == [(ErrorReason.ENCRYPTED, BOOK)]
    assert "RC4" in result.errors[0].detail
    assert member_texts(result, BOOK) == []
    assert (Level.SECRET, Location.BODY, "机密★10年") in marks(findings, None)


def test_nesting_limit_applies_to_storage_objects() -> None:
    data = report_with(streams_of(LEGACY / "ids_sheet.xls", "ObjectPool/_1234/"))
    result, _ = scan(data, "报告.doc", Limits(max_depth=0))
    assert [(e.reason, e.member) for e in result.errors] == [(ErrorReason.LIMIT, BOOK)]
    assert member_texts(result, BOOK) == []


# -- PowerPoint ExOleObjStg ---------------------------------------------------------------------


def ex_ole_obj_stg(payload: bytes, *, compressed: bool = True, declared: int | None = None,
                   body: bytes | None = None) -> bytes:
    """An ``ExOleObjStg`` record: instance 1 = size + zlib data, instance 0 = raw storage."""
    if body is None:
        size = len(payload) if declared is None else declared
        body = struct.pack("<I", size) + zlib.compress(payload) if compressed else payload
    return struct.pack("<HHI", (1 if compressed else 0) << 4, EX_OLE_OBJ_STG, len(body)) + body


def presentation_with(*records: bytes) -> bytes:
    streams = ppt_streams()
    streams["PowerPoint Document"] += b"".join(records)
    return write_compound_file(streams)


def test_powerpoint_objects_compressed_and_raw() -> None:
    xls = (LEGACY / "ids_sheet.xls").read_bytes()
    doc = (LEGACY / "header_footer.doc").read_bytes()
    data = presentation_with(ex_ole_obj_stg(xls), ex_ole_obj_stg(doc, compressed=False),
                             ex_ole_obj_stg(xls))  # old copy kept by an incremental save
    result, findings = scan(data, "灾备演练.ppt")
    assert result.errors == ()
    assert result.members == ("ExOleObjStg_1", "ExOleObjStg_2")
    assert result.member_formats["ExOleObjStg_1"] == "xls"
    assert result.member_formats["ExOleObjStg_2"] == "doc"
    assert (Level.TOP_SECRET, Location.BODY, "绝密★长期") in marks(findings, None)
    assert (Level.SECRET, Location.BODY, "机密★1年") in marks(findings, "ExOleObjStg_1")
    assert (Level.CONFIDENTIAL, Location.HEADER, "秘密★5年") in marks(findings, "ExOleObjStg_2")
    (ids,) = [f for f in findings if f.kind == "info_type"]
    assert (ids.count, ids.member) == (15, "ExOleObjStg_1")


def test_presentation_embedded_in_word_reads_its_own_objects() -> None:
    slides = ppt_streams("ObjectPool/_5/")
    slides["ObjectPool/_5/PowerPoint Document"] += ex_ole_obj_stg(
        (LEGACY / "ids_sheet.xls").read_bytes())
    result, findings = scan(report_with(slides), "报告.doc")
    assert result.errors == ()
    member = "ObjectPool/_5/PowerPoint Document/ExOleObjStg_1"
    assert (Level.SECRET, Location.BODY, "机密★1年") in marks(findings, member)


def test_compressed_object_bombs_and_damage_are_errors_with_reasons() -> None:
    zeros = b"\x00" * (8 * 1024 * 1024)  # 8 MiB → ~8 KB: ratio ~1000 > max_ratio 200
    data = presentation_with(
        ex_ole_obj_stg(b"", declared=2**31),  # claims 2 GiB
        ex_ole_obj_stg(zeros),
        ex_ole_obj_stg(zeros[: 2 * 1024 * 1024], declared=100),  # lying size header
        ex_ole_obj_stg(b"", body=struct.pack("<I", 5000) + b"not zlib data at all"),
        ex_ole_obj_stg(b"", body=b"\x01\x02"),
    )
    result, findings = scan(data, "演练.ppt")
    errors = {e.member: e for e in result.errors}
    assert errors["ExOleObjStg_1"].reason is ErrorReason.TOO_LARGE
    assert errors["ExOleObjStg_2"].reason is ErrorReason.LIMIT
    assert "ratio" in errors["ExOleObjStg_2"].detail
    assert errors["ExOleObjStg_3"].reason is ErrorReason.LIMIT
    assert "declared" in errors["ExOleObjStg_3"].detail
    assert errors["ExOleObjStg_4"].reason is ErrorReason.CORRUPT
    assert errors["ExOleObjStg_5"].reason is ErrorReason.CORRUPT
    assert len(result.errors) == 5
    assert (Level.TOP_SECRET, Location.BODY, "绝密★长期") in marks(findings, None)


def test_vba_project_storage_is_not_read_as_a_document() -> None:
    project = write_compound_file({"PROJECT": b'ID="{0}"\r\nName="VBAProject"\r\n',
                                   "VBA/dir": b"\x01" * 64, "VBA/Module1": b"\x00" * 128})
    result, _ = scan(presentation_with(ex_ole_obj_stg(project)), "宏.ppt")
    assert result.errors == ()
    assert result.members == ()


def test_scan_json_and_extract_cli_name_the_embedded_member(tmp_path: Path) -> None:
    target = tmp_path / "季度报告.doc"
    target.write_bytes(report_with(streams_of(LEGACY / "ids_sheet.xls", "ObjectPool/_1234/")))
    run = [sys.executable, "-m", "secaudit", "--home", str(tmp_path / "home")]
    scan_run = subprocess.run([*run, "scan", "--format", "json", "--role", "classified",
                               str(target)], capture_output=True, text=True, timeout=120,
                              check=False)
    assert scan_run.returncode == 0, scan_run.stderr
    (entry,) = json.loads(scan_run.stdout)["files"]
    assert entry["classification"] == "secret" and entry["errors"] == []
    by_member = {(f["kind"], f.get("type"), f["member"]) for f in entry["findings"]}
    assert ("info_type", "cn_resident_id", BOOK) in by_member
    assert ("marking", None, BOOK) in by_member and ("marking", None, None) in by_member
    shown = subprocess.run([*run, "extract", str(target)], capture_output=True, text=True,
                           timeout=120, check=False)
    assert shown.returncode == 0, shown.stderr
    assert f" {BOOK}" in shown.stdout and "客户明细（内部）" in shown.stdout
