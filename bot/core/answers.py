"""Phone-sized answers from the guide, shared by the actions and `coach ask`."""

from __future__ import annotations

from bot.core import texts
from bot.core.replies import bold
from bot.knowledge import Item, Knowledge, Topic


def source_line(knowledge: Knowledge, item: Item) -> str:
    return texts.SOURCE.format(section=knowledge.section_title(item.section))


def lesson_answer(knowledge: Knowledge, item: Item) -> str:
    """Title in bold, the summary, and the source; the full text sits behind 'lees meer'."""
    return f"{bold(item.title)}\n{item.summary}\n\n{source_line(knowledge, item)}"


def lesson_full(knowledge: Knowledge, item: Item) -> str:
    return f"{bold(item.title)}\n{item.text}\n\n{source_line(knowledge, item)}"


def topic_answer(topic: Topic) -> str:
    return f"{bold(topic.title)}\n{topic.summary}\n\n{texts.SOURCE.format(section=topic.title)}"


def topic_full(topic: Topic) -> str:
    return f"{bold(topic.title)}\n{topic.text}"
