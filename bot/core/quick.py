"""`coach ask`: one question through NLU and knowledge, with no user state touched."""

from __future__ import annotations

from typing import Any

from bot.core import answers, texts
from bot.core.replies import plain
from bot.knowledge import Knowledge
from bot.nlu import Parse
from bot.nlu.engine import ABOUT, LESSON, OUT_OF_SCOPE
from bot.referrals import referrals_for

META_REPLIES = {
    "greet": texts.GREET,
    "goodbye": texts.GOODBYE,
    "thanks": texts.THANKS,
    "help": texts.HELP,
    "start_reflection": "Typ /reflectie, dan krijg je een vraag om bij stil te staan.",
    "daily_prompt_settings": "Met /dagelijks kies je een tijd voor je dagelijkse vraag.",
    "my_reflections": "Met /mijnreflecties lees je je reflecties terug.",
    "export_my_data": "Met /export krijg je al je gegevens.",
    "delete_my_data": "Met /vergeet wis je al je gegevens.",
    "start_onboarding": "Met /onboarding start je het programma van 10 werkdagen.",
    "privacy_info": texts.PRIVACY.format(days=365),
}


def quick_answer(knowledge: Knowledge, text: str, parse: Parse) -> dict[str, Any]:
    """The `coach ask --json` contract."""
    lesson = None
    if parse.intent == LESSON and parse.lesson:
        item = knowledge.item(parse.lesson)
        lesson = {
            "id": item.id,
            "title": item.title,
            "section": knowledge.section_title(item.section),
        }
        if parse.ambiguous:
            options = "\n".join(f"• {knowledge.item(c.id).title}" for c in parse.alternatives)
            reply = f"{texts.DID_YOU_MEAN}\n{options}"
        else:
            reply = answers.lesson_answer(knowledge, item) + f"\n[{texts.READ_MORE}]"
    elif parse.intent == ABOUT and parse.topic:
        reply = answers.topic_answer(knowledge.topics_by_id[parse.topic])
    elif parse.intent == OUT_OF_SCOPE:
        referral = referrals_for(knowledge).get(parse.kind)  # issue 12: where to go instead
        reply = referral.reply if referral else texts.NOT_IN_GUIDE
    else:
        reply = META_REPLIES.get(parse.intent, texts.HELP)
    return {
        "text": text,
        "intent": parse.intent,
        "confidence": parse.confidence,
        "lesson": lesson,
        "topic": parse.topic,
        "ambiguous": parse.ambiguous,
        "kind": parse.kind,  # issue 12: the kind of an out-of-scope question, else null
        "alternatives": [
            {"id": c.id, "title": knowledge.item(c.id).title, "score": c.score}
            for c in parse.alternatives
        ],
        "reply": plain(reply),
    }
