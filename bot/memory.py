"""Handing memory that Python freed back to the system."""

from __future__ import annotations

import contextlib
import sys


def return_free_memory() -> None:
    """After a large load or fit: glibc keeps freed memory for the process unless asked
    (malloc_trim); elsewhere a no-op."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):  # musl has no malloc_trim
            ctypes.CDLL("libc.so.6").malloc_trim(0)
