"""The client-data guard: finds what identifies a person before anything is stored."""

from bot.privacy.guard import KINDS, ClientDataGuard, Finding, Findings, Scan, preload, scan

__all__ = ["KINDS", "ClientDataGuard", "Finding", "Findings", "Scan", "preload", "scan"]
