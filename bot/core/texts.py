"""The bot's own Dutch wording (B1, short). The guide's content lives in knowledge/."""

from __future__ import annotations

WELCOME = (  # issue 12: what the bot is and is not, and what it keeps, in three sentences
    "Welkom! Ik ben een coach om na te denken over je werk met statushouders, met lessen uit "
    "de handreiking ‘Nieuw op de arbeidsmarkt’ (2021). "
    "Ik ben geen vervanging van werkinstructies, juridisch advies of het klantsysteem. "
    "Ik bewaar je rol, je instellingen en alleen de antwoorden die jij goedkeurt, "
    "versleuteld en alleen voor jou (meer in /privacy)."
)
ASK_ROLE = "Wat is je rol?"
ROLE_PROFESSIONAL = "Klantmanager / begeleider"
ROLE_MANAGER = "Leidinggevende / beleidsmaker"
ROLE_SET = {
    "professional": "Fijn, je krijgt de vragen voor uitvoerende professionals.",
    "manager": "Fijn, je krijgt de vragen voor leidinggevenden en beleidsmakers.",
}
ASK_NEW = "Ben je nieuw in dit werk met statushouders?"
YES = "Ja"
NO = "Nee"
NEW_YES = (
    "Welkom in het vak! Ik heb een programma van 10 werkdagen door de handreiking. "
    "Elke dag een korte uitleg en één vraag. Start met /onboarding."
)
NEW_NO = "Top. Stel gerust je eerste vraag, bijvoorbeeld: ‘hoe bespreek ik discriminatie?’"

HELP = (
    "Dit kan ik voor je doen:\n"
    "• Een vraag beantwoorden uit de handreiking. Typ gewoon je vraag of situatie.\n"
    "• /reflectie – een vraag om even bij stil te staan\n"
    "• /mijnreflecties – je notitieboek: teruglezen, zoeken (‘zoek naar werkdruk’), "
    "aanvullen of verwijderen; iets bewaren met ‘onthoud: …’\n"  # issue 16
    "• /dagelijks – een reflectievraag op een tijd die jij kiest, elke werkdag of elke dag; "
    "ook de wekelijkse terugblik zet je hier aan\n"
    "• /onboarding – 10 werkdagen door de handreiking, als je nieuw bent\n"
    "• /export – al je gegevens downloaden\n"
    "• /vergeet – al je gegevens wissen\n"
    "• /privacy – wat ik bewaar\n"
    "• /rol – je rol wijzigen (begeleider of leidinggevende/beleidsmaker)\n"
    "• /teamoverleg (of /team) – vragen en een agenda voor je teamoverleg (leidinggevenden); "
    "noem er een onderwerp bij, zoals ‘/team gezondheid’\n"  # issue 17
    "• /instellingen – je rol, de dagelijkse vraag en of ik eerst vraag voor ik bewaar\n"
    "• stop of /annuleer – altijd uit een gesprek stappen"
)
GREET = "Hoi! Waar kan ik je mee helpen? Typ een vraag of situatie, of kijk bij /help."
GOODBYE = "Tot ziens! Succes met je gesprekken."
THANKS = "Graag gedaan! Je kunt altijd een nieuwe vraag stellen."

SOURCE = "Bron: handreiking ‘Nieuw op de arbeidsmarkt’ (2021) – {section}"
READ_MORE = "Lees meer"
NOT_IN_GUIDE = (
    "Dat staat niet in de handreiking ‘Nieuw op de arbeidsmarkt’, dus daar kan ik je niet goed "
    "mee helpen. Ik weet veel over de stappen naar werk, gezondheid, de manier van begeleiden "
    "en de organisatie eromheen. Typ /help voor wat ik kan."
)
DID_YOU_MEAN = "Bedoel je…?"
SOMETHING_ELSE = "Iets anders"
REPHRASE = (
    "Oké. Probeer je vraag eens anders te stellen, bijvoorbeeld met een situatie uit je werk."
)

REFLECT_INTRO = "Wil je hier even bij stilstaan?"
REFLECT_INTRO_FREE = "Een vraag om even bij stil te staan:"
DAILY_INTRO = "Je vraag van vandaag:"
REFLECT_HINT = "Typ je antwoord. Het blijft alleen van jou."
SKIP = "Sla over"
SKIPPED = "Prima, we slaan deze over."
STORED = "Bewaard. Je leest het terug met /mijnreflecties."
FOLLOWUP_INTRO = "Nog één stap verder, als je wilt:"
FOLLOWUP_STORED = "Bewaard. Mooi dat je hier zo bij stilstaat."
NOTHING_PENDING = "Er staat niets open. Stel gerust een vraag."

QUESTION_OR_REFLECTION = "Is dit je antwoord op de vraag, of een nieuwe vraag?"
AS_REFLECTION = "Bewaar als antwoord"
AS_QUESTION = "Het is een nieuwe vraag"

CANCELLED = "Oké, gestopt. Stel gerust een nieuwe vraag."
CANCELLED_NOTHING = "Er liep niets. Stel gerust een vraag."

NO_REFLECTIONS = "Je hebt nog geen reflecties. Typ /reflectie voor een vraag."
REFLECTIONS_HEADER = "Je laatste reflecties:"
REFLECTIONS_MORE = "Alles bij elkaar krijg je met /export."

EXPORT_READY = "Hier zijn al je gegevens: een leesbaar bestand en een JSON-bestand."
DELETE_CONFIRM = (  # issue 16: notes too
    "Weet je het zeker? Ik wis dan al je reflecties, notities, instellingen en voortgang. "
    "Dit kan niet terug."
)
DELETE_YES = "Ja, wis alles"
DELETE_NO = "Nee, bewaar"
# issue 16: nothing kept any more and /start begins anew (then what lies outside our reach)
DELETED = (
    "Alles is gewist: ik bewaar niets meer van je. Met /start begin je opnieuw "
    "(een nieuw bericht begint ook opnieuw)."
)
DELETE_KEPT = "Niets gewist. Je gegevens blijven bewaard."

EMPTY = "Ik zie geen tekst. Typ je vraag in een paar woorden, bijvoorbeeld ‘klant heeft schulden’."
NO_WORDS = (
    "Ik kan alleen tekst lezen. Typ je vraag in woorden, bijvoorbeeld ‘klant heeft schulden’."
)
NOT_DUTCH = (
    "Ik begrijp alleen Nederlands. Typ je vraag in het Nederlands, bijvoorbeeld "
    "‘hoe bespreek ik discriminatie?’"
)
TOO_LONG = "Je bericht is erg lang. Ik lees de eerste {n} tekens."
REFLECTION_TOO_LONG = "Je antwoord is erg lang. Ik bewaar de eerste {n} tekens."
ERROR = "Er ging iets mis aan mijn kant. Probeer het zo nog eens; er is niets verloren gegaan."
ENCRYPTION_REQUIRED = (
    "Ik kan je reflectie nu niet veilig bewaren: de versleuteling is niet ingesteld. "
    "Ik heb niets opgeslagen. Meld dit aan de beheerder."
)


def capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


CLIENT_DATA_FOUND = (
    "Let op: ik zie mogelijk gegevens van een klant ({kinds}). {reason}"
    "Die bewaar ik liever niet. "
    "Zo zou ik het bewaren:\n\n{cleaned}\n\nTyp ‘ja’ om dit te bewaren, of schrijf het opnieuw."
)
STORE_REDACTED = "Bewaar zonder die gegevens"
REWRITE = "Ik schrijf het opnieuw"
CLIENT_DATA_NOT_KEPT = (  # a text that reached storing without the dialogue's check
    "Ik zie mogelijk gegevens van een klant ({kinds}). Die bewaar ik niet. "
    "Typ het opnieuw, zonder namen of nummers van klanten."
)
REWRITE_ASK = "Prima. Typ je antwoord opnieuw, zonder namen of nummers van klanten."
REWRITE_NOTE = "Prima. Typ het opnieuw, zonder namen of nummers van klanten."  # issue 16

PRIVACY = (
    "Wat ik bewaar:\n"
    "• je rol, tijdzone en instellingen (zoals je dagelijkse tijd);\n"
    "• je reflecties, versleuteld, met de vraag waarbij ze horen;\n"
    "• welke vragen en onderwerpen je kreeg, zodat ik niet herhaal.\n"
    "Alleen jij ziet je reflecties. Ik bewaar geen BSN of andere gegevens van klanten: "
    "ik waarschuw als ik die zie. Reflecties worden na {days} dagen automatisch gewist.\n"
    "Telegram-chats zijn niet end-to-end versleuteld.\n"
    "/export geeft al je gegevens, /vergeet wist alles."
    # issue 17: team insight
    "\nTeam-inzicht (alleen als een beheerder het voor je organisatie aanzet): een "
    "leidinggevende ziet hoe vaak collega's de afgelopen 30 dagen naar elk deel van de "
    "handreiking vroegen. Alleen aantallen, nooit teksten of namen, en pas vanaf 5 collega's."
)

NO_ACCESS = (
    "Deze coach is alleen te gebruiken met een uitnodiging van je organisatie. "
    "Vraag je leidinggevende of functioneel beheerder om een uitnodigingslink."
)
# issue 13: a code that no longer works says why, politely (the rest stays NO_ACCESS)
_NEW_LINK = "Vraag je leidinggevende of functioneel beheerder om een nieuwe uitnodigingslink."
INVITE_REFUSED = {
    "unknown": "Deze uitnodigingscode ken ik niet. Gebruik de hele link uit je uitnodiging. "
    "Werkt het dan nog niet? " + _NEW_LINK,
    "revoked": "Deze uitnodiging is ingetrokken door je organisatie. " + _NEW_LINK,
    "expired": "Deze uitnodiging is verlopen. " + _NEW_LINK,
    "used_up": "Deze uitnodiging is al door het afgesproken aantal collega's gebruikt. "
    + _NEW_LINK,
}
EMERGENCY = (
    "Wat je schrijft klinkt ernstig. Is er direct gevaar? Bel 112. "
    "Denkt iemand aan zelfdoding? Bel 113 (0800-0113, gratis) of chat via 113.nl. "
    "Je kunt ook de huisarts of huisartsenpost bellen."
)
SLOW_DOWN = "Je stuurt veel berichten kort na elkaar. Wacht even; ik lees alles, maar rustig aan."

# Korthagen's ALACT reflection cycle: one deepening question per phase after the first.
FOLLOWUPS = (
    ("terugblikken", "Wat gebeurde er precies? Wat deed jij, en wat deed de ander?"),
    ("gevoel", "Wat dacht en voelde je op dat moment? En wat denk je dat de statushouder voelde?"),
    ("kern", "Wat is voor jou de kern hiervan? Wat maakt dit belangrijk?"),
    ("alternatief", "Wat wil je de volgende keer anders doen of uitproberen?"),
)
FOLLOWUPS_MANAGER = (
    ("terugblikken", "Hoe ziet dit er nu in de praktijk uit bij jullie?"),
    ("kern", "Wat is voor jou de kern hiervan voor je team of beleid?"),
    ("alternatief", "Welke eerste stap wil je zetten, en met wie bespreek je die?"),
)


# ---------------------------------------------------------------- issue 16: export
EXPORT_COUNTS_16 = (
    "Erin staan {counts}. Het bestand bevat je "
    "persoonlijke aantekeningen: bewaar het veilig en deel het niet zomaar."
)


# -- issue 12: the dialogue policy ------------------------------------------------------------
UNKNOWN_COMMAND = "Het commando {command} ken ik niet. Typ /help om te zien wat ik kan."
PENDING_DROPPED = "Wat je net schreef, heb ik niet bewaard."
ANSWER_WELCOME = "Fijn. Typ je antwoord maar, kort of lang.\n{prompt}"
NOT_A_REFLECTION = (
    "Dat bewaar ik niet als reflectie. Wil je later toch antwoorden? Typ dan /reflectie. "
    "Of stel gerust een vraag."
)


# issue 15: error texts that say only what is true
ERROR_REPLY_LOST = (
    "Je bericht is bewaard, maar mijn antwoord kwam niet aan. Stuur /help of typ verder."
)
ERROR_NOT_PROCESSED = (
    "Er ging iets mis aan mijn kant: je bericht is niet verwerkt. Stuur het opnieuw."
)
PATIENCE = "Even geduld, het duurt wat langer dan normaal."
UNAVAILABLE = (  # issue 15: true because the inbox (or Telegram) keeps the message
    "De coach is even niet bereikbaar. Je bericht is ontvangen: ik verwerk het zodra ik er "
    "weer ben. Je hoeft het niet opnieuw te sturen."
)


# issue 12: support before content, for a message about emotional load
SUPPORT_LOAD = (
    "Dat klinkt zwaar, en het is goed dat je het even kwijt kunt. "
    "Wil je er later over nadenken, dan kun je hier een reflectie schrijven; dat hoeft niet. "
    "Praat er ook over met een collega of je teamleider: je hoeft dit niet alleen te dragen. "
    "Uit de handreiking, als je wilt:"
)
