"""Caseworker coach: a Dutch coaching bot on the guide 'Nieuw op de arbeidsmarkt' (2021)."""

__version__ = "0.1.0"
