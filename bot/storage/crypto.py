"""Encryption at rest for reflection texts (Fernet, keys from COACH_ENCRYPTION_KEY).

COACH_ENCRYPTION_KEY holds one or more Fernet keys separated by commas: the first encrypts,
all of them decrypt, so a key can be rotated with `coach keys rotate` without downtime.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "enc1:"


log = logging.getLogger(__name__)


class EncryptionError(Exception):
    """A stored text cannot be decrypted with the configured keys, or no key is set."""


class TextCipher:
    def __init__(self, keys: str | None) -> None:
        parts = [k.strip() for k in (keys or "").split(",") if k.strip()]
        try:
            self._fernet = MultiFernet([Fernet(k) for k in parts]) if parts else None
        except ValueError as exc:
            raise EncryptionError(
                "COACH_ENCRYPTION_KEY is not a valid Fernet key; make one with `coach keys new`"
            ) from exc

    @property
    def enabled(self) -> bool:
        return self._fernet is not None

    def encrypt(self, text: str) -> str:
        if self._fernet is None:
            return text
        return PREFIX + self._fernet.encrypt(text.encode()).decode()

    def decrypt(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored
        if self._fernet is None:
            raise EncryptionError("reflections are encrypted but COACH_ENCRYPTION_KEY is not set")
        try:
            return self._fernet.decrypt(stored[len(PREFIX) :].encode()).decode()
        except InvalidToken as exc:
            raise EncryptionError(
                "a reflection cannot be decrypted with the configured keys"
            ) from exc

    def rotate(self, stored: str) -> str:
        """Re-encrypt with the first key (also encrypts a text stored before a key was set)."""
        if self._fernet is None:
            raise EncryptionError("set COACH_ENCRYPTION_KEY before rotating")
        if not stored.startswith(PREFIX):
            return self.encrypt(stored)
        return PREFIX + self._fernet.rotate(stored[len(PREFIX) :].encode()).decode()

    @staticmethod
    def new_key() -> str:
        return Fernet.generate_key().decode()


KEY_FILE_NAME = "encryption.key"


def key_file(data_dir: Path) -> Path:
    """Where the default key lives when COACH_ENCRYPTION_KEY is not set."""
    return data_dir / KEY_FILE_NAME


def resolve_keys(configured: str | None, data_dir: Path, env: str = "development") -> str | None:
    """The keys to use: COACH_ENCRYPTION_KEY when set, else the key file in the data folder,
    created on first start (mode 0600). Logged once, without the key. In production a key
    file next to the database is not enough: there the key must be configured (None)."""
    if configured and configured.strip():
        return configured
    if env == "production":
        return None
    path = key_file(data_dir)
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(TextCipher.new_key() + "\n")
        log.warning("encryption: no COACH_ENCRYPTION_KEY; created key file %s (mode 0600)", path)
    else:
        log.info("encryption: no COACH_ENCRYPTION_KEY; using key file %s", path)
    return path.read_text(encoding="ascii").strip()
