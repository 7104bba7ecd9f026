"""Typed, frozen settings read from the environment once."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


# issue 13: the key file issue 14 keeps in the data folder (the lead aligns the name at merge)


class SettingsError(Exception):
    """A setting is missing or invalid; the message says which and how to fix it."""


class Settings(BaseSettings):
    # issue 13: an empty value (`COACH_REDIS_URL=` in a .env) counts as unset
    model_config = SettingsConfigDict(
        env_prefix="", frozen=True, extra="ignore", env_ignore_empty=True
    )

    coach_data_dir: Path = Field(default=PROJECT_ROOT / "data")
    coach_database_url: str | None = None
    coach_timezone: str = "Europe/Amsterdam"
    coach_knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    coach_nlu_data_dir: Path = PROJECT_ROOT / "nlu_data"
    coach_model_dir: Path | None = None
    coach_env: Literal["development", "production"] = "development"
    coach_access: Literal["open", "invite"] = "open"
    coach_retention_days: int = Field(default=365, ge=1)
    coach_encryption_key: str | None = None
    coach_name_detection: Literal["rules", "deduce"] = "rules"
    coach_log_level: str = "INFO"
    coach_redis_url: str | None = None
    telegram_bot_token: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_api_file_url: str = "https://api.telegram.org/file/bot"
    telegram_webhook_secret: str | None = None
    # issue 15: /metrics (webhook server and web chat) wants "Authorization: Bearer <this>"; unset,
    # it answers only local requests that no proxy forwarded
    coach_metrics_token: str | None = None
    # Telegram's limit for a bot's messages overall; higher with paid broadcasts; 0 = no pacing
    telegram_send_rate: float = Field(default=30.0, ge=0)
    # issue 18: the web chat
    coach_web_title: str = Field(default="Coach statushouders naar werk", max_length=80)
    coach_web_color: str = Field(default="#1d4f91", pattern=r"^#[0-9a-fA-F]{6}$")
    coach_web_session_days: int = Field(default=30, ge=1)
    coach_web_base_path: str = Field(default="/", pattern=r"^/([A-Za-z0-9_.-]+/)*$")
    coach_web_public_url: str | None = None  # e.g. https://intranet.gemeente.nl/coach/

    @field_validator("coach_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone '{value}'") from exc
        return value

    # issue 13: every setting checked at start, with a message that names the variable
    @field_validator("coach_database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError("not a database URL (e.g. postgresql://user:pw@host/db)") from exc
        if url.get_backend_name() not in ("postgresql", "sqlite"):
            raise ValueError(f"unsupported database '{url.get_backend_name()}'")
        return value

    @field_validator("coach_redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("not a Redis URL (redis://host:6379/0); leave it out for none")
        return value

    @field_validator("telegram_api_base_url", "telegram_api_file_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("not an http(s) URL")
        return value

    @field_validator("coach_encryption_key")
    @classmethod
    def _fernet_keys(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from bot.storage.crypto import EncryptionError, TextCipher

        try:
            TextCipher(value)
        except EncryptionError as exc:
            raise ValueError("not a valid key; make one with `coach keys new`") from exc
        return value

    @field_validator("coach_log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        import logging

        if value.upper() not in logging.getLevelNamesMapping():
            raise ValueError(f"unknown log level '{value}' (DEBUG, INFO, WARNING, ERROR)")
        return value

    @field_validator("coach_web_color")
    @classmethod
    def _readable_on_white(cls, value: str) -> str:  # issue 18: text on white, white on it
        def linear(c: int) -> float:
            s = c / 255
            return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

        r, g, b = (int(value[i : i + 2], 16) for i in (1, 3, 5))
        ratio = 1.05 / (0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b) + 0.05)
        if ratio < 4.5:  # WCAG 2.1 AA for normal text
            raise ValueError(f"contrast with white is {ratio:.1f}:1; WCAG AA needs 4.5:1 (darker)")
        return value

    @model_validator(mode="after")
    def _production_needs_a_key(self) -> Settings:
        # The #14 key file in the data folder counts as a usable key too (see usable_key).
        if self.coach_env == "production" and not self.usable_key():
            raise ValueError(
                "COACH_ENV=production needs an encryption key (no usable key from "
                "COACH_ENCRYPTION_KEY or a key file); make one with `coach keys new` and set "
                "COACH_ENCRYPTION_KEY, or the bot would refuse to store every reflection"
            )
        return self

    def usable_key(self) -> bool:
        """A key from the environment, or the key file in the data folder (issue 14)."""
        if self.coach_encryption_key:
            return True
        from bot.storage.crypto import key_file

        path = key_file(self.coach_data_dir)
        try:
            return path.is_file() and bool(path.read_text().strip())
        except OSError:
            return False

    @property
    def database_url(self) -> str:
        if self.coach_database_url:
            return self.coach_database_url
        return f"sqlite+aiosqlite:///{self.coach_data_dir / 'coach.db'}"

    @property
    def model_dir(self) -> Path:
        return self.coach_model_dir or self.coach_data_dir / "model"

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.coach_timezone)

    def require_telegram_token(self) -> str:
        if not self.telegram_bot_token:
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather and export "
                "TELEGRAM_BOT_TOKEN=<token>, or use `coach shell` to chat in the terminal."
            )
        return self.telegram_bot_token


def load_settings() -> Settings:
    """Read the environment once; turn validation errors into one clear SettingsError."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{str(err['loc'][0]).upper()}: {_msg(err)}" if err["loc"] else _msg(err)
            for err in exc.errors()
        )
        raise SettingsError(f"invalid settings: {problems}") from exc


def _msg(err: Any) -> str:
    return str(err["msg"]).removeprefix("Value error, ")
