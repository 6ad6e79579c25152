"""Building and sending the bureau's mail through a real SMTP server and the .eml folder."""

from __future__ import annotations

import email.policy
import os
import re
import threading
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from core.settings import MailBackend, Settings
from mail import (
    Attachment,
    EmlFolderSender,
    MailError,
    SmtpSender,
    build_message,
    build_sender,
)
from tests.fixtures_servers import SmtpServer, free_port

pytestmark = pytest.mark.integration

SENDER = "郑州市生态环境局 <noreply@sthjj.zhengzhou.example>"
SUBJECT = "关于郑州某化工有限公司年产5万吨项目环境影响报告书的批复"
BODY = "郑州某化工有限公司：\n\n你单位报批的环境影响报告书已审批完毕，批复文件见附件。\n"
PDF_NAME = "郑环审〔2025〕12号 关于环境影响报告书的批复.pdf"
PDF_BYTES = b"%PDF-1.7\n" + os.urandom(200 * 1024) + b"\n%%EOF\n"


def approval_message(
    message_id: str = "eia-outbox-1", to: str = "张经理 <zhang@example.com>"
) -> EmailMessage:
    return build_message(
        message_id=message_id,
        sender=SENDER,
        to=to,
        subject=SUBJECT,
        body=BODY,
        attachments=[Attachment(PDF_NAME, "application/pdf", PDF_BYTES)],
    )


def assert_is_the_approval(received: EmailMessage) -> None:
    assert received["Subject"] == SUBJECT
    assert received["To"].addresses[0].addr_spec == "zhang@example.com"
    assert received["To"].addresses[0].display_name == "张经理"
    assert received["From"].addresses[0].display_name == "郑州市生态环境局"
    body = received.get_body(preferencelist=("plain",))
    assert body is not None
    assert body.get_content() == BODY
    attachments = list(received.iter_attachments())
    assert len(attachments) == 1
    assert attachments[0].get_content_type() == "application/pdf"
    assert attachments[0].get_filename() == PDF_NAME
    assert attachments[0].get_content() == PDF_BYTES


@pytest.fixture
def smtp(smtp_server: SmtpServer) -> SmtpServer:
    smtp_server.clear()
    return smtp_server


def test_smtp_sender_delivers_chinese_subject_body_and_pdf(smtp: SmtpServer) -> None:
    SmtpSender(smtp.host, smtp.port).send(approval_message())

    [received] = smtp.wait_for(1)
    assert smtp.envelopes[0].rcpt_tos == ("zhang@example.com",)
    assert smtp.envelopes[0].mail_from == "noreply@sthjj.zhengzhou.example"
    assert received["Message-ID"] == "<eia-outbox-1@sthjj.zhengzhou.example>"
    assert_is_the_approval(received)


def test_send_many_reuses_one_connection(smtp: SmtpServer) -> None:
    messages = [approval_message(f"eia-outbox-{n}") for n in range(3)]
    assert SmtpSender(smtp.host, smtp.port).send_many(messages) == [None, None, None]
    smtp.wait_for(3)
    assert len({envelope.peer for envelope in smtp.envelopes}) == 1


def test_send_many_reports_a_refused_recipient_and_carries_on(smtp: SmtpServer) -> None:
    messages = [
        approval_message("ok-1"),
        approval_message("bad", to="reject-me@example.com"),
        approval_message("ok-2"),
    ]
    results = SmtpSender(smtp.host, smtp.port).send_many(messages)

    assert results[0] is None and results[2] is None
    assert isinstance(results[1], MailError)
    assert results[1].permanent
    assert "550" in str(results[1])
    assert [m["Message-ID"] for m in smtp.wait_for(2)] == [
        "<ok-1@sthjj.zhengzhou.example>",
        "<ok-2@sthjj.zhengzhou.example>",
    ]
    assert len({envelope.peer for envelope in smtp.envelopes}) == 1  # the refusal kept it


def test_send_raises_mail_error_for_a_refused_recipient(smtp: SmtpServer) -> None:
    with pytest.raises(MailError, match=re.escape("reject-me@example.com")):
        SmtpSender(smtp.host, smtp.port).send(approval_message(to="reject-me@example.com"))


def test_smtp_to_a_closed_port_raises_mail_error_naming_the_server() -> None:
    port = free_port()
    sender = SmtpSender("127.0.0.1", port, timeout=2)
    with pytest.raises(MailError, match=re.escape(f"127.0.0.1:{port}")) as caught:
        sender.send(approval_message())
    assert not caught.value.permanent
    assert [type(e) for e in sender.send_many([approval_message()] * 2)] == [MailError] * 2


def test_eml_folder_sender_writes_one_parseable_file_per_message_id(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    sender = EmlFolderSender(outbox)
    sender.send(approval_message())
    sender.send(approval_message())  # a retry of the same message id

    files = list(outbox.iterdir())
    assert [f.name for f in files] == ["eia-outbox-1@sthjj.zhengzhou.example.eml"]
    parsed = BytesParser(policy=email.policy.default).parsebytes(files[0].read_bytes())
    assert isinstance(parsed, EmailMessage)
    assert_is_the_approval(parsed)

    sender.send(approval_message("eia-outbox-2"))
    assert len(list(outbox.iterdir())) == 2


def test_eml_file_names_of_unusual_message_ids_cannot_collide(tmp_path: Path) -> None:
    sender = EmlFolderSender(tmp_path)
    first = sender.path_for(approval_message("a/b"))
    second = sender.path_for(approval_message("a_b"))
    assert first != second
    assert first.parent == tmp_path and second.parent == tmp_path


def test_build_sender_follows_the_mail_backend_setting(tmp_path: Path) -> None:
    eml = build_sender(Settings(var_dir=tmp_path, mail_backend=MailBackend.EML))
    assert isinstance(eml, EmlFolderSender)
    assert eml.folder == tmp_path / "outbox"
    smtp = build_sender(
        Settings(mail_backend=MailBackend.SMTP, smtp_host="mail.example", smtp_port=2525)
    )
    assert isinstance(smtp, SmtpSender)
    assert (smtp.host, smtp.port) == ("mail.example", 2525)


@pytest.mark.parametrize(
    "to", ["", "not-an-address", "a@example.com, b@example.com", "x@", "a@example.com\nBcc: b@c"]
)
def test_build_message_refuses_anything_but_one_recipient(to: str) -> None:
    with pytest.raises(ValueError):
        approval_message(to=to)


def test_build_message_sets_message_id_date_and_plain_utf8_body() -> None:
    message = build_message(
        message_id="<already@bracketed.example>",
        sender=SENDER,
        to="zhang@example.com",
        subject="受理通知",
        body="已受理。",
        date=datetime(2025, 3, 1, 8, 0, tzinfo=UTC),
    )
    assert message["Message-ID"] == "<already@bracketed.example>"
    assert message["Date"] == "Sat, 01 Mar 2025 08:00:00 +0000"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message.as_bytes().isascii()  # headers and body encoded: no SMTPUTF8/8BITMIME needed


def test_kept_sends_share_one_connection_until_the_block_ends(smtp: SmtpServer) -> None:
    sender = SmtpSender(smtp.host, smtp.port)
    with sender.kept():
        sender.send(approval_message("kept-1"))
        with pytest.raises(MailError, match="550"):  # refused: the session goes on (RSET)
            sender.send(approval_message("kept-bad", to="reject-me@example.com"))
        sender.send(approval_message("kept-2"))
    sender.send(approval_message("after"))  # outside the block: a connection of its own

    smtp.wait_for(3)
    first, second, after = smtp.envelopes
    assert first.peer == second.peer
    assert after.peer != first.peer
    assert [m["Message-ID"] for m in smtp.messages] == [
        "<kept-1@sthjj.zhengzhou.example>",
        "<kept-2@sthjj.zhengzhou.example>",
        "<after@sthjj.zhengzhou.example>",
    ]


def test_kept_blocks_of_two_threads_use_a_connection_each(smtp: SmtpServer) -> None:
    sender = SmtpSender(smtp.host, smtp.port)
    peers: dict[str, set[tuple[str, int]]] = {}

    def batch(name: str) -> None:
        with sender.kept():
            for n in range(2):
                sender.send(approval_message(f"{name}-{n}"))

    threads = [threading.Thread(target=batch, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    smtp.wait_for(4)
    for message, envelope in zip(smtp.messages, smtp.envelopes, strict=True):
        peers.setdefault(str(message["Message-ID"])[1], set()).add(envelope.peer)
    assert len(peers["a"]) == len(peers["b"]) == 1
    assert peers["a"] != peers["b"]


def test_a_message_with_a_copy_goes_to_both_recipients(smtp: SmtpServer) -> None:
    message = approval_message("with-cc")
    message["Cc"] = "李四 <li@example.com>"
    SmtpSender(smtp.host, smtp.port).send(message)

    [received] = smtp.wait_for(1)
    assert smtp.envelopes[0].rcpt_tos == ("zhang@example.com", "li@example.com")
    assert_is_the_approval(received)
