"""Text documents: plain text in any Chinese encoding (UTF-8/16, GB18030, Big5) and HTML.

Extractors are reached through :data:`secaudit.extract.registry.EXTRACTORS`. Like all of
``extract/``, may import the core only (never detect or a later stage).
"""
