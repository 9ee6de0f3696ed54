"""Containers: zip, 7z, rar, ISO 9660, tar, single compressed streams (in memory, within limits).

Extractors are reached through :data:`secaudit.extract.registry.EXTRACTORS`. Like all of
``extract/``, may import the core only (never detect or a later stage).
"""
