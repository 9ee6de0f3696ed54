"""Is a Chinese system font installed? PDF text depends on it.

PDFium locates the characters of a PDF font that is not embedded (common with Chinese CID fonts
such as ``STSong-Light`` with the ``UniGB-UCS2-H`` CMap) through a substitute system font; with
no Chinese font on the machine it drops some of them. The PDF extractor records that as an
error instead of a silently thinner text.
"""

from __future__ import annotations

import functools
import os
import re

FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", os.path.expanduser("~/.fonts"),
             os.path.expanduser("~/.local/share/fonts"))
_CJK_FONT = re.compile(
    r"cjk|wqy|wenquanyi|droidsansfallback|arphic|uming|ukai|simsun|simhei|simkai|simfang|msyh|"
    r"sourcehan|source-han|fandol|notosanssc|notoserifsc|sarasa|lxgw|zcool",
    re.IGNORECASE,
)
_CJK_PDF_FONT = re.compile(rb"Adobe-GB1|Adobe-CNS1|UniGB-|GBK-EUC|GB-EUC|GBpc-EUC|UniCNS-|B5pc")
"""CMaps/orderings of Chinese CID fonts, written in clear in the font dictionaries."""


@functools.cache
def has_cjk_system_font() -> bool:
    for root in FONT_DIRS:
        for _dirpath, _dirs, files in os.walk(root):
            if any(_CJK_FONT.search(name) for name in files):
                return True
    return False


def uses_chinese_cid_font(data: bytes) -> bool:
    """Whether the PDF bytes name a Chinese CID font ordering or CMap (cheap byte search)."""
    return _CJK_PDF_FONT.search(data) is not None
