"""The message store: every received message kept byte for byte, with its verdict and findings, and
the business records derived from accepted messages (SQLite by default, PostgreSQL by URL).

Entry points: ``store.migrate.upgrade``, ``store.importer.import_paths``, ``store.export.export_bytes``,
``store.queries.current_toewijzingen``, ``store.validate.HistoryValidator``; see docs/store.md.
"""
