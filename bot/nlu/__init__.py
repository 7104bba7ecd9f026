"""Dutch NLU: a spaCy pipeline (blank "nl", lookup lemmatizer, intent classifier) plus retrieval."""

from bot.nlu.engine import NLU, Candidate, Parse

__all__ = ["NLU", "Candidate", "Parse"]
