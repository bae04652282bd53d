"""The reports page, its CSV and chart, and /agent/api/reports, on the console's store seeded with
the known complaints of tests/bot/test_reports.py in a window of their own (January 2020)."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.storage import ComplaintDraft, ComplaintStore
from tests.auxil.agents import AgentClient
from tests.auxil.stack import Console
from tests.bot.test_reports import PNG_SIGNATURE, seed_complaints
from tests.console.conftest import NewAgent

START = datetime(2020, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
WINDOW = "since=2020-01-01&until=2020-01-31"
MARKUP_CHANNEL = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def seeded(store: ComplaintStore) -> None:
    """The known complaints in January 2020, and one from a channel named like markup in 2019."""
    seed_complaints(store, START)
    at = datetime(2019, 6, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    store.create(ComplaintDraft(channel=MARKUP_CHANNEL, sender_id="markup", conversation_id="markup",
                                category="other", description="测试", first_response_due=at + timedelta(hours=2),
                                resolution_due=at + timedelta(days=2)), at)


@pytest.fixture
def browser_agent(console: Console, new_agent: NewAgent) -> AgentClient:
    """A supervisor logged in by the form (reports are for supervisors)."""
    return AgentClient.by_form(console.url, *new_agent("王芳", "supervisor"))


def test_the_page_shows_the_figures(seeded: None, browser_agent: AgentClient) -> None:
    answer = browser_agent.http.get(f"/agent/reports?{WINDOW}")
    assert answer.status_code == 200
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    page = answer.text
    assert '<a class="topbar__link" href="/agent/reports">统计报表</a>' in page
    assert "2020-01-01 00:00 至 2020-01-31 00:00（共 10 件投诉）" in page
    for label, value in [("首次响应时间中位数", "3小时（7 件有记录）"), ("解决时间中位数", "44小时（6 件有记录）"),
                         ("48小时内解决（占全部投诉）", "4（40%）"), ("满意度平均分（1-5分）", "3.40（5 人评价）"),
                         ("商品质量问题", "4（40%）"), ("网页在线客服", "5（50%）"), ("情绪激动", "3（30%）")]:
        assert f'<th scope="row">{label}</th><td>{value}</td>' in page, label
    assert '<rect class="bar__fill" width="40.0" height="10"/>' in page
    assert '<option value="2020-01-01" selected>2020-01-01</option>' in page
    assert 'href="/agent/reports.csv?since=2020-01-01&amp;until=2020-01-31"' in page
    assert "/agent/static/reports.js" not in page, "the page needs no script of its own"


def test_text_from_the_database_is_escaped(seeded: None, browser_agent: AgentClient) -> None:
    page = browser_agent.http.get("/agent/reports?since=2019-06-01&until=2019-06-02").text
    assert MARKUP_CHANNEL not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_csv_and_the_chart_download(seeded: None, browser_agent: AgentClient) -> None:
    exported = browser_agent.http.get(f"/agent/reports.csv?{WINDOW}")
    assert exported.status_code == 200
    assert exported.headers["content-type"] == "text/csv; charset=utf-8"
    assert exported.headers["content-disposition"] == 'attachment; filename="complaint-report-20200131.csv"'
    rows = {(row["section"], row["key"]): row["value"]
            for row in csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")))}
    assert rows[("summary", "total")] == "10" and rows[("summary", "within_target_share")] == "0.4"
    assert rows[("first_response", "median_hours")] == "3.0"

    chart = browser_agent.http.get(f"/agent/reports.png?{WINDOW}")
    assert chart.headers["content-type"] == "image/png" and chart.content.startswith(PNG_SIGNATURE)


def test_the_api_answers_the_same_figures(seeded: None, console: Console, new_agent: NewAgent) -> None:
    answer = AgentClient.by_api(console.url, *new_agent("李明", "supervisor")).get(f"reports?{WINDOW}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["since"] == START.isoformat()
    figures = {(f["section"], f["key"]): f for f in body["figures"]}
    assert figures[("summary", "total")]["value"] == 10
    assert figures[("escalation_rate", "anger")] == {"section": "escalation_rate", "key": "anger",
                                                     "label": "情绪激动", "value": 0.3}


@pytest.mark.parametrize("window", ["since=soon", "since=2020-02-01&until=2020-01-01", "since=99999999d",
                                    "since=99999999999999999999h", "since=0001-01-01",
                                    "until=9999-12-31T23:59:59-23:59"])
def test_a_window_that_cannot_be_read_is_refused_saying_what_works(browser_agent: AgentClient,
                                                                   window: str) -> None:
    page = browser_agent.http.get(f"/agent/reports?{window}")
    assert page.status_code == 400 and "请写成 90d、12h、2026-01-31" in page.text
    for path in (f"/agent/reports.csv?{window}", f"/agent/reports.png?{window}"):
        assert browser_agent.http.get(path).status_code == 400
    answer = browser_agent.get(f"reports?{window}")
    assert answer.status_code == 400 and "请写成 90d、12h、2026-01-31" in answer.json()["error"]


def test_reports_need_a_login(console: Console) -> None:
    for path in ("/agent/reports", "/agent/reports.csv", "/agent/reports.png"):
        answer = httpx.get(f"{console.url}{path}")
        assert answer.status_code == 302, path
        assert answer.headers["location"].startswith("/agent/login?next=")
    assert httpx.get(f"{console.url}/agent/api/reports").status_code == 401


def test_logging_in_from_the_reports_comes_back_to_them(console: Console, new_agent: NewAgent) -> None:
    username, password = new_agent("张伟", "supervisor")
    answer = httpx.post(f"{console.url}/agent/login",
                        data={"username": username, "password": password, "next": "/agent/reports"})
    assert (answer.status_code, answer.headers["location"]) == (302, "/agent/reports")
