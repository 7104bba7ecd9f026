"""Typed, frozen settings read from the environment once."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(Exception):
    """A setting is missing or invalid; the message says which and how to fix it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", frozen=True, extra="ignore")

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
        problems = "; ".join(f"{str(err['loc'][0]).upper()}: {err['msg']}" for err in exc.errors())
        raise SettingsError(f"invalid settings: {problems}") from exc
