"""Build bot/privacy/data/names_origin_*.txt from the names-dataset package (MIT licence).

    pip install names-dataset==3.3.1 && python scripts/build_name_lists.py

names-dataset (Philippe Remy, https://github.com/philipperemy/name-dataset, MIT) holds
first names and surnames per country, taken from a public leak of Facebook profiles.
We keep the Latin-script names among the most frequent ones of the countries of origin
of statushouders that the dataset covers. Eritrea, Somalia and Ukraine are not in it:
their names come from the project's own hand-made list (names.txt). The package is
needed only to rebuild the files, not at run time.
"""

from __future__ import annotations

import re
from pathlib import Path

from names_dataset import NameDataset

COUNTRIES = {
    "AF": "Afghanistan",
    "SY": "Syrië",
    "IQ": "Irak",
    "IR": "Iran",
    "TR": "Turkije",
    "ET": "Ethiopië",
    "SD": "Soedan",
    "YE": "Jemen",
    "MA": "Marokko",
    "EG": "Egypte",
    "LB": "Libanon",
    "JO": "Jordanië",
    "PS": "Palestina",
    "LY": "Libië",
    "DZ": "Algerije",
    "TN": "Tunesië",
    "SA": "Saoedi-Arabië",
}
TOP = 2500
LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-žÇçĞğİıŞşÜüÖö'’-]{3,20}$")
OUT = Path(__file__).resolve().parents[1] / "bot" / "privacy" / "data"
HEADER = (
    "# {what} from countries of origin of statushouders, one per line; '#' starts a comment.\n"
    "# Derived from names-dataset 3.3.1 (c) Philippe Remy, MIT licence,\n"
    "# https://github.com/philipperemy/name-dataset - the {top} most frequent per country\n"
    "# (and gender), Latin script only. Rebuild: python scripts/build_name_lists.py\n"
    "# Countries: {countries}\n"
)


def clean(names: list[str]) -> set[str]:
    out = set()
    for n in names:
        n = n.strip()
        if LATIN.match(n) and not n.isupper():
            out.add(n[0].upper() + n[1:].lower())
    return out


def main() -> None:
    nd = NameDataset()
    first: set[str] = set()
    last: set[str] = set()
    for code in COUNTRIES:
        top = nd.get_top_names(n=TOP, country_alpha2=code).get(code, {})
        for gender_names in top.values():
            first |= clean(gender_names)
        last |= clean(
            nd.get_top_names(n=TOP, use_first_names=False, country_alpha2=code).get(code, [])
        )
    countries = ", ".join(COUNTRIES.values())
    for fname, what, names in (
        ("first_names_origin.txt", "Given names", first),
        ("surnames_origin.txt", "Surnames", last),
    ):
        text = (
            HEADER.format(what=what, top=TOP, countries=countries) + "\n".join(sorted(names)) + "\n"
        )
        (OUT / fname).write_text(text, encoding="utf-8")
        print(fname, len(names))


if __name__ == "__main__":
    main()
