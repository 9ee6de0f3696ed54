"""Safe handling of container members, shared by the archive and mail extractors.

Everything here works in memory: member names are only ever *displayed* (never used as a file
system path), and member data is read in blocks so that a lying header cannot make us inflate
more than the limits allow. To support a new container format, list its members, call
:func:`admit_member` with the declared sizes, read the data with :func:`read_bounded` and hand it
to ``ctx.recurse(display_name, data)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from secaudit.extract.base import ExtractContext
from secaudit.limits import MiB
from secaudit.model import ErrorReason, Location, TextChunk
from secaudit.textsafe import utf8_or_chinese

READ_BLOCK = 1 * MiB
RATIO_MIN_BYTES = 1 * MiB
"""Below this many uncompressed bytes the compression ratio is not checked: a small file of
repeated text compresses 1000:1 and is harmless."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"^[A-Za-z]:$")


def safe_member_name(name: str) -> tuple[str, bool]:
    """Return ``(display_name, was_unsafe)`` for an archive member name.

    ``..`` and ``.`` segments, leading slashes, drive letters and control characters (NUL
    included) are removed so a displayed path can never leave its container.
    """
    cleaned = _CONTROL.sub("\ufffd", name.replace("\\", "/"))
    parts = [p for p in cleaned.split("/") if p not in ("", ".", "..")]
    if parts and _DRIVE.match(parts[0]):
        parts = parts[1:]
    display = "/".join(parts) or "(unnamed)"
    unsafe = (
        cleaned != name.replace("\\", "/")
        or name.startswith(("/", "\\"))
        or display != cleaned.strip("/")
    )
    return display, unsafe


def flag_unsafe_name(ctx: ExtractContext, raw: str, display: str) -> None:
    """Record a hostile member name (path traversal, absolute path, control characters).

    The member is still read — in memory, under its cleaned display name — but the officer sees
    that the container tried to escape its folder (``zip slip``).
    """
    shown = _CONTROL.sub("\ufffd", raw)[:200]
    ctx.error(
        ErrorReason.CORRUPT,
        f"unsafe member name {shown!r} (path traversal or absolute path); shown as {display!r}, "
        "read in memory only",
        member=ctx.member_path(display),
    )


def decode_legacy_name(raw: bytes) -> str:
    """Decode a member name stored without a declared encoding (UTF-8, else GB18030, else CP437).

    Windows archivers in China write GBK names without the zip UTF-8 flag; GB18030 is a superset
    of GBK, so it is tried whenever the bytes are not valid UTF-8.
    """
    return utf8_or_chinese(raw) or raw.decode("cp437")


def name_chunk(ctx: ExtractContext, name: str) -> TextChunk:
    """The FILENAME chunk of a member whose content is not read (names carry markings)."""
    path = ctx.member_path(name)
    return TextChunk(text=path.rsplit("/", 1)[-1], location=Location.FILENAME, member=path)


def admit_member(
    ctx: ExtractContext, name: str, declared: int, compressed: int | None = None
) -> bool:
    """Check a member's declared sizes before reading it; record why it is refused."""
    lim = ctx.limits
    path = ctx.member_path(name)
    if declared > lim.max_member_size:
        ctx.error(
            ErrorReason.TOO_LARGE,
            f"declared size {declared} bytes > max_member_size {lim.max_member_size}",
            member=path,
        )
        return False
    if compressed is not None and _ratio_exceeded(declared, compressed, lim.max_ratio):
        ctx.error(
            ErrorReason.LIMIT,
            f"declared compression ratio {declared}/{compressed} > max_ratio {lim.max_ratio:g}",
            member=path,
        )
        return False
    return True


def _ratio_exceeded(out_bytes: int, compressed: int, max_ratio: float) -> bool:
    return out_bytes > RATIO_MIN_BYTES and out_bytes > max_ratio * max(compressed, 1)


def read_bounded(
    read: Callable[[int], bytes],
    ctx: ExtractContext,
    name: str,
    *,
    declared: int = -1,
    compressed: int | None = None,
) -> bytes | None:
    """Read a member in blocks, charging the file's budget; ``None`` (error recorded) on breach.

    Declared sizes lie: reading stops as soon as the output passes the declared size, the member
    size limit or the compression ratio limit.
    """
    lim = ctx.limits
    path = ctx.member_path(name)
    buf = bytearray()
    while True:
        block = read(READ_BLOCK)
        if not block:
            return bytes(buf)
        buf += block
        ctx.charge(len(block))
        ctx.check_time()
        problem = _overrun(len(buf), declared, compressed, lim.max_member_size, lim.max_ratio)
        if problem is not None:
            ctx.error(problem[0], problem[1], member=path)
            return None


def _overrun(
    size: int, declared: int, compressed: int | None, max_member: int, max_ratio: float
) -> tuple[ErrorReason, str] | None:
    if size > max_member:
        return ErrorReason.TOO_LARGE, f"more than max_member_size {max_member} bytes"
    if 0 <= declared < size:
        return ErrorReason.LIMIT, f"more data than the declared {declared} bytes (lying header)"
    if compressed is not None and _ratio_exceeded(size, compressed, max_ratio):
        return ErrorReason.LIMIT, f"compression ratio above max_ratio {max_ratio:g}"
    return None


@dataclass(slots=True)
class MemberCounter:
    """Counts the members of one container against ``max_members``."""

    ctx: ExtractContext
    count: int = 0

    def admit(self) -> bool:
        """False (and one ``limit`` error) once the container has too many members."""
        self.count += 1
        limit = self.ctx.limits.max_members
        if self.count == limit + 1:
            self.ctx.error(ErrorReason.LIMIT, f"more than {limit} members; the rest not read")
        return self.count <= limit
