"""The message store (SQLModel; SQLite by default, PostgreSQL by URL). Filled by a later issue."""
