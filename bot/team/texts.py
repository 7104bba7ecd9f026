"""Dutch texts of the team-meeting feature (issue 17)."""

CHOOSE_THEME = (
    "Voor je teamoverleg: de gesprekskaarten voor leidinggevenden en beleidsmakers uit de "
    "handreiking. Kies een thema, of noem een onderwerp (bijv. 'vooral over werkdruk en taal')."
)
FOR_MANAGER = "Voor jou als leidinggevende of beleidsmaker om over na te denken"
TO_TEAM = "Om aan de uitvoerende professionals te stellen"
SOURCE = "Bron: handreiking 'Nieuw op de arbeidsmarkt' (2021), gesprekskaart '{card}'."
LESSONS = "Les: {titles}"
NEXT = "Zeg bijvoorbeeld 'zet het in een agenda voor een uur'."
SUBJECT_HEADER = "Vragen uit de handreiking over {subjects} (hooguit zes):"
NO_SUBJECT = (
    "Daar vind ik geen gesprekskaartvragen bij. Kies een thema, of noem een onderwerp zoals "
    "werkdruk, taal, gezondheid of samenwerking."
)
AGENDA_RANGE = "Een agenda kan ik maken voor 15 tot 120 minuten. Hoe lang duurt je overleg?"
AGENDA_TITLE = "Agenda teamoverleg ({minutes} minuten)"
AGENDA_NOTE = "De tijden zijn een voorstel van de coach."
BOT_MARK = "(voorstel van de coach)"
OPENING = "Opening: doel van het overleg en hoe het gaat in het team"
CLOSING = "Afsluiting: afspraken maken (wie doet wat, wanneer)"
BACKGROUND = "Achtergrond: {titles}"
AGENDA_SOURCE = "Vragen en lessen: handreiking 'Nieuw op de arbeidsmarkt' (2021)."
AGENDA_FILE = "De agenda staat ook in het document hieronder."
SAVED = "Je agenda is bewaard in je notitieboek. Zeg 'mijn agenda's' om hem terug te vinden."
CANNOT_SAVE = (
    "Bewaren kan ik nog niet: deze coach heeft nog geen notitieboek. Bewaar het document "
    "hieronder zelf, dan heb je de agenda toch bij de hand."
)
NO_AGENDA = "Er is nog geen agenda. Zeg bijvoorbeeld 'zet het in een agenda voor een uur'."
NONE_SAVED_YET = (
    "Je hebt nog geen agenda bewaard. Zeg 'bewaar deze agenda' om de agenda van net te bewaren."
)
NONE_SAVED = (
    "Je hebt nog geen agenda bewaard. Maak er een met bijvoorbeeld 'zet het in een agenda voor "
    "een uur' en zeg dan 'bewaar deze agenda'."
)
AGENDA_HOW_LONG = "Hoe lang duurt je overleg? Zeg bijvoorbeeld 'agenda voor 45 minuten'."
NO_AGENDAS = "Agenda's bewaren kan ik nog niet: deze coach heeft nog geen notitieboek."
NORM = (
    "De handreiking geeft hiervoor geen getal, wettelijke norm, bedrag of termijn. Ik verzin er "
    "ook geen."
)
NORM_GUIDE = "Wat de handreiking wel zegt ({title}): {summary}"
NORM_DECIDE = "Bespreek het in je team met deze vraag van de gesprekskaart:"
NORM_NO_SUBJECT = (
    "Kies in je team zelf wat passend is; /teamoverleg geeft de gesprekskaartvragen daarvoor."
)
INSIGHT_OFF = (
    "Team-inzicht staat voor jouw organisatie niet aan. Een beheerder kan het aanzetten; "
    "zie /privacy voor wat het laat zien."
)
INSIGHT_MANAGER_ONLY = "Team-inzicht is er alleen voor leidinggevenden. Kies je rol met /rol."
INSIGHT_TOO_FEW = (
    "Nog te weinig collega's van je organisatie hebben de afgelopen 30 dagen vragen gesteld "
    "(minder dan {k}). Om niemand herkenbaar te maken laat ik dan niets zien."
)
INSIGHT_HEADER = (
    "Waar je organisatie de afgelopen 30 dagen naar vroeg ({users} collega's, alleen aantallen, "
    "geen teksten en geen namen):"
)
