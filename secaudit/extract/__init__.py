"""Text extraction, one module per format family.

Entry point: :func:`secaudit.extract.registry.extract_bytes` (and ``extract_path``). The format is
chosen by content sniffing (:func:`secaudit.extract.sniff.sniff`); each format maps to one
extractor function ``extract_xxx(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]`` listed
in :data:`secaudit.extract.registry.EXTRACTORS`. To add a format: write the module, add its
sniffing rule and one line to ``EXTRACTORS``.

Document modules: ``text`` (encoding detection shared by others: :func:`.text.decode_text`),
``html``, ``rtf``, ``ooxml`` (+ ``ooxml_word``/``ooxml_sheet``/``ooxml_slide``, zip parts and the
safe XML parser in ``zipparts``), ``ole`` (+ ``ole_word`` piece table, ``ole_sheet``,
``ole_slide``, ``ole_props`` property sets, ``ole_native`` embedded packages), ``pdf``, ``ofd``
(+ ``ofd_layout`` line rebuilding). Containers: ``archive``, ``mail``; no-text files: ``media``.
"""
