"""E-mail: MIME .eml/.mht, mbox, Outlook .msg, TNEF, uuencoded bodies; Chinese header decoding.

Extractors are reached through :data:`secaudit.extract.registry.EXTRACTORS`. Like all of
``extract/``, may import the core only (never detect or a later stage).
"""
