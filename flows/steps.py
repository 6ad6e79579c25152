"""The automated steps, as plain functions of (runtime, ids). Each opens its own short
transaction, commits, and is safe to run again (see ``approvals.issuing.service``)."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from approvals import outbox
from approvals.clock import to_utc
from approvals.errors import ConcurrentUpdate
from approvals.issuing import service as issuing
from core.db import session_scope
from core.processes import deferred_signals
from documents.render import render_pdf
from documents.signing import bureau_signer
from flows import anchoring
from flows.runtime import Runtime
from mail import Attachment, build_message
from models import Application, Document, DocumentState
from storage import ObjectStore


def pending_document_ids(rt: Runtime, application_id: int) -> list[int]:
    with session_scope(rt.engine) as session:
        return [d.id for d in issuing.pending_documents(session, application_id)]  # type: ignore[misc]


def number_document(rt: Runtime, document_id: int) -> str:
    with session_scope(rt.engine) as session:
        document = issuing.allocate_number(session, document_id)
        session.commit()
        return str(document.number)


ContextOf = Callable[..., dict[str, Any]]  # (session, catalogue, document_id, issuer=, base_url=)
RecordIssued = Callable[..., Document]  # (session, clock, document_id, key=, sha256=, size=, …)


def render_and_store(
    rt: Runtime, document_id: int, context_of: ContextOf = issuing.document_context
) -> dict[str, object]:
    """Render the PDF, sign it with the bureau's key (PAdES, the key loaded once) and put it
    under its number and digest (``issuing.object_key``); returns key, sha256 (of the signed
    bytes) and size. A document another run has issued meanwhile is not rendered again.
    ``context_of`` builds the template's context (a consultation's 指导意见 has its own)."""
    with session_scope(rt.engine) as session:
        issued = session.get(Document, document_id)
        if issued is not None and issued.state is DocumentState.ISSUED and issued.object_key:
            return {"key": issued.object_key, "sha256": issued.sha256, "size": issued.size}
        context = context_of(
            session,
            rt.catalogue,
            document_id,
            issuer=rt.settings.bureau_name,
            base_url=rt.settings.public_base_url,
        )
        document = session.get(Document, document_id)
        assert document is not None
        session.expunge(document)
    pdf = bureau_signer(rt.settings).sign(render_pdf(str(context["template"]), context))
    sha256 = hashlib.sha256(pdf).hexdigest()
    key = issuing.object_key(document, sha256)
    rt.store.put(key, pdf, "application/pdf")
    _just_stored.keep(key, pdf)
    return {"key": key, "sha256": sha256, "size": len(pdf)}


class JustStored:
    """The last few renderings this process stored, by key, so the mail that attaches one a
    moment later does not read it back from the object store. Keys end in the digest of the
    bytes (``issuing.object_key``): an entry is what the store holds under its key. Taken
    once (a retry reads the store)."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, key: str, data: bytes) -> None:
        with self._lock:
            self._entries[key] = data
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def take(self, key: str) -> bytes | None:
        with self._lock:
            return self._entries.pop(key, None)


_just_stored = JustStored()


def stored_bytes(store: ObjectStore, key: str) -> bytes:
    """An object's bytes: from ``JustStored`` if this process has just put it, else the store."""
    data = _just_stored.take(key)
    return store.get(key) if data is None else data


def mark_issued(
    rt: Runtime,
    document_id: int,
    stored: dict[str, object],
    record: RecordIssued = issuing.record_issued,
) -> None:
    """Record the stored rendering issued (``record``: a case's document, or a consultation's
    指导意见), delete any other rendering of it, seal the audit checkpoint the issue asked for."""
    with session_scope(rt.engine) as session:
        document = record(
            session,
            rt.clock,
            document_id,
            key=str(stored["key"]),
            sha256=str(stored["sha256"]),
            size=int(stored["size"]),  # type: ignore[call-overload]
            issuer=rt.settings.bureau_name,
            issuer_code=rt.settings.bureau_uscc,
        )
        session.commit()
        recorded, prefix = document.object_key, issuing.object_prefix(document)
    for key in rt.store.keys(prefix):  # a rendering not recorded: another run's, or ours when
        if key != recorded:  # another run recorded first, or one a crashed run left behind
            rt.store.delete(key)
    anchoring.seal_checkpoints(rt)  # the checkpoint the issue requested (else: the sweep)


def finish_stage(rt: Runtime, application_id: int) -> str:
    """Leave the automated state. If a concurrent run (a sweep) got there first, that is the
    intended outcome, not an error: report the status it left."""
    with session_scope(rt.engine) as session:
        try:
            status = issuing.finish_automated_stage(session, rt.clock, application_id)
            session.commit()
        except ConcurrentUpdate:
            session.rollback()
            application = session.get(Application, application_id)
            assert application is not None
            status = application.status
        return status.value


def relay_mail(rt: Runtime, application_id: int | None = None, limit: int = 100) -> int:
    """Send due outbox messages (one case's, or all), each claimed, sent and recorded on its
    own, no database connection held while S3 or the SMTP server is talked to; returns how
    many were sent. A failed message keeps its row (attempts, last error) for the next sweep.

    Delivery is at least once: a crash (SIGKILL, power) between the SMTP answer and the
    record sends that one message again once its claim has run out, with the same
    Message-ID, so mail systems can recognise the repeat. A stop (SIGTERM, SIGINT) waits until
    the message is recorded.
    """
    sent, last_id = 0, 0
    for _ in range(limit):
        with session_scope(rt.engine) as session:
            mail = outbox.claim_next(
                session, wall_now(), after_id=last_id, application_id=application_id
            )
            session.commit()
        if mail is None:
            break
        mail_id = last_id = mail.id or last_id
        try:
            message = build_message(
                message_id=mail.message_id,
                sender=rt.settings.mail_from,
                to=mail.to_addr,
                subject=mail.subject,
                body=mail.body,
                attachments=[
                    Attachment(
                        a["filename"], a["content_type"], stored_bytes(rt.store, a["object_key"])
                    )
                    for a in mail.attachments
                ],
            )
        except Exception as exc:  # recorded on the row; the sweep retries
            _record(rt, mail_id, error=f"{type(exc).__name__}: {exc}")
            continue
        with deferred_signals():  # a stop between "accepted" and "recorded" would resend
            try:
                rt.sender.send(message)
            except Exception as exc:  # recorded on the row; the sweep retries
                _record(rt, mail_id, error=f"{type(exc).__name__}: {exc}")
            else:
                _record(rt, mail_id)
                sent += 1
    return sent


def _record(rt: Runtime, mail_id: int, error: str = "") -> None:
    with session_scope(rt.engine) as session:
        if error:
            outbox.mark_failed(session, mail_id, error)
        else:
            outbox.mark_sent(session, mail_id, to_utc(rt.clock.now()))
        session.commit()


def wall_now() -> datetime:
    """Claims and leases run on the wall clock (a case's clock may be moved: simulations)."""
    return datetime.now(UTC)
