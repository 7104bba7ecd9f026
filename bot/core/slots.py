"""issue 15: every slot an action reads, declared once.

domain.yml declares them, so a Rasa server's tracker carries each one and rasa-sdk never
meets a slot it does not know at the `coach actions` edge (it logged "Tried to access non
existent slot" at INFO, 1,676 lines per 10,000 messages). In-process, actions get their
arguments as a typed `Call` (actions.base) and no tracker is made.
"""

from __future__ import annotations

from bot.core.dialogue import FLOW_SLOTS

TEAM_SLOTS = (  # issue 17: set per step by bot.team.routing
    "team_text",
    "team_minutes",
    "team_theme",
    "team_questions",
    "team_agenda",
    "team_with_professional",
)
NOTEBOOK_SLOTS = ("nb_open", "nb_next")  # issue 16: the entry just opened, the next page
SLOTS = (
    "state",
    "role",
    *FLOW_SLOTS,
    "new_in_work",
    "start_param",
    "coach_user_id",
    *TEAM_SLOTS,
    *NOTEBOOK_SLOTS,
)
