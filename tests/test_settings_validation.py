"""Settings: empty is unset, a bad value names its variable, production needs a key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings
from bot.storage.crypto import KEY_FILE_NAME, TextCipher


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    for name in ("COACH_ENV", "COACH_ENCRYPTION_KEY", "COACH_REDIS_URL", "COACH_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_empty_values_count_as_unset(env: pytest.MonkeyPatch) -> None:
    for name in ("COACH_REDIS_URL", "COACH_DATABASE_URL", "COACH_ENCRYPTION_KEY", "COACH_TIMEZONE"):
        env.setenv(name, "")
    settings = load_settings()
    assert settings.coach_redis_url is None
    assert settings.coach_encryption_key is None
    assert settings.database_url.startswith("sqlite")
    assert settings.coach_timezone == "Europe/Amsterdam"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("COACH_REDIS_URL", "localhost:6379"),
        ("COACH_DATABASE_URL", "nonsense"),
        ("COACH_DATABASE_URL", "mysql://x@y/z"),
        ("COACH_ENCRYPTION_KEY", "not-a-key"),
        ("COACH_RETENTION_DAYS", "0"),
        ("COACH_RETENTION_DAYS", "een jaar"),
        ("TELEGRAM_SEND_RATE", "-1"),
        ("COACH_TIMEZONE", "Mars/Olympus"),
        ("COACH_LOG_LEVEL", "LOUD"),
        ("TELEGRAM_API_BASE_URL", "api.telegram.org"),
    ],
)
def test_a_bad_value_is_one_line_that_names_the_variable(
    env: pytest.MonkeyPatch, name: str, value: str
) -> None:
    env.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert name in message and "\n" not in message


def test_production_without_a_key_refuses_to_start(env: pytest.MonkeyPatch) -> None:
    env.setenv("COACH_ENV", "production")
    env.setenv("COACH_ENCRYPTION_KEY", "")
    with pytest.raises(SettingsError, match="COACH_ENV=production needs an encryption key"):
        load_settings()


def test_production_with_a_key_from_env_or_key_file_starts(
    env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env.setenv("COACH_ENV", "production")
    env.setenv("COACH_ENCRYPTION_KEY", TextCipher.new_key())
    assert load_settings().usable_key()
    env.delenv("COACH_ENCRYPTION_KEY")
    (tmp_path / KEY_FILE_NAME).write_text(TextCipher.new_key())
    assert load_settings().coach_env == "production"
