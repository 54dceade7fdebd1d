"""The wire bytes of an email read back as the MIME message the email package makes of it."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtplib.email import flatten_message
from notifications.adapters.mime import data_bytes, mime_message, wire_bytes
from notifications.adapters.mime_head import plain
from notifications.domain.message import Attachment, OutgoingEmail

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 300 + b"\n%%EOF\n"


def _email(*attachments: Attachment) -> OutgoingEmail:
    return OutgoingEmail("client@example.md", "Factura nr. TF-1 — Счёт", "Suma de plată: 1,00 lei\n"
                         "Сумма к оплате\n", "<e-1.email@tarifa.local>", attachments)


def _read(data: bytes) -> EmailMessage:
    parsed = message_from_bytes(data, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _parts(message: EmailMessage) -> list[tuple[str | None, str, bytes]]:
    return [(part.get_filename(), part.get_content_type(), part.get_content())
            for part in message.iter_attachments()]


@pytest.mark.parametrize("attachments", [
    (), (Attachment("TF-1.pdf", "application/pdf", PDF),),
    (Attachment("a.pdf", "application/pdf", b"%PDF a"), Attachment("b.pdf", "application/pdf", PDF))])
@pytest.mark.parametrize("cte_type", ["8bit", "7bit"])
def test_wire_bytes_carry_what_the_mime_message_does(attachments: tuple[Attachment, ...],
                                                      cte_type: str) -> None:
    email = _email(*attachments)
    ours = _read(wire_bytes(email, "billing@tarifa.local", cte_type=cte_type))
    theirs = _read(flatten_message(mime_message(email, "billing@tarifa.local"), cte_type=cte_type))
    assert _parts(ours) == _parts(theirs) == [(a.filename, a.content_type, a.data) for a in attachments]
    body, their_body = ours.get_body(), theirs.get_body()
    assert body is not None and their_body is not None
    assert body.get_content() == their_body.get_content()
    assert body.get_content().replace("\r\n", "\n") == email.body
    for header in ("From", "To", "Subject", "Message-ID"):
        assert ours[header] == theirs[header]
    assert not ours.defects and all(not part.defects for part in ours.walk())


def test_wire_bytes_end_every_line_with_crlf() -> None:
    data = wire_bytes(_email(Attachment("TF-1.pdf", "application/pdf", PDF)), "billing@tarifa.local")
    assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 78


def _unstuffed(data: bytes) -> bytes:
    return b"\r\n".join(line[1:] if line.startswith(b".") else line for line in data.split(b"\r\n"))


@pytest.mark.parametrize("cte_type", ["8bit", "7bit"])
def test_data_bytes_are_the_wire_bytes_dot_stuffed(cte_type: str) -> None:
    email = OutgoingEmail("client@example.md", "Factura", ".Suma\n..de plată\r\n.\nlei.",
                          "<e-1.email@tarifa.local>", (Attachment("TF-1.pdf", "application/pdf", PDF),))
    data = data_bytes(email, "billing@tarifa.local", cte_type=cte_type)
    assert data.endswith(b"\r\n") and b"\r\n.\r\n" not in data
    assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
    ours = _read(_unstuffed(data))
    body = ours.get_body()
    assert body is not None and body.get_content().replace("\r\n", "\n") == ".Suma\n..de plată\n.\nlei.\n"
    assert _parts(ours) == [("TF-1.pdf", "application/pdf", PDF)]


@pytest.mark.parametrize("subject", [
    "Factura", "Factura nr. TF-2026/000001 pentru luna mai 2026, contul 1234567, suma 69,60 MDL",
    "Счёт " * 30, "Factura =?utf-8?q?x?= nr. 1", "Plată — ș ț ă î â", "", "ab 😀 " * 5, " padded "])
@pytest.mark.parametrize("body", ["", "Suma: 1,00 lei", "Сумма " * 40 + "\nend", ("x" * 100 + "\n") * 3,
                                  "a\r\nb\rc\n\n.d\u2028e"])
@pytest.mark.parametrize("cte_type", ["8bit", "7bit"])
def test_plain_emails_are_written_as_the_email_package_reads_them(subject: str, body: str,
                                                                  cte_type: str) -> None:
    email = OutgoingEmail("client@example.md", subject, body, "<e-1.email@tarifa.local>",
                          (Attachment("TF-1.pdf", "application/pdf", PDF),))
    assert plain(email, "billing@tarifa.local")
    data = wire_bytes(email, "billing@tarifa.local", cte_type=cte_type)
    assert max(len(line) for line in data.split(b"\r\n")) <= 78
    if cte_type == "7bit":
        assert data.isascii()
    ours = _read(data)
    theirs = _read(flatten_message(mime_message(email, "billing@tarifa.local"), cte_type=cte_type))
    ours_body, their_body = ours.get_body(), theirs.get_body()
    assert ours_body is not None and their_body is not None
    # the same text; it may have chosen quoted-printable, whose lines decode ended by CRLF
    assert ours_body.get_content().replace("\r\n", "\n") == \
        their_body.get_content().replace("\r\n", "\n")
    assert ours["Subject"] == subject
    for header in ("From", "To", "Message-ID", "MIME-Version", "Content-Type"):
        assert str(ours[header]).split(";")[0] == str(theirs[header]).split(";")[0]
    assert ours["Date"].datetime.tzinfo is not None
    assert _parts(ours) == _parts(theirs)
    assert not ours.defects and all(not part.defects for part in ours.walk())


@pytest.mark.parametrize("email", [
    OutgoingEmail("clientă@example.md", "S", "B", "<e-1@tarifa.local>"),
    OutgoingEmail("client@example.md", "a\u2028b", "B", "<e-1@tarifa.local>"),
    OutgoingEmail("client@example.md", "a\nBcc: x@y.md", "B", "<e-1@tarifa.local>"),
    OutgoingEmail("Ion <client@example.md>", "S", "B", "<e-1@tarifa.local>"),
    OutgoingEmail("client@example.md\r\nBcc: x@y.md", "S", "B", "<e-1@tarifa.local>"),
    OutgoingEmail("client@example.md", "S", "B", "e-1@tarifa.local"),
    OutgoingEmail("client@example.md", "S", "B", "<e-1@tarifa.local>",
                  (Attachment("factură.pdf", "application/pdf", PDF),)),
    OutgoingEmail("client@example.md", "S", "B", "<e-1@tarifa.local>",
                  (Attachment('a".pdf', "application/pdf", PDF),))])
def test_emails_that_need_quoting_are_left_to_the_email_package(email: OutgoingEmail) -> None:
    assert not plain(email, "billing@tarifa.local")
