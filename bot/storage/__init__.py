"""The storage of the core: the only package that speaks SQL.

It owns the tables (`models`, private: callers get plain dataclasses), their Alembic migrations
(`migrations`), the engines (`engine`) and every query, one module per concern. Everything else
imports what it needs from here.
"""
from bot.storage.agents import Agent, AgentAccounts, AgentSession
from bot.storage.complaints import (
    FILLABLE, Complaint, ComplaintDraft, ComplaintNotFound, ComplaintStore, Unanswered, shared_store,
)
from bot.storage.engine import DatabaseError, create_store_engine, missing_sqlite_file, shown_url, tracker_engine
from bot.storage.evidence import Evidence, EvidenceStore
from bot.storage.handoffs import Case, CaseConflict, CaseEvent, CaseNotFound, HandoffQueue, Note
from bot.storage.inbox import InboxItem, InboxStore, TrackerConversations
from bot.storage.jobs import DEFAULT_LEASE, Job, JobQueue
from bot.storage.login_attempts import LoginAttempts
from bot.storage.models import CaseAction, CaseStatus, JobStatus, SurveyKind, SurveyStatus
from bot.storage.outbox import Outbox
from bot.storage.reports import report_rows
from bot.storage.retention import purge_personal_data
from bot.storage.surveys import SCORES, Survey, SurveyStore
from bot.storage.tracker_migration import migrate_tracker_store

__all__ = [
    # agents and their console sessions
    "Agent", "AgentAccounts", "AgentSession", "LoginAttempts",
    # complaints
    "FILLABLE", "Complaint", "ComplaintDraft", "ComplaintNotFound", "ComplaintStore", "Unanswered",
    "shared_store",
    # engines
    "DatabaseError", "create_store_engine", "missing_sqlite_file", "shown_url", "tracker_engine",
    # what customers send besides words, and whether they can be reached
    "Evidence", "EvidenceStore",
    # the agents' queue
    "Case", "CaseConflict", "CaseEvent", "CaseNotFound", "HandoffQueue", "Note",
    # the designers' inbox of misunderstood messages
    "InboxItem", "InboxStore", "TrackerConversations",
    # surveys after closure
    "SCORES", "Survey", "SurveyStore",
    # jobs and the messages they send
    "DEFAULT_LEASE", "Job", "JobQueue", "JobStatus", "Outbox",
    # reports, retention of personal data, Rasa's tracker store
    "migrate_tracker_store", "purge_personal_data", "report_rows",
    # the states of stored records
    "CaseAction", "CaseStatus", "SurveyKind", "SurveyStatus",
]
