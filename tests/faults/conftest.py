"""The Telegram fixtures of tests/channels: the real PTB Application against the fake Bot API."""

from tests.channels.conftest import Talk, app, fake, talk, tg_coach, tg_settings

__all__ = ["Talk", "app", "fake", "talk", "tg_coach", "tg_settings"]
