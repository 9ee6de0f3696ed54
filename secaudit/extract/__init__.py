"""Extract stage: text and metadata out of every file format, one folder per format family.

Entry point: :func:`secaudit.extract.registry.extract_bytes` (bytes in: opening files safely
is the scan stage's job). The format is chosen by content sniffing
(:func:`secaudit.extract.sniff.sniff`); each format maps to one extractor function
``extract_xxx(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]`` listed in
:data:`secaudit.extract.registry.EXTRACTORS`. To add a format: write the module, add its
sniffing rule and one line to ``EXTRACTORS``.

At the top: ``base`` (the extractor contract, context and budget), ``registry``, ``sniff``,
``members`` (safe container members) and ``zipparts`` (guarded zip parts, safe XML parser).
Families: ``office/`` (``ooxml*``, ``ole*`` incl. Kingsoft WPS/ET/DPS, ``odf``, ``rtf``),
``pdf/`` (``pdf*``, ``ofd*``, ``xps``), ``mail/`` (``mail*``, ``tnef``), ``archive/``
(zip, 7z, rar, ISO, tar), ``image/`` (``ocr*``, ``heif``, ``imagesize``, ``media`` for files
without text), ``text/`` (``text`` with the encoding detection others share, ``html``).

Extraction knows nothing of what is sought: it imports only the shared core, never ``detect`` or
a later stage.
"""
