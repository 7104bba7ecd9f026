"""Test doubles for external services (see telegram_api.FakeBotApi)."""

from tests.fakes.telegram_api import Call, FakeBotApi, UploadedFile

__all__ = ["Call", "FakeBotApi", "UploadedFile"]
