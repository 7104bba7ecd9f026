"""Thin adapters between a channel (terminal, Telegram, Rasa) and the core."""
