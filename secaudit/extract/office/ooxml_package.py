"""Package-level reading shared by the OOXML application modules: relationships, DrawingML text.

:func:`relationships` resolves a part's ``_rels`` once per package; :func:`paragraph_text` joins a
DrawingML paragraph's runs (shapes, SmartArt, charts, slides).
"""

from __future__ import annotations

import posixpath

from secaudit.extract.zipparts import ZipParts, any_ns, descendants, local

_T_BR = any_ns("t", "br")


def relationships(parts: ZipParts, part: str) -> dict[str, tuple[str, str]]:
    """``{rId: (type, resolved target)}`` of ``part`` (``""`` = the package itself); parsed
    once per package."""
    memo = parts.memo.get(("rels", part))
    if memo is None:
        memo = parts.memo[("rels", part)] = _relationships(parts, part)
    return memo  # type: ignore[return-value]


def _relationships(parts: ZipParts, part: str) -> dict[str, tuple[str, str]]:
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", f"{base}.rels")
    if parts.find(rels_name) is None:
        return {}
    root = parts.xml(rels_name)
    out: dict[str, tuple[str, str]] = {}
    for rel in descendants(root, "Relationship") if root is not None else ():
        if rel.get("TargetMode") == "External":
            continue
        target = (rel.get("Target") or "").replace("\\", "/")
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        out[rel.get("Id") or ""] = (rel.get("Type") or "", posixpath.normpath(resolved))
    return out


def paragraph_text(p: object) -> str:
    """DrawingML paragraph (``a:p``): runs and fields joined, ``a:br`` as a line break."""
    out: list[str] = []
    for el in p.iter(*_T_BR):  # type: ignore[attr-defined]
        if local(el) == "t":
            if el.text:
                out.append(el.text)
        else:
            out.append("\n")
    return "".join(out).strip()
