"""PDF fetches from invoicing share a bounded set of HTTP connections: many e-bills fetching at
once wait for a free connection instead of each opening its own (and invoicing a database
connection per request beyond its pool)."""

from __future__ import annotations

import asyncio

from notifications.adapters.invoicing import HttpInvoiceDocuments

PDF = b"%PDF-1.7\n%%EOF\n"


class _SlowInvoicing:
    """An HTTP/1.1 server answering every request with the PDF after a pause, counting the
    connections open at once and the requests answered."""

    def __init__(self) -> None:
        self.open = self.most_open = self.answered = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                await asyncio.sleep(0.02)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(PDF), PDF))
                await writer.drain()
                self.answered += 1
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.open -= 1
            writer.close()


async def _token() -> str:
    return "token"


async def test_fetches_beyond_the_connections_wait_for_one() -> None:
    invoicing = _SlowInvoicing()
    server = await asyncio.start_server(invoicing.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    documents = HttpInvoiceDocuments(f"http://127.0.0.1:{port}", 10, _token, connections=3)
    try:
        pdfs = await asyncio.gather(*(documents.invoice_pdf(f"i-{n}") for n in range(12)))
    finally:
        await documents.close()
        server.close()
        await server.wait_closed()
    assert pdfs == [PDF] * 12
    assert invoicing.answered == 12
    assert invoicing.most_open == 3
