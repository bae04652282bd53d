"""Complaint reports on a seeded database with known figures: the computation (SQLite and
PostgreSQL), its text, CSV and chart, and `python -m bot report`."""
from __future__ import annotations

import csv
import io
import re
import os
import subprocess
import sys
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator, Optional, Sequence
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from bot.storage.models import CaseRow, ComplaintRow, SurveyRow
from console.report_output import CJK_FONTS, chart_figure, chart_png, cjk_font, csv_report, text_report
from bot.policies import Deadline, load_policies
from bot.app.surveys import reopen_for_supervisor
from bot.escalation import Decision
from bot.handoff import load_handoff_settings
from bot.labels import load_labels
from bot.reports import Count, Median, Report, build_report, parse_moment
from bot.settings import REPO_ROOT
from bot.storage import (AgentAccounts, ComplaintDraft, ComplaintStore, HandoffQueue, JobQueue, SurveyKind,
                         SurveyStore)
from tests.auxil.data_copy import copy_config

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 1, tzinfo=SHANGHAI)
END = START + timedelta(days=30)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SHIPPED_TARGET = Deadline(hours=48)  # `resolution` in data/policies.yml

#: (channel, category, hours to first response, hours to resolution, status, cases' reasons,
#: satisfaction score answered), created a day apart from START + 1 day.
COMPLAINTS = [
    ("webchat", "quality", 1, 10, "resolved", [["threat", "anger"]], 5),
    ("webchat", "quality", 3, 30, "closed", [["anger"]], 4),
    ("wechat", "delivery", 5, 72, "resolved", [["human_request"], ["low_satisfaction"]], 2),
    ("tg", "price_billing", 3, None, "in_progress", [["threat"]], None),
    ("rest", "quality", None, None, "open", [], None),
    ("webchat", "refund_return", 2, 20, "open", [["low_satisfaction"]], 1),  # reopened: not resolved now
    ("wechat", "delivery", None, None, "resolved", [], 5),  # accepted the assistant's plan: no agent
    ("webchat", "service_attitude", 4, 40, "resolved", [["anger"]], None),
    ("tg", "other", 8, 49, "resolved", [], None),
    ("webchat", "quality", None, 48, "resolved", [], None),
]


def _file(store: ComplaintStore, created_at: datetime, channel: str, category: str,
          first_response_h: Optional[float], resolution_h: Optional[float], status: str,
          cases: Sequence[Sequence[str]], score: Optional[int]) -> None:
    complaint = store.create(ComplaintDraft(
        channel=channel, sender_id=f"{channel}-{created_at.timestamp():.0f}", conversation_id="c",
        category=category, description="耳机坏了", first_response_due=created_at + timedelta(hours=2),
        resolution_due=created_at + timedelta(days=2)), created_at)
    def hours(h: Optional[float]) -> Optional[datetime]:
        return created_at + timedelta(hours=h) if h is not None else None

    with store.session() as s, s.begin():
        row = s.get(ComplaintRow, complaint.id)
        row.status, row.first_response_at, row.resolved_at = status, hours(first_response_h), hours(resolution_h)
        for reasons in cases:
            s.add(CaseRow(complaint_id=complaint.id, customer_id=row.customer_id,
                          conversation_id=row.conversation_id, reason=reasons[0], priority="P2", explanation="测试",
                          decisions=[{"reason": r, "priority": "P2", "explanation": "测试"} for r in reasons],
                          status="released", claim_due=created_at, created_at=created_at))
        if score is not None:
            s.add(SurveyRow(complaint_id=complaint.id, kind="satisfaction", status="answered", score=score,
                            due_at=created_at, answered_at=created_at, created_at=created_at))


def seed_complaints(store: ComplaintStore, start: datetime) -> datetime:
    """COMPLAINTS in the 30 days from `start`, and around them what the window leaves out: one the
    day before (its case and score too), one at the end, a survey not answered and a follow-up.
    Returns the window's end."""
    end = start + timedelta(days=30)
    for day, complaint in enumerate(COMPLAINTS, start=1):
        _file(store, start + timedelta(days=day), *complaint)
    _file(store, start - timedelta(days=1), "webchat", "quality", 1, 2, "resolved", [["safety"]], 1)
    _file(store, end, "rest", "other", 1, 2, "resolved", [["identity"]], 1)
    with store.session() as s, s.begin():
        ids = s.execute(sa.select(ComplaintRow.id).order_by(ComplaintRow.created_at)).scalars().all()
        service, other = ids[8], ids[9]  # the 8th and 9th of the window (after the one the day before)
        s.add(SurveyRow(complaint_id=service, kind="satisfaction", status="sent", due_at=start, created_at=start))
        s.add(SurveyRow(complaint_id=other, kind="follow_up", status="answered", solved=True, score=None,
                        due_at=start, answered_at=start, created_at=start))
    return end


def report_of(store: ComplaintStore, since: datetime, until: datetime,
              target: Deadline = SHIPPED_TARGET) -> Report:
    """The report against the resolution deadline as shipped, or `target`."""
    return build_report(store, since, until, target, SHANGHAI)


def test_the_report_counts_the_complaints_of_the_window(store: ComplaintStore) -> None:
    seed_complaints(store, START)
    report = report_of(store, START, END)

    assert report.total == 10, "the complaint the day before and the one at the end are outside"
    assert report.categories == (Count("quality", 4, 0.4), Count("delivery", 2, 0.2),
                                 Count("service_attitude", 1, 0.1), Count("price_billing", 1, 0.1),
                                 Count("refund_return", 1, 0.1)), "top 5, ties in data/labels.yml order"
    assert report.channels == (Count("webchat", 5, 0.5), Count("tg", 2, 0.2), Count("wechat", 2, 0.2),
                               Count("rest", 1, 0.1))
    assert report.escalated == Count("escalated", 6, 0.6)
    assert report.escalations == (Count("anger", 3, 0.3), Count("low_satisfaction", 2, 0.2),
                                  Count("threat", 2, 0.2), Count("human_request", 1, 0.1))
    assert (report.first_response.median, report.first_response.n) == (timedelta(hours=3), 7)
    # resolved now, by an agent: 10, 30, 40, 48, 49, 72 hours (the reopened one is not)
    assert (report.resolution.median, report.resolution.n) == (timedelta(hours=44), 6)
    assert report.within_target == Count("within_target", 4, 0.4), "48 hours exactly still counts"
    assert report.satisfaction_n == 5 and report.satisfaction_average == pytest.approx(3.4)
    assert report.satisfaction_scores == ((1, 1), (2, 1), (3, 0), (4, 1), (5, 2))


def test_one_incident_counts_once_whatever_happened_to_it(store: ComplaintStore) -> None:
    """Escalated twice, claimed, resolved, reopened after a low score, handed to another agent
    and resolved again, reopened by the follow-up and resolved a third time: still one complaint,
    one escalated complaint, one per reason, one response time, one resolution, one score."""
    queue, surveys = HandoffQueue(store, load_handoff_settings(SHANGHAI)), SurveyStore(store)
    li, wang = (AgentAccounts(store).create(name, f"客服{name}", "a-long-password", START) for name in ("li", "wang"))
    created = START + timedelta(days=1)
    at = lambda hours: created + timedelta(hours=hours)  # noqa: E731
    complaint = store.create(ComplaintDraft(
        channel="webchat", sender_id="web:alice", conversation_id="web:alice", category="quality",
        description="耳机坏了", first_response_due=at(24), resolution_due=at(48)), created)
    cid = complaint.public_id

    def handled(case_id: int, agent_id: int, claimed: float, resolved: float) -> None:
        assert queue.claim(case_id, agent_id, at(claimed))
        queue.resolve(case_id, agent_id, "已为您换货", at(resolved))

    queue.open_case(cid, [Decision("human_request", "P3", "客户要求转人工")], at(0.1))
    case = queue.open_case(cid, [Decision("threat", "P1", "客户提到曝光")], at(0.2))  # the same case
    handled(case.id, li.id, 1, 2)
    surveys.add(cid, SurveyKind.SATISFACTION.value, at(3), at(2))
    surveys.record_sent(cid, SurveyKind.SATISFACTION.value, at(3), at(72))
    assert surveys.record_answer(cid, SurveyKind.SATISFACTION.value, at(4), score=2)
    assert not surveys.add(cid, SurveyKind.SATISFACTION.value, at(5), at(4)), "one check per complaint"
    reopened = reopen_for_supervisor(queue, JobQueue(store), cid, "low_satisfaction", "客户打了2分", at(4))
    handled(reopened.case.id, wang.id, 5, 30)  # another agent this time
    surveys.add(cid, SurveyKind.FOLLOW_UP.value, at(31), at(30))
    surveys.record_sent(cid, SurveyKind.FOLLOW_UP.value, at(31), at(100))
    assert surveys.record_answer(cid, SurveyKind.FOLLOW_UP.value, at(40), solved=False)
    again = reopen_for_supervisor(queue, JobQueue(store), cid, "not_solved", "回访说问题又出现了", at(40))
    handled(again.case.id, li.id, 41, 60)

    report = report_of(store, START, END)

    assert report.total == 1
    assert report.categories == (Count("quality", 1, 1.0),) and report.channels == (Count("webchat", 1, 1.0),)
    assert report.escalated == Count("escalated", 1, 1.0)
    assert set(report.escalations) == {Count(reason, 1, 1.0) for reason in (
        "human_request", "threat", "low_satisfaction", "not_solved")}
    assert report.first_response == Median(timedelta(hours=1), 1), "the first claim, once"
    assert report.resolution == Median(timedelta(hours=60), 1), "the latest resolution, once"
    assert report.within_target == Count("within_target", 0, 0.0), "it was solved for good after 48 hours"
    assert (report.satisfaction_n, report.satisfaction_scores[1]) == (1, (2, 1))
    rows = _rows(csv_report(report))
    assert [rows[(section, key)]["value"] for section, key in (
        ("summary", "total"), ("summary", "escalated"), ("resolution", "n"), ("satisfaction", "n"),
        ("category_count", "quality"), ("escalation_count", "threat"))] == ["1"] * 6


@pytest.mark.parametrize(("resolution", "within", "label"), [
    ("{hours: 48}", 4, "48小时内解决"),
    ("{hours: 72}", 6, "72小时内解决"),
    # Per complaint, from the day it came: created on a Wednesday, due by Friday's end, so resolved
    # after 48 hours is in time and after 72 hours late; created on a Tuesday, 49 hours is in time.
    ("{working_days: 2}", 5, "2个工作日内解决"),
])
def test_the_target_is_the_resolution_deadline_of_the_policies(
        sqlite_store: ComplaintStore, tmp_path: Path, resolution: str, within: int, label: str) -> None:
    path = copy_config(tmp_path) / "data/policies.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("resolution: {hours: 48}", f"resolution: {resolution}"),
                    encoding="utf-8")
    seed_complaints(sqlite_store, START)
    report = report_of(sqlite_store, START, END, load_policies(path).resolution)

    assert report.within_target == Count("within_target", within, within / 10)
    assert re.search(rf"^  {label}（占全部投诉） +{within}（{within * 10}%）$", text_report(report, SHANGHAI), re.M)
    assert _rows(csv_report(report))[("summary", "within_target")] == {
        "section": "summary", "key": "within_target", "label": f"{label}的投诉", "value": str(within)}


def test_an_empty_window_has_no_medians_and_no_average(store: ComplaintStore) -> None:
    seed_complaints(store, START)
    report = report_of(store, START - timedelta(days=90), START - timedelta(days=30))
    assert (report.total, report.categories, report.channels, report.escalations) == (0, (), (), ())
    assert report.escalated.share == 0 and report.within_target.share == 0
    assert report.first_response.median is None and report.resolution.n == 0
    assert report.satisfaction_average is None and report.satisfaction_scores[0] == (1, 0)


def test_the_window_must_be_aware_and_in_order(store: ComplaintStore) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        report_of(store, datetime(2026, 3, 1), END)
    with pytest.raises(ValueError, match="must come after its start"):
        report_of(store, END, START)


def test_window_boundaries_are_read_as_durations_dates_or_times() -> None:
    now = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)
    assert parse_moment("90d", now, SHANGHAI) == now - timedelta(days=90)
    assert parse_moment(" 12h ", now, SHANGHAI) == now - timedelta(hours=12)
    assert parse_moment("2026-03-01", now, SHANGHAI) == START
    assert parse_moment("2026-03-01T08:30", now, SHANGHAI) == datetime(2026, 3, 1, 8, 30, tzinfo=SHANGHAI)
    assert parse_moment("2026-03-01T08:30+00:00", now, SHANGHAI) == datetime(2026, 3, 1, 8, 30,
                                                                              tzinfo=timezone.utc)
    with pytest.raises(ValueError, match="expected a time like 90d"):
        parse_moment("last week", now, SHANGHAI)
    for too_far in ("99999999d", "99999999999999999999h", "0001-01-01", "9999-12-31T23:59:59-23:59"):
        with pytest.raises(ValueError, match="too far from now"):
            parse_moment(too_far, now, SHANGHAI)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[ComplaintStore]:
    store = ComplaintStore(f"sqlite:///{tmp_path / 'complaints.db'}")
    store.migrate()
    yield store
    store.close()


def _rows(text: str) -> dict:
    return {(row["section"], row["key"]): row for row in csv.DictReader(io.StringIO(text))}


def test_text_csv_and_chart(sqlite_store: ComplaintStore) -> None:
    seed_complaints(sqlite_store, START)
    report = report_of(sqlite_store, START, END)

    text = text_report(report, SHANGHAI)
    assert text.startswith("投诉报表：2026-03-01 00:00 至 2026-03-31 00:00（共 10 件投诉）\n")
    # Label, then the figure, aligned in columns (the padding depends on the section's labels).
    for label, figure in (("首次响应时间中位数", "3小时（7 件有记录）"), ("48小时内解决（占全部投诉）", "4（40%）"),
                          ("满意度平均分（1-5分）", "3.40（5 人评价）"), ("商品质量问题", "4（40%）"),
                          ("网页在线客服", "5（50%）"), ("情绪激动", "3（30%）"), ("5分", "2（40%）")):
        assert re.search(rf"^  {re.escape(label)} {{2,}}{re.escape(figure)}$", text, re.M), label

    rows = _rows(csv_report(report))
    assert list(rows)[0] == ("window", "since")
    assert rows[("summary", "total")]["value"] == "10"
    assert rows[("first_response", "median_hours")]["value"] == "3.0"
    assert rows[("resolution", "median_hours")]["value"] == "44.0"
    assert rows[("summary", "within_target_share")]["value"] == "0.4"
    assert rows[("category_share", "quality")] == {"section": "category_share", "key": "quality",
                                                   "label": "商品质量问题", "value": "0.4"}
    assert ("category_count", "other") not in rows, "only the top 5"
    assert rows[("escalation_rate", "anger")]["label"] == "情绪激动"
    assert rows[("satisfaction", "average")]["value"] == "3.4"
    assert rows[("satisfaction_score", "3")]["value"] == "0"

    assert chart_png(report).startswith(PNG_SIGNATURE)


def test_the_chart_labels_are_chinese_in_a_font_that_has_them(sqlite_store: ComplaintStore) -> None:
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.ft2font import FT2Font

    seed_complaints(sqlite_store, START)
    report = report_of(sqlite_store, START, END)
    assert cjk_font() is not None, "no CJK font: run scripts/setup.sh (Debian's fonts-noto-cjk)"
    chart = chart_figure(report)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        FigureCanvasAgg(chart).draw()
    assert not [w for w in caught if "missing from" in str(w.message)], "a glyph drawn as a box"

    categories = chart.axes[0]
    shown = [label.get_text() for label in categories.get_yticklabels()][::-1]  # drawn bottom up
    assert shown == [load_labels().categories[c.key] for c in report.categories]
    assert len(shown) == 5 and all(re.search(r"[\u4e00-\u9fff]", label) for label in shown), shown
    texts = [categories.title, *categories.get_yticklabels(), chart.axes[3].get_yticklabels()[0]]
    assert texts[-1].get_text() == "5分"  # drawn bottom up
    for text in texts:
        path = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
        font = FT2Font(path)
        assert font.family_name in CJK_FONTS, (text.get_text(), path)
        assert all(font.get_char_index(ord(ch)) for ch in text.get_text()), (text.get_text(), path)
    assert chart_png(report).startswith(PNG_SIGNATURE)


def test_the_report_command_prints_and_exports(sqlite_store: ComplaintStore, tmp_path: Path) -> None:
    seed_complaints(sqlite_store, START)
    csv_path, chart_path = tmp_path / "report.csv", tmp_path / "report.png"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "report", "--since", "2026-03-01", "--until", "2026-03-31",
         "--csv", str(csv_path), "--chart", str(chart_path)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "DATABASE_URL": str(sqlite_store.engine.url), "COMPLAINT_TIMEZONE": "Asia/Shanghai"})
    assert done.returncode == 0, done.stderr
    assert "（共 10 件投诉）" in done.stdout and "解决时间中位数              44小时（6 件有记录）" in done.stdout
    assert f"CSV 已写入：{csv_path}" in done.stdout

    raw = csv_path.read_bytes()
    assert raw.startswith("\ufeff".encode()), "a BOM, so that Excel reads UTF-8"
    rows = _rows(raw.decode("utf-8-sig"))
    assert rows[("channel_count", "webchat")]["value"] == "5"
    assert rows[("summary", "within_target")]["label"] == "48小时内解决的投诉", "the deadline of data/policies.yml"
    assert rows[("window", "since")]["value"] == START.isoformat()
    assert chart_path.read_bytes().startswith(PNG_SIGNATURE)

    wrong = subprocess.run([sys.executable, "-m", "bot", "report", "--since", "soon"], cwd=REPO_ROOT,
                           capture_output=True, text=True, timeout=120,
                           env={**os.environ, "DATABASE_URL": str(sqlite_store.engine.url)})
    assert wrong.returncode == 2 and "expected a time like 90d" in wrong.stderr
