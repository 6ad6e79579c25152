"""Senders hand a built message to an SMTP relay, or write it to an .eml outbox folder.

Both are idempotent per Message-ID only as far as the medium allows: the folder sender
overwrites ``{message id}.eml``; SMTP cannot take a message back, so the outbox relay (elsewhere)
records success before moving on and relies on the Message-ID for de-duplication downstream.
"""

from __future__ import annotations

import contextlib
import email.policy
import hashlib
import os
import re
import smtplib
import ssl
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol, runtime_checkable

from core.settings import MailBackend, Settings

_UNSAFE_FILENAME_CHARS = re.compile(r"[^A-Za-z0-9._@+=-]")
_MAX_STEM = 150


class MailError(Exception):
    """Sending failed. ``permanent`` is True when the server refused this message for good
    (a 5xx answer to MAIL FROM, RCPT TO or DATA); connection, timeout, TLS and login
    failures are not permanent: the same message may go through once the relay is fixed.
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@runtime_checkable
class MailSender(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Deliver one message; raise ``MailError`` if it was not accepted."""
        ...


class SmtpSender:
    """Sends through an SMTP relay with smtplib, optionally STARTTLS and AUTH LOGIN/PLAIN."""

    def __init__(
        self,
        host: str,
        port: int,
        username: str = "",
        password: str = "",
        starttls: bool = False,
        timeout: float = 10.0,
        local_hostname: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout
        self.local_hostname = local_hostname  # EHLO name; None: smtplib uses the host's FQDN
        self._tls: ssl.SSLContext | None = None  # built once: it loads the system's CA store
        self._kept = threading.local()  # this thread's connection inside ``kept()``

    def __repr__(self) -> str:
        return f"SmtpSender({self.host!r}, {self.port})"

    def send(self, message: EmailMessage) -> None:
        """One connection for one message, or the thread's kept one (``kept()``); raises
        ``MailError``."""
        error: Exception | None
        if getattr(self._kept, "active", False):
            error = self._send_kept(message)
        else:
            error = self.send_many([message])[0]
        if error is not None:
            raise error

    @contextmanager
    def kept(self) -> Iterator[None]:
        """Inside the block, this thread's ``send`` calls share one connection: opened at the
        first send, checked (NOOP) before each reuse, opened again after a drop, closed (QUIT)
        when the block ends. A worker's batch sends its cases' mail over one SMTP session
        instead of one each; every message is still accepted or refused on its own, so the
        caller records each before the next (the outbox's at-least-once). Nested blocks use
        the outer one's connection."""
        if getattr(self._kept, "active", False):
            yield
            return
        self._kept.active, self._kept.smtp = True, None
        try:
            yield
        finally:
            smtp: smtplib.SMTP | None = self._kept.smtp
            self._kept.active, self._kept.smtp = False, None
            if smtp is not None:
                _quit(smtp)

    def _send_kept(self, message: EmailMessage) -> MailError | None:
        smtp: smtplib.SMTP | None = self._kept.smtp
        if smtp is not None and not _alive(smtp):
            smtp = self._kept.smtp = None
        if smtp is None:
            try:
                smtp = self._connect()
            except (smtplib.SMTPException, OSError) as exc:
                return self._error(exc, "connect")
        error = self._deliver(smtp, message)
        self._kept.smtp = smtp if smtp.sock is not None else None  # dropped: reopen next time
        return error

    def send_many(self, messages: Sequence[EmailMessage]) -> list[Exception | None]:
        """Send over one connection; entry i is None if message i was accepted, else its
        ``MailError``. After a dropped connection the next message reconnects; if connecting
        fails, every remaining message gets that error. Never raises for SMTP failures.
        """
        results: list[Exception | None] = []
        smtp: smtplib.SMTP | None = None
        try:
            for message in messages:
                if smtp is None:
                    try:
                        smtp = self._connect()
                    except (smtplib.SMTPException, OSError) as exc:
                        error = self._error(exc, "connect")
                        results.extend([error] * (len(messages) - len(results)))
                        return results
                results.append(self._deliver(smtp, message))
                if smtp.sock is None:  # smtplib closed it (421, disconnect): reconnect next time
                    smtp = None
        finally:
            if smtp is not None:
                _quit(smtp)
        return results

    def _connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(
            self.host, self.port, local_hostname=self.local_hostname, timeout=self.timeout
        )
        try:
            smtp.ehlo()
            if self.starttls:
                if self._tls is None:
                    self._tls = ssl.create_default_context()
                smtp.starttls(context=self._tls)
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _deliver(self, smtp: smtplib.SMTP, message: EmailMessage) -> MailError | None:
        what = f"send {message.get('Message-ID', '(no Message-ID)')}"
        try:
            refused = smtp.send_message(message)
        except smtplib.SMTPServerDisconnected as exc:
            smtp.close()
            return self._error(exc, what)
        except smtplib.SMTPException as exc:  # smtplib has already sent RSET (or closed on 421)
            return self._error(exc, what)  # (an OSError too: caught before the socket's own)
        except OSError as exc:  # the socket's: reset, timed out
            smtp.close()
            return self._error(exc, what)
        except ValueError as exc:  # no/duplicate address headers, non-ASCII address, ...
            return MailError(f"SMTP {self.host}:{self.port}: {what}: {exc}", permanent=True)
        if refused:
            return self._error(smtplib.SMTPRecipientsRefused(refused), what)
        return None

    def _error(self, exc: Exception, action: str) -> MailError:
        permanent = False
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            codes = [code for code, _ in exc.recipients.values()]
            permanent = bool(codes) and all(code >= 500 for code in codes)
            reason = "recipients refused: " + ", ".join(
                f"{rcpt} ({code} {_text(text)})" for rcpt, (code, text) in exc.recipients.items()
            )
        elif isinstance(exc, smtplib.SMTPAuthenticationError):
            reason = f"login as {self.username!r} refused: {exc.smtp_code} {_text(exc.smtp_error)}"
        elif isinstance(exc, smtplib.SMTPResponseException):
            permanent = exc.smtp_code >= 500 and action != "connect"
            reason = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        else:
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return MailError(f"SMTP {self.host}:{self.port}: {action}: {reason}", permanent=permanent)


class EmlFolderSender:
    """Writes each message to ``folder/{safe message id}.eml`` (CRLF line ends), atomically.

    The file name depends only on the Message-ID, so re-sending replaces the file instead of
    adding a second one.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"EmlFolderSender({str(self.folder)!r})"

    def path_for(self, message: EmailMessage) -> Path:
        message_id = message.get("Message-ID")
        if not message_id or not str(message_id).strip("<> \t"):
            raise ValueError("message has no Message-ID")
        return self.folder / f"{safe_filename_stem(str(message_id))}.eml"

    def send(self, message: EmailMessage) -> None:
        path = self.path_for(message)
        data = message.as_bytes(policy=email.policy.SMTP)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as tmp:
                    tmp.write(data)
                    tmp.flush()
                    os.fsync(tmp.fileno())
                os.replace(tmp_name, path)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp_name)
                raise
        except OSError as exc:
            raise MailError(f"cannot write {path}: {exc}") from exc

    def send_many(self, messages: Sequence[EmailMessage]) -> list[Exception | None]:
        """Same contract as ``SmtpSender.send_many``."""
        results: list[Exception | None] = []
        for message in messages:
            try:
                self.send(message)
            except MailError as exc:
                results.append(exc)
            else:
                results.append(None)
        return results


def safe_filename_stem(message_id: str) -> str:
    """``<abc@host>`` -> ``abc@host``; ids needing changes get a hash suffix so two different
    ids can never share a file."""
    raw = message_id.strip().strip("<>")
    stem = _UNSAFE_FILENAME_CHARS.sub("_", raw)
    if stem != raw or stem.startswith(".") or len(stem) > _MAX_STEM:
        digest = hashlib.sha256(message_id.strip().encode("utf-8")).hexdigest()[:16]
        stem = f"{stem.lstrip('.')[:_MAX_STEM]}-{digest}"
    return stem


def kept_connection(sender: MailSender) -> AbstractContextManager[None]:
    """``sender.kept()`` where the sender has one (``SmtpSender``), else nothing (the .eml
    folder writes a file per message): a block whose sends share one connection."""
    kept = getattr(sender, "kept", None)
    return kept() if callable(kept) else nullcontext()


def build_sender(settings: Settings) -> MailSender:
    """The configured sender: SMTP relay or .eml outbox folder."""
    match settings.mail_backend:
        case MailBackend.SMTP:
            return SmtpSender(
                settings.smtp_host,
                settings.smtp_port,
                username=settings.smtp_username,
                password=settings.smtp_password,
                starttls=settings.smtp_starttls,
                timeout=settings.smtp_timeout_seconds,
            )
        case MailBackend.EML:
            return EmlFolderSender(settings.resolved_outbox_dir)
    raise ValueError(f"unknown mail backend: {settings.mail_backend!r}")


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _alive(smtp: smtplib.SMTP) -> bool:
    """Whether a kept connection still answers (the server may have timed it out or dropped
    it between two batches' messages); a dead one is closed."""
    try:
        code, _ = smtp.noop()
    except (smtplib.SMTPException, OSError):
        code = 0
    if code != 250:
        smtp.close()
    return code == 250


def _quit(smtp: smtplib.SMTP) -> None:
    """End the session politely; every message was already accepted or refused by now, so a
    failing QUIT changes nothing and only the socket needs closing."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()
