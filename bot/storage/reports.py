"""What the reports count (`bot.reports`), read from the complaints created in a window."""
from __future__ import annotations

from datetime import datetime
from typing import Any, List, Sequence, Tuple

import sqlalchemy as sa

from bot.storage.complaints import ComplaintStore
from bot.storage.models import CaseRow, ComplaintRow, SurveyKind, SurveyRow, SurveyStatus


def report_rows(store: ComplaintStore, since: datetime,
                until: datetime) -> Tuple[Sequence[Any], Sequence[Tuple[int, List[dict[str, str]]]], List[int]]:
    """For the complaints created in [since, until): their rows (id, category, channel, status,
    created_at, first_response_at, resolved_at, by name), the (complaint id, decisions) of their
    handoff cases, and the scores of their answered satisfaction checks."""
    in_window = sa.and_(ComplaintRow.created_at >= since, ComplaintRow.created_at < until)
    with store.session() as s:
        complaints = s.execute(sa.select(
            ComplaintRow.id, ComplaintRow.category, ComplaintRow.channel, ComplaintRow.status,
            ComplaintRow.created_at, ComplaintRow.first_response_at, ComplaintRow.resolved_at,
        ).where(in_window)).all()
        cases = s.execute(sa.select(CaseRow.complaint_id, CaseRow.decisions)
                          .join(ComplaintRow, CaseRow.complaint_id == ComplaintRow.id).where(in_window)).all()
        scores = s.execute(sa.select(SurveyRow.score).join(ComplaintRow, SurveyRow.complaint_id == ComplaintRow.id)
                           .where(in_window, SurveyRow.kind == SurveyKind.SATISFACTION.value,
                                  SurveyRow.status == SurveyStatus.ANSWERED.value,
                                  SurveyRow.score.isnot(None))).scalars().all()
    return complaints, cases, list(scores)
