"""A small SMSC speaking SMPP 3.4 over TCP, the test double of the SMS channel.

It serves ``bind_transceiver``, ``submit_sm``, ``enquire_link`` and ``unbind`` with aiosmpplib's
PDU codec, answers each ``submit_sm`` with a message id, reassembles concatenated segments (UDH)
into whole messages, and sends a delivery receipt (``deliver_sm``) per segment. ``stop`` drops
every session, as an SMSC going down would; ``start`` again serves the same port.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from aiosmpplib import (  # type: ignore[import-untyped]
    BindTransceiver,
    BindTransceiverResp,
    DeliverSm,
    EnquireLinkResp,
    PduHeader,
    PhoneNumber,
    SmppCommand,
    SmppCommandStatus,
    SmppDataCoding,
    SmppMessage,
    SubmitSm,
    SubmitSmResp,
    UnbindResp,
)

__all__ = ["ReceivedSms", "SmscSimulator"]

_HEADER = 16
_UDHI = 0b01000000
_RECEIPT = 0b00000100


@dataclass(frozen=True, slots=True)
class ReceivedSms:
    """A whole message as the SMSC took it: its parts joined in order."""

    source: str
    destination: str
    text: str
    data_coding: int
    segments: int
    receipt_requested: bool


@dataclass(eq=False)
class _Session:
    writer: asyncio.StreamWriter
    parts: dict[tuple[str, int], dict[int, str]] = field(default_factory=dict)


class SmscSimulator:
    """Serves SMPP on ``host``:``port`` (0 picks a free port, kept across restarts)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, system_id: str = "tarifa",
                 password: str = "tarifa", receipt_status: str = "DELIVRD") -> None:
        self.host, self.port = host, port
        self._credentials = (system_id, password)
        self.receipt_status = receipt_status
        self.messages: list[ReceivedSms] = []
        self.submits: list[SubmitSm] = []
        self.binds: list[str] = []
        self._server: asyncio.Server | None = None
        self._sessions: set[_Session] = set()
        self._sequence = itertools.count(1)
        self._arrived = asyncio.Condition()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for session in list(self._sessions):
            session.writer.close()
        await self._server.wait_closed()
        self._server = None

    async def wait_for(self, count: int, timeout: float = 20) -> list[ReceivedSms]:
        """Wait until at least ``count`` whole messages arrived; all of them."""
        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(lambda: len(self.messages) >= count),
                                   timeout)
        return list(self.messages)

    def to(self, destination: str) -> list[ReceivedSms]:
        return [m for m in self.messages if m.destination == destination.removeprefix("+")]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = _Session(writer)
        self._sessions.add(session)
        try:
            while await self._handle(session, *await self._read(reader)):
                pass
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._sessions.discard(session)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    @staticmethod
    async def _read(reader: asyncio.StreamReader) -> tuple[bytes, PduHeader]:
        head = await reader.readexactly(_HEADER)
        header = SmppMessage.parse_header(head)
        return head + await reader.readexactly(header.pdu_length - _HEADER), header

    async def _handle(self, session: _Session, pdu: bytes, header: PduHeader) -> bool:
        command = header.smpp_command
        if command is SmppCommand.BIND_TRANSCEIVER:
            await self._send(session, self._bind(pdu, header))
        elif command is SmppCommand.SUBMIT_SM:
            await self._submit(session, pdu, header)
        elif command is SmppCommand.ENQUIRE_LINK:
            await self._send(session, EnquireLinkResp(sequence_num=header.sequence_num))
        elif command is SmppCommand.UNBIND:
            await self._send(session, UnbindResp(sequence_num=header.sequence_num))
            return False
        return True

    def _bind(self, pdu: bytes, header: PduHeader) -> BindTransceiverResp:
        bind = BindTransceiver.from_pdu(pdu, header)
        ok = (bind.system_id, bind.password) == self._credentials
        self.binds.append(bind.system_id)
        status = SmppCommandStatus.ESME_ROK if ok else SmppCommandStatus.ESME_RINVPASWD
        return BindTransceiverResp(sequence_num=header.sequence_num, command_status=status,
                                   system_id="tarifa-smsc")

    async def _submit(self, session: _Session, pdu: bytes, header: PduHeader) -> None:
        submit = SubmitSm.from_pdu(pdu, header, "gsm0338")
        self.submits.append(submit)
        message_id = uuid.uuid4().hex[:16]
        await self._send(session, SubmitSmResp(sequence_num=header.sequence_num,
                                               message_id=message_id))
        await self._assemble(session, submit)
        if submit.registered_delivery & 1:
            await self._send(session, self._receipt(submit, message_id))

    async def _assemble(self, session: _Session, submit: SubmitSm) -> None:
        ref, index, total = submit.get_segmentation_data() if submit.esm_class & _UDHI else (0, 1, 1)
        key = (submit.destination.number, ref)
        parts = session.parts.setdefault(key, {})
        parts[index] = submit.short_message or submit.message_payload
        if len(parts) < total:
            return
        del session.parts[key]
        coding = SmppDataCoding[submit.encoding].value if submit.encoding else 0
        async with self._arrived:
            self.messages.append(ReceivedSms(
                submit.source.number, submit.destination.number,
                "".join(parts[i] for i in sorted(parts)), coding, total,
                bool(submit.registered_delivery & 1)))
            self._arrived.notify_all()

    def _receipt(self, submit: SubmitSm, message_id: str) -> DeliverSm:
        now = datetime.now()
        text = DeliverSm.encode_receipt({"id": message_id, "sub": 1, "dlvrd": 1,
                                         "submit date": now, "done date": now,
                                         "stat": self.receipt_status, "err": 0, "text": ""})
        return DeliverSm(sequence_num=next(self._sequence), short_message=text,
                         source=PhoneNumber(submit.destination.number),
                         destination=PhoneNumber(submit.source.number), esm_class=_RECEIPT,
                         registered_delivery=0)

    @staticmethod
    async def _send(session: _Session, message: SmppMessage) -> None:
        session.writer.write(message.pdu())
        await session.writer.drain()
