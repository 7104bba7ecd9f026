"""Detecting client data in caseworkers' text before it is stored."""

from bot.privacy.guard import KINDS, ClientDataGuard, Finding, Scan, preload

__all__ = ["KINDS", "ClientDataGuard", "Finding", "Scan", "preload"]
