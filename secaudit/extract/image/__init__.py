"""Pictures: Tesseract OCR, pictures in documents, HEIC photos, image sizes, files without text.

Extractors are reached through :data:`secaudit.extract.registry.EXTRACTORS`. Like all of
``extract/``, may import the core only (never detect or a later stage).
"""
