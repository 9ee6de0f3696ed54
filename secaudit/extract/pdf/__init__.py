"""Fixed-layout documents: PDF (PDFium text, annotations, XFA forms, OCR of scans), OFD, XPS.

Extractors are reached through :data:`secaudit.extract.registry.EXTRACTORS`. Like all of
``extract/``, may import the core only (never detect or a later stage).
"""
