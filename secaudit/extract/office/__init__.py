"""Office documents: OOXML, legacy OLE2 (doc/xls/ppt, Kingsoft WPS/ET/DPS), OpenDocument, RTF.

Extractors are reached through :data:`secaudit.extract.registry.EXTRACTORS`. Like all of
``extract/``, may import the core only (never detect or a later stage).
"""
