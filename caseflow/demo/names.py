"""Latvian names for fictitious people: first names by gender and surnames in both gender forms."""
from __future__ import annotations

import random
from dataclasses import dataclass

FEMALE_FIRST_NAMES = (
    "Anna", "Elīza", "Marta", "Sofija", "Emīlija", "Alise", "Katrīna", "Paula", "Estere", "Līva",
    "Dārta", "Kristiāna", "Amēlija", "Evelīna", "Luīze", "Madara", "Laura", "Keita", "Elza",
    "Hanna", "Annija", "Rēzija", "Agate", "Beāte", "Marija", "Viktorija", "Sāra", "Patrīcija",
    "Justīne", "Megija", "Ieva", "Linda", "Rūta", "Sanija", "Terēze", "Gabriela", "Valērija",
    "Milāna", "Darja", "Anastasija", "Elīna", "Adele", "Loreta", "Ketija", "Ance", "Zane",
    "Jasmīna", "Undīne",
)

MALE_FIRST_NAMES = (
    "Jānis", "Roberts", "Mārtiņš", "Kārlis", "Dāvis", "Ričards", "Gustavs", "Emīls", "Markuss",
    "Artūrs", "Niklāvs", "Tomass", "Olivers", "Rihards", "Daniels", "Aleksandrs", "Miks",
    "Kristers", "Raivis", "Edgars", "Kristiāns", "Ralfs", "Eduards", "Adriāns", "Patriks",
    "Matīss", "Ēriks", "Toms", "Renārs", "Krišjānis", "Valters", "Oskars", "Ernests", "Reinis",
    "Gabriels", "Ansis", "Teodors", "Viesturs", "Dāniels", "Maksims", "Nikita", "Elvis",
    "Lūkass", "Ivo", "Klāvs", "Andris",
)

#: (male form, female form)
SURNAMES = (
    ("Bērziņš", "Bērziņa"), ("Kalniņš", "Kalniņa"), ("Ozols", "Ozola"), ("Jansons", "Jansone"),
    ("Liepiņš", "Liepiņa"), ("Krūmiņš", "Krūmiņa"), ("Balodis", "Balode"), ("Zariņš", "Zariņa"),
    ("Pētersons", "Pētersone"), ("Vītols", "Vītola"), ("Kļaviņš", "Kļaviņa"),
    ("Eglītis", "Eglīte"), ("Ābols", "Ābola"), ("Šmits", "Šmite"), ("Dzenis", "Dzene"),
    ("Siliņš", "Siliņa"), ("Žagars", "Žagare"), ("Ģērmanis", "Ģērmane"), ("Ķiķis", "Ķiķe"),
    ("Lūsis", "Lūse"), ("Ozoliņš", "Ozoliņa"), ("Kārkliņš", "Kārkliņa"),
    ("Jākobsons", "Jākobsone"), ("Andersons", "Andersone"), ("Kazaks", "Kazaka"),
    ("Vanags", "Vanaga"), ("Grīnbergs", "Grīnberga"), ("Lācis", "Lāce"), ("Sproģis", "Sproģe"),
    ("Zvirbulis", "Zvirbule"), ("Rozenbergs", "Rozenberga"), ("Freimanis", "Freimane"),
    ("Strazds", "Strazda"), ("Āboliņš", "Āboliņa"), ("Putniņš", "Putniņa"), ("Bērzs", "Bērza"),
    ("Krastiņš", "Krastiņa"), ("Celmiņš", "Celmiņa"), ("Upenieks", "Upeniece"),
    ("Lapiņš", "Lapiņa"), ("Vilciņš", "Vilciņa"), ("Zeltiņš", "Zeltiņa"), ("Auziņš", "Auziņa"),
    ("Kauliņš", "Kauliņa"), ("Rubenis", "Rubene"), ("Briedis", "Briede"), ("Cīrulis", "Cīrule"),
    ("Lazdāns", "Lazdāne"), ("Pudāns", "Pudāne"), ("Bondars", "Bondare"),
    ("Ivanovs", "Ivanova"), ("Petrovs", "Petrova"), ("Vasiļjevs", "Vasiļjeva"),
    ("Kovaļevskis", "Kovaļevska"), ("Mežulis", "Mežule"), ("Dambītis", "Dambīte"),
)

LATVIAN_LETTERS = frozenset("āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ")

FEMALE = "F"
MALE = "M"


@dataclass(frozen=True)
class PersonName:
    """A generated name and the gender its forms agree with."""

    first_name: str
    last_name: str
    gender: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class NameGenerator:
    """Deterministic Latvian names: the same random.Random state gives the same names."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def gender(self) -> str:
        return self.rng.choice((FEMALE, MALE))

    def person(self, gender: str | None = None) -> PersonName:
        """A first name and a surname in the gender's form."""
        gender = gender or self.gender()
        male, female = self.rng.choice(SURNAMES)
        if gender == FEMALE:
            return PersonName(self.rng.choice(FEMALE_FIRST_NAMES), female, FEMALE)
        return PersonName(self.rng.choice(MALE_FIRST_NAMES), male, MALE)


def has_latvian_letters(text: str) -> bool:
    """True if the text contains a letter with a Latvian diacritic."""
    return any(ch in LATVIAN_LETTERS for ch in text)
