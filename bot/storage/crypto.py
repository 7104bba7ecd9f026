"""Encryption at rest for reflection texts (Fernet, keys from COACH_ENCRYPTION_KEY).

COACH_ENCRYPTION_KEY holds one or more Fernet keys separated by commas: the first encrypts,
all of them decrypt, so a key can be rotated with `coach keys rotate` without downtime.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "enc1:"


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
