"""A TCP proxy in front of PostgreSQL that a fault test can freeze or stop.

Frozen: connections are accepted and kept, but no byte goes through (a server that hangs).
Down: new connections are refused and open ones are cut (a server that stopped). The shared
PostgreSQL server itself is never touched; each test uses a database of its own behind it.
"""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy.engine import make_url


class PgProxy:
    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.target = (parsed.host or "127.0.0.1", parsed.port or 5432)
        self._url = parsed
        self.port = 0
        self.down = False
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return self._url.set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    async def __aenter__(self) -> PgProxy:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.thaw()
        self._cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def freeze(self) -> None:
        self._flowing.clear()

    def thaw(self) -> None:
        self._flowing.set()

    def stop(self) -> None:
        self.down = True
        self._cut()

    def start(self) -> None:
        self.down = False

    def _cut(self) -> None:
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.down:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}
        await asyncio.gather(
            self._pump(reader, up_writer), self._pump(up_reader, writer), return_exceptions=True
        )
        for w in (writer, up_writer):
            self._writers.discard(w)
            w.close()

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, ConnectionError):
            while data := await reader.read(65536):
                await self._flowing.wait()
                if writer.is_closing():
                    return
                writer.write(data)
                await writer.drain()
        writer.close()
