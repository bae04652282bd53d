"""The photos and voice messages customers send, on the case page: thumbnails that open full size
and playable audio in headless Chromium, served only to agents who may see the case, and only
ever as the image or audio their bytes are (never as a page)."""
from __future__ import annotations

import hashlib

from playwright.sync_api import expect

from bot.clock import utcnow
from bot.files import Directory, StoredFile
from bot.storage import ComplaintStore, EvidenceStore
from tests.auxil.agents import THREAT, AgentClient, new_customer, seed_case
from tests.auxil.media import PHOTO, PNG, VOICE
from tests.auxil.stack import Console
from tests.console.conftest import AgentPage, NewAgent
from tests.console.test_supervisors_in_browser import LOW_SATISFACTION


def _file_url(case_id: int, evidence_id: int) -> str:
    return f"/agent/cases/{case_id}/evidence/{evidence_id}"


def test_a_photo_is_served_as_an_image_inline_with_safe_headers(console: Console, agent: AgentClient) -> None:
    customer = new_customer()
    case = seed_case(console.database_url, customer, [THREAT])
    photo = console.attach_file(customer, "image", PHOTO)
    voice = console.attach_file(customer, "voice", VOICE)

    shown = agent.http.get(_file_url(case.id, photo))
    assert shown.status_code == 200 and shown.content == PHOTO
    assert shown.headers["Content-Type"] == "image/jpeg"
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert shown.headers["Content-Disposition"].startswith("inline")
    assert "sandbox" in shown.headers["Content-Security-Policy"]
    played = agent.http.get(_file_url(case.id, voice))
    assert (played.headers["Content-Type"], played.content) == ("audio/ogg", VOICE)
    [listed_photo, listed_voice] = agent.get(f"cases/{case.id}").json()["evidence"]
    assert (listed_photo["kind_label"], listed_photo["file_url"]) == ("照片", _file_url(case.id, photo))
    assert (listed_voice["kind_label"], listed_voice["content_type"]) == ("语音", "audio/ogg")


def test_bytes_that_are_no_image_are_never_served_as_a_page(console: Console, agent: AgentClient) -> None:
    """Even a file that got into the store by another way than the checked upload."""
    customer = new_customer()
    case = seed_case(console.database_url, customer, [THREAT])
    page = b"<html><script>alert(document.cookie)</script></html>"
    key = hashlib.sha256(page).hexdigest()
    Directory(console.files).write(key, page)
    kept = EvidenceStore(ComplaintStore(console.database_url)).attach(
        "rest", customer, "image", utcnow(), file=StoredFile(key, "image/png", len(page)))

    served = agent.http.get(_file_url(case.id, kept.id))
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "application/octet-stream"
    assert served.headers["Content-Disposition"].startswith("attachment")
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_no_file_for_strangers_agents_of_other_cases_or_a_case_for_supervisors(
        console: Console, agent: AgentClient, new_agent: NewAgent) -> None:
    customer = new_customer()
    case = seed_case(console.database_url, customer, [THREAT])
    photo = console.attach_file(customer, "image", PHOTO)
    other = seed_case(console.database_url, new_customer(), [THREAT])
    reopened_customer = new_customer()
    reopened = seed_case(console.database_url, reopened_customer, [LOW_SATISFACTION])
    reopened_photo = console.attach_file(reopened_customer, "image", PNG)

    stranger = AgentClient(console.url)
    refused = stranger.http.get(_file_url(case.id, photo))
    assert refused.status_code == 302 and "/agent/login" in refused.headers["Location"]
    assert agent.http.get(_file_url(other.id, photo)).status_code == 404, "the file is not this case's"
    assert agent.http.get(_file_url(reopened.id, reopened_photo)).status_code == 403
    assert PNG not in agent.http.get(_file_url(reopened.id, reopened_photo)).content
    supervisor = AgentClient.by_api(console.url, *new_agent("张丽", "supervisor"))
    assert supervisor.http.get(_file_url(reopened.id, reopened_photo)).content == PNG
    assert agent.http.get(_file_url(case.id, 10 ** 12)).status_code == 404


def test_the_case_page_shows_thumbnails_that_open_full_size_and_plays_voice(
        console: Console, agent_page: AgentPage) -> None:
    customer = new_customer()
    case = seed_case(console.database_url, customer, [THREAT])
    console.attach_file(customer, "image", PHOTO)
    console.attach_file(customer, "voice", VOICE)
    page = agent_page("王芳")
    page.goto(f"{console.url}/agent/cases/{case.id}")

    thumbnail = page.get_by_role("img", name="客户发来的照片")
    expect(thumbnail).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    assert thumbnail.bounding_box()["width"] <= 130, "a thumbnail, not the whole photo"
    expect(page.locator("#evidence audio")).to_have_attribute("controls", "")
    with page.context.expect_page() as opened:
        thumbnail.click()
    full = opened.value
    full.wait_for_load_state()
    size = full.evaluate("() => { const img = document.querySelector('img'); "
                         "return [img.naturalWidth, img.naturalHeight]; }")
    assert size == [320, 240], "the photo opens full size"
    full.close()
