"""Content sniffing: which extractor reads these bytes.

Magic bytes decide; the file name only breaks ties the content cannot (Kingsoft ``.wps``/``.et``/
``.dps`` share OLE streams with Word/Excel/PowerPoint, ``.mht`` is MIME like ``.eml``). A file
named ``.docx`` that holds a PDF is read as a PDF.

A zip is sniffed by reading its central directory; the :class:`zipfile.ZipFile` opened for that is
handed to the extractor that reads the same bytes next (:func:`take_zip`), so the directory of an
Office/OFD/zip file is parsed once, not twice.
"""

from __future__ import annotations

import io
import re
import zipfile

import olefile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAIL_HEADER = re.compile(
    rb"^(?:Received|Return-Path|From|To|Subject|Date|Message-ID|MIME-Version|Delivered-To|"
    rb"X-[A-Za-z0-9-]+|Content-Type|Reply-To|Cc|DKIM-Signature|Authentication-Results|"
    rb"ARC-[A-Za-z-]+|Sender|In-Reply-To|References|Thread-[A-Za-z]+):[ \t]",
    re.IGNORECASE,
)
_ANY_HEADER = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:[ \t]")
_BIFF_MAGIC = (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08")
_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
)
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif")
"""ISO-BMFF brands of still images (HEIC photos of phones, AVIF); other ``ftyp`` files are video."""
_BINARY_MAGIC = (
    b"\x7fELF",
    b"MZ",
    b"\x00\x00\x01\x00",
    b"ID3",
    b"fLaC",
    b"OggS",
    b"\x1a\x45\xdf\xa3",
    b"SQLite format 3\x00",
)


_last_zip: tuple[bytes, zipfile.ZipFile] | None = None
"""The zip :func:`sniff` opened last, with the very bytes object it was opened over."""


def take_zip(data: bytes) -> zipfile.ZipFile | None:
    """The open :class:`zipfile.ZipFile` :func:`sniff` made over ``data`` (this object), once.

    ``None`` when the last sniff was of other bytes; the caller then opens the zip itself.
    The caller owns (closes) what it gets.
    """
    global _last_zip
    held, _last_zip = _last_zip, None
    if held is not None and held[0] is data:
        return held[1]
    return None


def open_zip(data: bytes) -> zipfile.ZipFile:
    """:func:`take_zip`, else a new :class:`zipfile.ZipFile` over ``data`` (may raise)."""
    zf = take_zip(data)
    return zf if zf is not None else zipfile.ZipFile(io.BytesIO(data))


def forget_zip() -> None:
    """Drop the zip kept for :func:`take_zip` (the extraction of its bytes is over)."""
    global _last_zip
    _last_zip = None


def _ext(name: str) -> str:
    dot = name.rfind(".")
    return name[dot + 1 :].lower() if dot >= 0 else ""


def sniff(data: bytes, name: str = "") -> str:
    """Return the format id for ``data`` (``docx``, ``pdf``, ``text``, ``binary`` …)."""
    forget_zip()
    head = data[:4096]
    ext = _ext(name)
    if not data:
        return "empty"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _sniff_zip(data, ext)
    if head.startswith(OLE_MAGIC):
        return _sniff_ole(data, ext)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if head.startswith(b"\x78\x9f\x3e\x22"):
        return "tnef"  # winmail.dat: Outlook's rich-text envelope around the attachments
    if head.startswith(b"Rar!\x1a\x07"):
        return "rar"
    if head.startswith(b"\x1f\x8b") or _is_bzip2_or_xz(head):
        return "gz"  # one compressed stream (gzip/bzip2/xz): archive_stream.extract_gz
    if len(data) > 262 and data[257:262] == b"ustar":
        return "tar"
    if head.startswith(_BIFF_MAGIC) and ext in ("xls", "xlt", "et"):
        return "xls"
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "image"  # a phone camera's HEIC/HEIF/AVIF photo
    if _is_disc_image(data):
        return "iso"  # ISO 9660 (or UDF) volume descriptors at sector 16
    if opaque_container(data):
        return "opaque"
    if head.startswith(_BINARY_MAGIC):
        return "binary"
    return _sniff_text(head, ext)


_OPAQUE: tuple[tuple[bytes, int, bytes, str], ...] = (
    # (magic at 0, offset, bytes expected there too, what): two signatures each, so a text file
    # that happens to start with ``MSCF`` is still read as text
    (b"!BDN", 8, b"SM", "Outlook data file (.pst/.ost)"),
    (b"MSCF", 4, b"\x00\x00\x00\x00", "Windows cabinet (.cab)"),
    (b"MSWIM\x00\x00\x00", 0, b"", "Windows imaging file (.wim)"),
    (b"conectix", 12, b"\x00\x01\x00\x00", "virtual hard disk (.vhd)"),
    (b"vhdxfile", 0, b"", "virtual hard disk (.vhdx)"),
    (b"KDMV", 5, b"\x00\x00\x00", "VMware virtual disk (.vmdk)"),
    (b"QFI\xfb", 0, b"", "QEMU disk image (.qcow2)"),
    (b"LUKS\xba\xbe", 0, b"", "LUKS-encrypted volume"),
)


def opaque_container(data: bytes) -> str | None:
    """What a container or disk image that secaudit cannot open is (``None``: not one).

    Such a file may hold whole folders of documents, so it is reported, never passed as a
    plain binary."""
    for magic, offset, more, what in _OPAQUE:
        if data.startswith(magic) and data[offset : offset + len(more)] == more:
            return what
    if data[:2] == b"\x60\xea" and 0 < int.from_bytes(data[2:4], "little") <= 2600:
        return "ARJ archive"
    if len(data) > 21 and data[2:5] == b"-lh" and data[6:7] == b"-" and data[20] <= 3:
        return "LHA/LZH archive"  # level 0-3 header
    tail = data[-512:] if len(data) >= 512 else b""
    if tail[:8] == b"conectix" and tail[12:16] == b"\x00\x01\x00\x00":
        return "virtual hard disk (.vhd)"
    if tail[:4] == b"koly" and tail[4:8] == b"\x00\x00\x00\x04":
        return "macOS disk image (.dmg)"
    return None


def _is_disc_image(data: bytes) -> bool:
    """Volume descriptors at sector 16: type, ``CD001`` (ISO 9660) or ``BEA01`` (UDF), version 1."""
    ident = data[0x8001:0x8006]
    if ident == b"CD001":
        return data[0x8000] in (0, 1, 2, 3, 255) and data[0x8006] == 1
    return ident == b"BEA01" and data[0x8000] == 0 and data[0x8006] == 1


def _sniff_zip(data: bytes, ext: str) -> str:
    global _last_zip
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - hostile directories raise many types (version 14.8 …)
        return "zip"  # the zip extractor reports the damage
    names = set(zf.namelist())
    _last_zip = (data, zf)
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if any(n.startswith("ppt/") for n in names):
            return "pptx"
    if "OFD.xml" in names or any(n.lower() == "ofd.xml" for n in names):
        return "ofd"
    if _is_odf(zf, names):
        return "odf"
    if any(n.lower().endswith(".fdseq") for n in names):
        return "xps"  # XPS / OpenXPS: a document printed by "Microsoft XPS Document Writer"
    return "zip"


def _is_odf(zf: zipfile.ZipFile, names: set[str]) -> bool:
    """An OpenDocument package: ``mimetype`` says so, or content.xml beside an ODF manifest."""
    if "mimetype" in names:
        try:
            with zf.open("mimetype") as fh:
                return fh.read(64).startswith(b"application/vnd.oasis.opendocument.")
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            return False
    return "content.xml" in names and "META-INF/manifest.xml" in names


def _sniff_ole(data: bytes, ext: str) -> str:
    try:
        ole = olefile.OleFileIO(data)
    except Exception:  # noqa: BLE001 - any parser failure means "damaged OLE"
        return "ole"
    try:
        streams = {"/".join(s) for s in ole.listdir(streams=True, storages=True)}
    finally:
        ole.close()
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        return "ooxml_encrypted"
    if "WordDocument" in streams:
        return "wps" if ext in ("wps", "wpt") else "doc"
    if "Workbook" in streams or "Book" in streams:
        return "et" if ext in ("et", "ett") else "xls"
    if "PowerPoint Document" in streams:
        return "dps" if ext in ("dps", "dpt") else "ppt"
    if any(s.startswith("__substg1.0_") for s in streams):
        return "msg"
    return "ole"


def _sniff_text(head: bytes, ext: str) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
        return "html" if ext in ("html", "htm", "xhtml") else "text"
    if b"\x00" in head and not _looks_utf16(head):
        return "binary"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    lower = stripped[:512].lower()
    if stripped.startswith(b"From ") and b"\n" in stripped and ext not in ("txt",):
        first_lines = stripped.split(b"\n", 3)[1:3]
        if any(_MAIL_HEADER.match(line) for line in first_lines):
            return "mbox"
    if _ANY_HEADER.match(stripped):
        lines = stripped.split(b"\n", 40)[:40]
        hits = sum(1 for ln in lines if _MAIL_HEADER.match(ln))
        if hits >= 2 or (hits and ext in ("eml", "mht", "mhtml")):
            return "mht" if ext in ("mht", "mhtml") else "eml"
    if lower.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in head.lower():
        return "html"
    if lower.startswith(b"<?xml") and b"<office:document" in head and b"opendocument" in head:
        return "fodf"  # flat OpenDocument (.fodt/.fods/.fodp)
    if ext in ("html", "htm", "xhtml") and b"<" in lower:
        return "html"
    return "text"


def _looks_utf16(head: bytes) -> bool:
    sample = head[:512]
    if len(sample) < 4:
        return False
    even_zero = sample[0::2].count(0)
    odd_zero = sample[1::2].count(0)
    half = len(sample) // 2
    if max(even_zero, odd_zero) > half * 0.3 and min(even_zero, odd_zero) < half * 0.05:
        return True
    # Chinese UTF-16 without BOM: few NULs (only ASCII has them), all on one parity.
    if min(even_zero, odd_zero) or not max(even_zero, odd_zero):
        return False
    text = sample[: len(sample) // 2 * 2].decode(
        "utf-16-le" if odd_zero else "utf-16-be", errors="replace"
    )
    plausible = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff" or " " <= ch <= "~"
                    or ch in "\r\n\t" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef")
    return plausible >= len(text) * 0.9


def _is_bzip2_or_xz(head: bytes) -> bool:
    block_magic = head[4:10] in (b"1AY&SY", b"\x17rE8P\x90")  # first block or end of stream
    bzip2 = head[:3] == b"BZh" and head[3:4].isdigit() and block_magic
    return bzip2 or head.startswith(b"\xfd7zXZ\x00")
