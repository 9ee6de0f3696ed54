"""RAR archives (RAR 4 and 5) with rarfile.

rarfile lists members itself, so every member name is shown (names carry markings such as
（机密）). Content is read only where rarfile can do it: stored (uncompressed) members in pure
Python, compressed ones only when an external tool (``unrar``, ``unar`` or ``7z``) is installed;
``install.sh`` installs Debian's free ``unar``. ``bsdtar`` is not used: through rarfile it fails on
ordinary RAR 4/5 members and would make them look damaged. Without a tool each compressed member
gets one ``unsupported`` error saying so: never a silent skip. Encrypted headers make the whole
file ``encrypted``; encrypted members one error each.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from functools import cache
from typing import Any

from secaudit.errors import CorruptError, EncryptedError, UnsupportedError
from secaudit.extract.base import ExtractContext
from secaudit.extract.members import (
    MemberCounter,
    admit_member,
    flag_unsafe_name,
    name_chunk,
    read_bounded,
    safe_member_name,
)
from secaudit.model import ErrorReason, TextChunk

NO_TOOL_DETAIL = (
    "RAR member is compressed; decompressing it needs unar, unrar or 7z, "
    "none of which is installed (name listed, content not examined)"
)


@cache
def rar_tool_available() -> bool:
    """True when rarfile found an external tool able to decompress RAR data."""
    import rarfile

    try:
        rarfile.tool_setup(bsdtar=False, force=True)
    except rarfile.RarCannotExec:
        return False
    return True


def extract_rar_members(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    import rarfile

    try:
        archive = rarfile.RarFile(io.BytesIO(data), errors="strict")
    except rarfile.PasswordRequired as exc:
        raise EncryptedError("RAR archive with encrypted headers (password needed)") from exc
    except rarfile.NeedFirstVolume as exc:
        raise UnsupportedError("part of a multi-volume RAR archive (not the first volume)") from exc
    except (rarfile.Error, EOFError, OSError, ValueError) as exc:
        raise CorruptError(f"not a readable RAR archive: {exc}"[:300]) from exc
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if not infos and archive.needs_password():
            raise EncryptedError("RAR archive with encrypted headers (password needed)")
        counter = MemberCounter(ctx)
        for info in infos:
            if not counter.admit():
                return
            yield from _rar_member(archive, info, ctx)


def _rar_member(archive: Any, info: Any, ctx: ExtractContext) -> Iterator[TextChunk]:
    display, unsafe = safe_member_name(info.filename)
    if unsafe:
        flag_unsafe_name(ctx, info.filename, display)
    reason, detail = _unreadable_reason(archive, info)
    if reason is None and not info.is_symlink() and admit_member(
        ctx, display, info.file_size, info.compress_size
    ):
        content = _read_rar_member(archive, info, ctx, display)
        if content is not None:
            yield from ctx.recurse(display, content)
            return
    yield name_chunk(ctx, display)
    if reason is not None:
        ctx.error(reason, detail, member=ctx.member_path(display))


def _unreadable_reason(archive: Any, info: Any) -> tuple[ErrorReason | None, str]:
    import rarfile

    if info.needs_password():
        return ErrorReason.ENCRYPTED, "RAR member is encrypted (password needed)"
    stored = info.compress_type == rarfile.RAR_M0 and not archive.is_solid()
    if not stored and not rar_tool_available():
        return ErrorReason.UNSUPPORTED, NO_TOOL_DETAIL
    return None, ""


def _read_rar_member(archive: Any, info: Any, ctx: ExtractContext, display: str) -> bytes | None:
    import rarfile

    path = ctx.member_path(display)
    try:
        with archive.open(info) as fh:
            return read_bounded(fh.read, ctx, display, declared=info.file_size)
    except rarfile.NeedFirstVolume:
        ctx.error(ErrorReason.UNSUPPORTED, "member continues from a previous volume", path)
    except rarfile.RarCannotExec:
        ctx.error(ErrorReason.UNSUPPORTED, NO_TOOL_DETAIL, path)
    except (rarfile.Error, EOFError, OSError, ValueError) as exc:
        ctx.error(ErrorReason.CORRUPT, f"damaged RAR member: {exc}"[:300], path)
    return None
