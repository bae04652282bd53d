"""What a channel learns about a customer outside the conversation: the photos, videos, locations
and links they send, kept with their open complaint; and whether they can be reached at all.

Evidence goes to the customer's newest open complaint (`bot.complaints.OPEN_STATUSES`); without
one it is kept for the customer and joins the complaint they file next (`attach_unfiled`). A customer is unreachable
when the platform refuses to deliver to them (they unfollowed, or have not written for too long);
their next message makes them reachable again.

A photo or voice message is kept as a file (`bot.files`): at once when the customer uploads it
(the web chat), else downloaded from the platform afterwards (`bot.media_jobs`), which records
the file (`stored`) or why it could not be had (`fetch_failed`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, Optional

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.clock import require_aware
from bot.complaints import OPEN_STATUSES, normalise_complaint_id
from bot.files import StoredFile
from bot.storage.complaints import ComplaintNotFound, ComplaintStore
from bot.storage.models import ComplaintRow, Customer, EvidenceRow

KINDS = ("image", "video", "voice", "audio", "document", "sticker", "location", "link")


@dataclass(frozen=True)
class Evidence:
    """One thing a customer sent, as stored."""

    id: int
    channel: str
    sender_id: str
    kind: str
    """One of `KINDS`."""
    complaint_id: Optional[str]
    """The public ID of the complaint it is attached to, or None (not filed yet)."""
    media_id: Optional[str]
    url: Optional[str]
    details: Mapping[str, Any]
    created_at: datetime
    file: Optional[StoredFile] = None
    """The photo or voice message in the file store, once there."""
    fetch_error: Optional[str] = None
    """Why the file could not be downloaded from the platform (given up)."""


class EvidenceStore:
    """Evidence and reachability in the complaint store's database."""

    def __init__(self, store: ComplaintStore) -> None:
        self.store = store

    def attach(self, channel: str, sender_id: str, kind: str, now: datetime,
               media_id: Optional[str] = None, url: Optional[str] = None,
               details: Optional[Mapping[str, Any]] = None, file: Optional[StoredFile] = None) -> Evidence:
        """Keep what the customer sent (with its `file` when it is in the file store already),
        attached to their newest open complaint if they have one."""
        require_aware("now", now)
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
        with self.store.session() as s, s.begin():
            complaint = s.execute(
                select(ComplaintRow.id, ComplaintRow.public_id)
                .join(Customer, ComplaintRow.customer_id == Customer.id)
                .where(Customer.channel == channel, Customer.sender_id == sender_id,
                       ComplaintRow.status.in_(OPEN_STATUSES))
                .order_by(ComplaintRow.created_at.desc(), ComplaintRow.id.desc()).limit(1)
            ).first()
            row = EvidenceRow(channel=channel, sender_id=sender_id, kind=kind, media_id=media_id,
                              url=url, details=dict(details or {}), created_at=now,
                              complaint_id=complaint.id if complaint else None,
                              file_key=file and file.key, content_type=file and file.content_type,
                              size=file and file.size)
            s.add(row)
            s.flush()
            return _evidence(row, complaint.public_id if complaint else None)

    def attach_unfiled(self, channel: str, sender_id: str, public_id: str) -> int:
        """Attach the customer's evidence that has no complaint yet to complaint `public_id`;
        returns how many were attached. Raises `ComplaintNotFound`."""
        public_id = normalise_complaint_id(public_id)
        with self.store.session() as s, s.begin():
            complaint_id = s.execute(
                select(ComplaintRow.id).where(ComplaintRow.public_id == public_id)).scalar()
            if complaint_id is None:
                raise ComplaintNotFound(public_id)
            attached: int = s.execute(
                update(EvidenceRow)
                .where(EvidenceRow.channel == channel, EvidenceRow.sender_id == sender_id,
                       EvidenceRow.complaint_id.is_(None))
                .values(complaint_id=complaint_id).execution_options(synchronize_session=False)
            ).rowcount
            return attached

    def for_complaint(self, public_id: str) -> list[Evidence]:
        """The evidence attached to complaint `public_id`, oldest first."""
        public_id = normalise_complaint_id(public_id)
        with self.store.session() as s:
            rows = s.execute(
                select(EvidenceRow).join(ComplaintRow, EvidenceRow.complaint_id == ComplaintRow.id)
                .where(ComplaintRow.public_id == public_id)
                .order_by(EvidenceRow.created_at, EvidenceRow.id)
            ).scalars()
            return [_evidence(row, public_id) for row in rows]

    def unfiled(self, channel: str, sender_id: str) -> list[Evidence]:
        """The customer's evidence that joins no complaint yet, oldest first."""
        with self.store.session() as s:
            rows = s.execute(
                select(EvidenceRow)
                .where(EvidenceRow.channel == channel, EvidenceRow.sender_id == sender_id,
                       EvidenceRow.complaint_id.is_(None))
                .order_by(EvidenceRow.created_at, EvidenceRow.id)
            ).scalars()
            return [_evidence(row, None) for row in rows]

    def get(self, evidence_id: int) -> Optional[Evidence]:
        """The evidence `evidence_id` (None when there is none)."""
        with self.store.session() as s:
            found = s.execute(
                select(EvidenceRow, ComplaintRow.public_id)
                .outerjoin(ComplaintRow, EvidenceRow.complaint_id == ComplaintRow.id)
                .where(EvidenceRow.id == evidence_id)).first()
            return _evidence(found[0], found[1]) if found else None

    def stored(self, evidence_id: int, file: StoredFile) -> None:
        """The evidence's file was downloaded into the file store."""
        self._update(evidence_id, file_key=file.key, content_type=file.content_type, size=file.size,
                     fetch_error=None)

    def fetch_failed(self, evidence_id: int, error: str) -> None:
        """The evidence's file could not be downloaded, for good (`error` says why)."""
        self._update(evidence_id, fetch_error=error[:2000])

    def _update(self, evidence_id: int, **values: Any) -> None:
        with self.store.session() as s, s.begin():
            s.execute(update(EvidenceRow).where(EvidenceRow.id == evidence_id).values(**values)
                      .execution_options(synchronize_session=False))

    def mark_unreachable(self, channel: str, sender_id: str, now: datetime) -> None:
        """Nothing can be delivered to the customer for now (recorded even before any complaint)."""
        require_aware("now", now)
        for _attempt in range(2):  # a complaint filed at the same moment may insert the customer
            try:
                with self.store.session() as s, s.begin():
                    customer = s.execute(select(Customer).where(
                        Customer.channel == channel, Customer.sender_id == sender_id)).scalar()
                    if customer is None:
                        s.add(Customer(channel=channel, sender_id=sender_id, unreachable=True, created_at=now))
                    else:
                        customer.unreachable = True
                return
            except IntegrityError:
                continue

    def mark_reachable(self, channel: str, sender_id: str) -> None:
        """The customer wrote again: messages can reach them."""
        with self.store.session() as s, s.begin():
            s.execute(update(Customer).where(Customer.channel == channel, Customer.sender_id == sender_id,
                                             Customer.unreachable.is_(True))
                      .values(unreachable=False).execution_options(synchronize_session=False))

    def is_unreachable(self, channel: str, sender_id: str) -> bool:
        with self.store.session() as s:
            return bool(s.execute(select(Customer.unreachable).where(
                Customer.channel == channel, Customer.sender_id == sender_id)).scalar())


def _evidence(row: EvidenceRow, public_id: Optional[str]) -> Evidence:
    file = StoredFile(row.file_key, row.content_type, row.size) if row.file_key else None
    return Evidence(row.id, row.channel, row.sender_id, row.kind, public_id, row.media_id, row.url,
                    dict(row.details or {}), row.created_at, file, row.fetch_error)
