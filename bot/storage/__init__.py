"""The storage of the core: the only package that speaks SQL.

It owns the tables (`models`, private: callers get plain dataclasses), their Alembic migrations
(`migrations`), the engines (`engine`) and every query, one module per concern. Everything else
imports what it needs from here.
"""
from bot.storage.complaints import (
    Complaint, ComplaintDraft, ComplaintNotFound, ComplaintStore, Unanswered, shared_store,
)
from bot.storage.engine import DatabaseError, create_store_engine, missing_sqlite_file, shown_url, tracker_engine
from bot.storage.jobs import DEFAULT_LEASE, Job, JobQueue
from bot.storage.models import CaseStatus, JobStatus, SurveyKind, SurveyStatus
from bot.storage.outbox import Outbox

__all__ = [
    # complaints
    "Complaint", "ComplaintDraft", "ComplaintNotFound", "ComplaintStore", "Unanswered", "shared_store",
    # engines
    "DatabaseError", "create_store_engine", "missing_sqlite_file", "shown_url", "tracker_engine",
    # jobs and the messages they send
    "DEFAULT_LEASE", "Job", "JobQueue", "JobStatus", "Outbox",
    # the states of stored records
    "CaseStatus", "SurveyKind", "SurveyStatus",
]
