"""Photos, videos, locations and links customers send stay with their complaint; customers the
platform cannot deliver to are marked, until they write again (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.files import StoredFile
from bot.storage import ComplaintNotFound, ComplaintStore, EvidenceStore
from tests.bot.storage.test_complaints import NOW, draft


@pytest.fixture
def evidence(store: ComplaintStore) -> EvidenceStore:
    return EvidenceStore(store)


def test_evidence_joins_the_newest_open_complaint(store: ComplaintStore, evidence: EvidenceStore):
    older = store.create(draft(), NOW)
    newer = store.create(draft(description="第二次投诉"), NOW + timedelta(minutes=5))
    store.create(draft(sender_id="oSomeoneElse"), NOW)

    kept = evidence.attach("wechat", "oUser123", "image", NOW, media_id="img-1", url="http://mmbiz/1.jpg")
    assert kept.complaint_id == newer.public_id
    [stored] = evidence.for_complaint(newer.public_id)
    assert (stored.kind, stored.media_id, stored.url) == ("image", "img-1", "http://mmbiz/1.jpg")
    assert evidence.for_complaint(older.public_id) == []


def test_resolved_complaints_take_no_evidence(store: ComplaintStore, evidence: EvidenceStore):
    complaint = store.create(draft(), NOW)
    store.set_status(complaint.public_id, "resolved", NOW)
    kept = evidence.attach("wechat", "oUser123", "location", NOW,
                           details={"label": "上海市黄浦区", "latitude": "31.23", "longitude": "121.47"})
    assert kept.complaint_id is None and kept.details["label"] == "上海市黄浦区"


def test_evidence_sent_first_joins_the_complaint_filed_next(store: ComplaintStore, evidence: EvidenceStore):
    evidence.attach("wechat", "oUser123", "image", NOW, media_id="img-1")
    evidence.attach("wechat", "oUser123", "link", NOW, url="https://shop/o/1", details={"title": "订单详情"})
    evidence.attach("wechat", "oSomeoneElse", "image", NOW, media_id="img-2")
    complaint = store.create(draft(), NOW + timedelta(minutes=1))
    assert evidence.attach_unfiled("wechat", "oUser123", complaint.public_id) == 2
    assert [e.kind for e in evidence.for_complaint(complaint.public_id)] == ["image", "link"]
    with pytest.raises(ComplaintNotFound):
        evidence.attach_unfiled("wechat", "oUser123", "TS-20260101-0001")


def test_a_customers_evidence_before_any_complaint_is_theirs_alone(store: ComplaintStore, evidence: EvidenceStore):
    """What a case without a complaint shows the agent: the customer's photos not yet filed."""
    evidence.attach("wechat", "oUser123", "image", NOW, media_id="img-1")
    evidence.attach("telegram", "oUser123", "image", NOW, media_id="img-other-channel")
    evidence.attach("wechat", "oSomeoneElse", "image", NOW, media_id="img-2")
    assert [e.media_id for e in evidence.unfiled("wechat", "oUser123")] == ["img-1"]
    complaint = store.create(draft(), NOW + timedelta(minutes=1))
    evidence.attach_unfiled("wechat", "oUser123", complaint.public_id)
    assert evidence.unfiled("wechat", "oUser123") == []


def test_unknown_kinds_are_refused(evidence: EvidenceStore):
    with pytest.raises(ValueError, match="kind must be one of image, video, voice"):
        evidence.attach("wechat", "oUser123", "hologram", NOW)


def test_a_customer_is_unreachable_until_they_write_again(store: ComplaintStore, evidence: EvidenceStore):
    assert not evidence.is_unreachable("wechat", "oNew")
    evidence.mark_unreachable("wechat", "oNew", NOW)  # no complaint, no customer row yet
    assert evidence.is_unreachable("wechat", "oNew")
    assert not evidence.is_unreachable("rest", "oNew"), "per channel"

    store.create(draft(sender_id="oNew"), NOW)  # filing keeps the flag
    assert evidence.is_unreachable("wechat", "oNew")
    evidence.mark_reachable("wechat", "oNew")
    assert not evidence.is_unreachable("wechat", "oNew")

    store.create(draft(), NOW)
    evidence.mark_unreachable("wechat", "oUser123", NOW)
    evidence.mark_unreachable("wechat", "oUser123", NOW)
    assert evidence.is_unreachable("wechat", "oUser123")
    assert store.latest_for_customer("wechat", "oUser123") is not None


def test_a_photo_keeps_its_file_or_why_it_could_not_be_downloaded(store: ComplaintStore, evidence: EvidenceStore):
    complaint = store.create(draft(), NOW)
    uploaded = evidence.attach("web", "web:abc", "image", NOW, file=StoredFile("a" * 64, "image/png", 120))
    fetched = evidence.attach("wechat", "oUser123", "image", NOW, media_id="img-1")
    lost = evidence.attach("wechat", "oUser123", "voice", NOW, media_id="voice-1")
    evidence.stored(fetched.id, StoredFile("b" * 64, "image/jpeg", 3000))
    evidence.fetch_failed(lost.id, "WeChat error 40007: invalid media_id")

    assert evidence.get(uploaded.id).file == StoredFile("a" * 64, "image/png", 120)
    [photo, voice] = evidence.for_complaint(complaint.public_id)
    assert (photo.media_id, photo.file, photo.fetch_error) == ("img-1", StoredFile("b" * 64, "image/jpeg", 3000), None)
    assert (voice.media_id, voice.file, voice.fetch_error) == ("voice-1", None, "WeChat error 40007: invalid media_id")
    assert evidence.get(voice.id).complaint_id == complaint.public_id and evidence.get(10 ** 9) is None
