"""PTB's networking backend on aiohttp instead of httpx.

python-telegram-bot talks HTTP through a `BaseRequest`; its default, `HTTPXRequest`, cost
about 5 ms of CPU per Bot API call on this machine against about 0.5 ms for aiohttp (50 calls
in flight, client and server in one process). With httpx, sending replies took half of the
bot's CPU in bench/telegram_throughput.py. aiohttp is already here for the webhook server.
This is PTB's documented extension point: errors map to PTB's `TimedOut` and `NetworkError`;
timeouts are 5 s unless a call sets its own, 30 s to read the answer to an upload.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue  # as PTB's own HTTPXRequest does
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_TIMEOUT = 5.0
UPLOAD_TIMEOUT = 30.0


def _seconds(given: object, default: float | None) -> float | None:
    """PTB passes a DefaultValue when a call does not set a timeout itself."""
    if isinstance(given, DefaultValue):
        return default
    return None if given is None else float(given)  # type: ignore[arg-type]


class AiohttpRequest(BaseRequest):
    __slots__ = ("_pool_size", "_session")

    def __init__(self, pool_size: int = 256) -> None:
        self._pool_size = pool_size
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return DEFAULT_TIMEOUT

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        uploading = request_data is not None and request_data.contains_files
        body: aiohttp.FormData | dict[str, str] | None = None
        if request_data is not None:
            body = request_data.json_parameters
            if uploading:
                form = aiohttp.FormData(body)
                for name, (filename, content, mime) in request_data.multipart_data.items():
                    form.add_field(name, content, filename=filename, content_type=mime)
                body = form
        # aiohttp has no write timeout; an upload gets a longer read timeout instead
        read_default = UPLOAD_TIMEOUT if uploading else DEFAULT_TIMEOUT
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=_seconds(pool_timeout, 1.0 + DEFAULT_TIMEOUT),  # pool wait + connecting
            sock_connect=_seconds(connect_timeout, DEFAULT_TIMEOUT),
            sock_read=_seconds(read_timeout, read_default),
        )
        try:
            async with self._session.request(method, url, data=body, timeout=timeout) as res:
                return res.status, await res.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
