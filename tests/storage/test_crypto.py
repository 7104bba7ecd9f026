"""Encryption at rest and key rotation."""

from __future__ import annotations

import pytest

from bot.storage.crypto import EncryptionError, TextCipher


def test_round_trip_and_no_plaintext() -> None:
    cipher = TextCipher(TextCipher.new_key())
    stored = cipher.encrypt("klant sliep slecht")
    assert stored.startswith("enc1:") and "klant" not in stored
    assert cipher.decrypt(stored) == "klant sliep slecht"


def test_without_key_texts_pass_through_and_encrypted_ones_fail_clearly() -> None:
    plain = TextCipher(None)
    assert not plain.enabled
    assert plain.encrypt("x") == "x"
    stored = TextCipher(TextCipher.new_key()).encrypt("geheim")
    with pytest.raises(EncryptionError, match="COACH_ENCRYPTION_KEY"):
        plain.decrypt(stored)


def test_rotation_keeps_old_texts_readable() -> None:
    old, new = TextCipher.new_key(), TextCipher.new_key()
    stored = TextCipher(old).encrypt("eerder")
    both = TextCipher(f"{new},{old}")
    rotated = both.rotate(stored)
    assert TextCipher(new).decrypt(rotated) == "eerder"
    with pytest.raises(EncryptionError):
        TextCipher(old).decrypt(rotated)


def test_invalid_key_is_a_clear_error() -> None:
    with pytest.raises(EncryptionError, match="coach keys new"):
        TextCipher("not-a-key")
