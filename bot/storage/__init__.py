"""The storage of the core: the only package that speaks SQL.

It owns the tables (`models`, private: callers get plain dataclasses), their Alembic migrations
(`migrations`), the engines (`engine`) and every query, one module per concern. Everything else
imports what it needs from here.
"""
from bot.storage.complaints import (
    Complaint, ComplaintDraft, ComplaintNotFound, ComplaintStore, Unanswered, shared_store,
)
from bot.storage.engine import (
    DatabaseError, create_store_engine, missing_sqlite_file, shown_url, tracker_engine,
)

__all__ = [
    "Complaint", "ComplaintDraft", "ComplaintNotFound", "ComplaintStore", "DatabaseError", "Unanswered",
    "create_store_engine", "missing_sqlite_file", "shared_store", "shown_url", "tracker_engine",
]
