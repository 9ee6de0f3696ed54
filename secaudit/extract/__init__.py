"""Text extraction, one module per format family.

Entry point: :func:`secaudit.extract.registry.extract_bytes` (and ``extract_path``). The format is
chosen by content sniffing (:func:`secaudit.extract.sniff.sniff`); each format maps to one
extractor function ``extract_xxx(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]`` listed
in :data:`secaudit.extract.registry.EXTRACTORS`. To add a format: write the module, add its
sniffing rule and one line to ``EXTRACTORS``.
"""
