"""The findings of one scan, and the cleaned text the user is shown before anything is kept.

Redaction generalises where it can: a name becomes "[klant]", numbers become their kind
("[BSN]", "[TELEFOON]", ...). Facts that identify a person only together - a town, an
employer, a street, a nationality, a family, an exact age, a rare profession - are kept
on their own ("Ze heeft 4 kinderen."), and generalised when they are part of an
identifying combination: "[woonplaats]", "[werkgever]", "[straat]", "[nationaliteit]",
"[leeftijd]", "[beroep]", and "4 kinderen" becomes "[aantal] kinderen" (see
``combinations.generalise``).
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS: tuple[str, ...] = (
    "BSN",
    "VNUMMER",
    "TELEFOON",
    "EMAIL",
    "IBAN",
    "POSTCODE_HUISNUMMER",
    "GEBOORTEDATUM",
    "NAAM",
    "COMBINATIE",
)
# Parts of a combination that redaction generalises (reported only beside a name or in
# an identifying combination). AANTAL is the number in a family fact ("4 kinderen").
PART_KINDS: tuple[str, ...] = (
    "WOONPLAATS",
    "WERKGEVER",
    "STRAAT",
    "LEEFTIJD",
    "NATIONALITEIT",
    "BEROEP",
    "AANTAL",
    "GEZIN",
)

PLACEHOLDER: dict[str, str] = {
    "BSN": "[BSN]",
    "VNUMMER": "[V-NUMMER]",
    "TELEFOON": "[TELEFOON]",
    "EMAIL": "[E-MAIL]",
    "IBAN": "[IBAN]",
    "POSTCODE_HUISNUMMER": "[ADRES]",
    "GEBOORTEDATUM": "[GEBOORTEDATUM]",
    "NAAM": "[klant]",
    "WOONPLAATS": "[woonplaats]",
    "WERKGEVER": "[werkgever]",
    "STRAAT": "[straat]",
    "LEEFTIJD": "[leeftijd]",
    "NATIONALITEIT": "[nationaliteit]",
    "BEROEP": "[beroep]",
    "AANTAL": "[aantal]",
    "GEZIN": "[gezin]",
}

LABEL: dict[str, str] = {
    "BSN": "een BSN",
    "VNUMMER": "een V-nummer",
    "TELEFOON": "een telefoonnummer",
    "EMAIL": "een e-mailadres",
    "IBAN": "een rekeningnummer (IBAN)",
    "POSTCODE_HUISNUMMER": "een adres",
    "GEBOORTEDATUM": "een geboortedatum",
    "NAAM": "een naam",
    "COMBINATIE": "gegevens die samen iemand herkenbaar maken",
}


@dataclass(frozen=True)
class Finding:
    """Where client data was found: a kind and a span of the original text, never the value."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Scan:
    """The findings for one text, in order of position, without overlaps.

    ``combination`` is true when facts together identify a person; ``reason`` then says
    which, in one Dutch line. Neither keeps any part of the text.
    """

    findings: tuple[Finding, ...]
    length: int = -1  # length of the scanned text, to catch redacting the wrong text
    combination: bool = False
    reason: str = ""

    def __bool__(self) -> bool:
        return bool(self.findings) or self.combination

    def redacted(self, text: str) -> str:
        """The scanned ``text`` with every finding replaced by its placeholder."""
        if self.length >= 0 and len(text) != self.length:
            raise ValueError("redacted() needs the same text that was scanned")
        parts: list[str] = []
        pos = 0
        for f in self.findings:
            parts.append(text[pos : f.start])
            parts.append(PLACEHOLDER[f.kind])
            pos = f.end
        parts.append(text[pos:])
        return "".join(parts)

    def kind_codes(self) -> list[str]:
        """Distinct kinds found (``"BSN"``, ``"NAAM"``, ``"COMBINATIE"``, ...), in the order of
        :data:`KINDS`; the parts of a combination are not listed separately."""
        present = {f.kind for f in self.findings}
        if self.combination:
            present.add("COMBINATIE")
        return [k for k in KINDS if k in present]

    def kinds(self) -> list[str]:
        """Distinct Dutch labels for telling the user, e.g. ``["een BSN", "een naam"]``."""
        return [LABEL[k] for k in self.kind_codes()]


@dataclass(frozen=True)
class Findings:
    """What the dialogue needs from one scan: the cleaned text, the kinds and the reason."""

    cleaned: str
    kinds: tuple[str, ...]
    labels: tuple[str, ...]
    reason: str
    spans: tuple[Finding, ...]

    def __bool__(self) -> bool:
        return bool(self.kinds)
