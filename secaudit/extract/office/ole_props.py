"""OLE property sets: SummaryInformation and DocumentSummaryInformation (incl. user-defined).

olefile reads only the first section of a property set and leaves 8-bit strings undecoded, but
Chinese offices keep the custom property ``密级`` in the *second* section of
``\\x05DocumentSummaryInformation`` (FMTID_UserDefinedProperties, names in its dictionary), and
write 8-bit strings in the code page of property 1 (936 = GBK, 950 = Big5). This small parser
(MS-OLEPS) reads every section, decodes strings with the set's code page and returns
``{name: text}`` for the properties secaudit examines.

LibreOffice, saving a document that came from OOXML, writes core properties that have no OLE id
(category, content status…) as user-defined ``OOXMLCoreProperty<Name>``; those are returned under
the well-known lower-case name (``category``) unless the set already has that name.
"""

from __future__ import annotations

import struct

SUMMARY_NAMES = {2: "title", 3: "subject", 4: "author", 5: "keywords", 6: "comments"}
DOC_SUMMARY_NAMES = {2: "category", 14: "manager", 15: "company"}
_VT_I2, _VT_I4, _VT_LPSTR, _VT_LPWSTR, _VT_BOOL = 2, 3, 30, 31, 11
_OOXML_CORE_PREFIX = "OOXMLCoreProperty"
_CODEPAGES = {936: "gb18030", 950: "cp950", 1200: "utf-16-le", 65001: "utf-8", 932: "cp932"}


def read_property_set(data: bytes, names: dict[int, str]) -> dict[str, str]:
    """Named properties of every section: well-known ids via ``names``, user ones by name."""
    out: dict[str, str] = {}
    if len(data) < 28:
        return out
    (count,) = struct.unpack_from("<I", data, 24)
    for i in range(min(count, 4)):
        entry = 28 + i * 20
        if entry + 20 > len(data):
            break
        (offset,) = struct.unpack_from("<I", data, entry + 16)
        section = _section(data, offset)
        dictionary = section.pop(0, None)
        labels = dictionary if isinstance(dictionary, dict) else names
        for prop_id, value in section.items():
            label = labels.get(prop_id)
            if label and isinstance(value, str) and value.strip():
                out[label] = value.strip().rstrip("\x00").strip()
    return _rename_ooxml_core(out)


def _rename_ooxml_core(props: dict[str, str]) -> dict[str, str]:
    """``OOXMLCorePropertyCategory`` → ``category`` (LibreOffice's way of keeping OOXML ones)."""
    out: dict[str, str] = {}
    for label, value in props.items():
        if label.startswith(_OOXML_CORE_PREFIX) and len(label) > len(_OOXML_CORE_PREFIX):
            plain = label[len(_OOXML_CORE_PREFIX) :].lower()
            if plain not in props:
                label = plain
        out.setdefault(label, value)
    return out


def _section(data: bytes, start: int) -> dict[int, object]:
    if start + 8 > len(data):
        return {}
    size, count = struct.unpack_from("<II", data, start)
    end = min(start + size, len(data))
    offsets: list[tuple[int, int]] = []
    for i in range(min(count, 4096)):
        pos = start + 8 + i * 8
        if pos + 8 > end:
            break
        offsets.append(struct.unpack_from("<II", data, pos))
    codepage = 1252
    for prop_id, off in offsets:
        if prop_id == 1 and start + off + 6 <= end:
            codepage = struct.unpack_from("<h", data, start + off + 4)[0] & 0xFFFF
    encoding = _CODEPAGES.get(codepage, f"cp{codepage}")
    out: dict[int, object] = {}
    for prop_id, off in offsets:
        pos = start + off
        try:
            out[prop_id] = (_dictionary(data, pos, end, encoding) if prop_id == 0
                            else _value(data, pos, end, encoding))
        except (struct.error, LookupError, ValueError):
            continue
    return out


def _value(data: bytes, pos: int, end: int, encoding: str) -> object:
    (vtype,) = struct.unpack_from("<H", data, pos)
    pos += 4
    if vtype == _VT_LPSTR:
        (size,) = struct.unpack_from("<I", data, pos)
        raw = data[pos + 4 : min(pos + 4 + size, end)]
        if encoding == "utf-16-le":
            return raw.decode(encoding, "replace").split("\x00", 1)[0]
        return raw.split(b"\x00", 1)[0].decode(encoding, "replace")
    if vtype == _VT_LPWSTR:
        (chars,) = struct.unpack_from("<I", data, pos)
        raw = data[pos + 4 : min(pos + 4 + chars * 2, end)]
        return raw.decode("utf-16-le", "replace").split("\x00", 1)[0]
    if vtype in (_VT_I4, _VT_I2, _VT_BOOL):
        fmt = "<i" if vtype == _VT_I4 else "<h"
        return struct.unpack_from(fmt, data, pos)[0]
    return None


def _dictionary(data: bytes, pos: int, end: int, encoding: str) -> dict[int, str]:
    """Property id → name of a user-defined section (MS-OLEPS 2.17)."""
    (count,) = struct.unpack_from("<I", data, pos)
    pos += 4
    names: dict[int, str] = {}
    for _ in range(min(count, 4096)):
        prop_id, length = struct.unpack_from("<II", data, pos)
        pos += 8
        if encoding == "utf-16-le":
            raw = data[pos : pos + length * 2]
            pos += length * 2
            pos += (4 - pos % 4) % 4
            name = raw.decode("utf-16-le", "replace")
        else:
            raw = data[pos : pos + length]
            pos += length
            name = raw.decode(encoding, "replace")
        if pos > end:
            break
        names[prop_id] = name.split("\x00", 1)[0]
    return names
