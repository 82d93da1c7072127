"""A TUNING set of negatives: synthetic non-sanctioned people generated with Faker (fixed seed).

The yente negatives and the US congress members are test sets without a tuning half: their alarms
must not be read to tune the matcher. This set is independent of them and may be tuned on: people
of the kinds of locales yente's synthetic negatives come from, each in its own script and, where the
script is not Latin and a reading is well defined (Faker's romanised Chinese and Japanese names, the
Revised Romanisation of Hangul, Cyrillic and Greek letters), also in Latin letters; plus common US
names (Faker en_US) as a congress-like hard set. The people are invented, so any match is a false
alarm (a generated name may equal a listed one by chance: that is what a screening customer base is).

Faker's name tables change between releases: the figures hold for the Faker version the report names.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from .evalsets import PersonRow

SEED = 15
PER_LOCALE = 200
US_COMMON = 1500
# (locale, how its names are written): "western" given + family; "east" family + given with no space
# (Chinese, Japanese, Korean native script); the Latin reading is added for the scripts named in LATIN.
LOCALES = (
    "en_US", "en_GB", "en_IN", "es_ES", "es_MX", "es_CO", "pt_BR", "pt_PT", "fr_FR", "de_DE", "it_IT", "nl_NL",
    "pl_PL", "ru_RU", "uk_UA", "el_GR", "ar_AA", "ar_SA", "fa_IR", "he_IL", "tr_TR", "hi_IN", "bn_BD",
    "zh_CN", "zh_TW", "ja_JP", "ko_KR", "th_TH", "vi_VN", "id_ID",
)
EAST = ("zh_CN", "zh_TW", "ja_JP", "ko_KR")
TWO_FAMILY = ("es_ES", "es_MX", "es_CO", "pt_BR", "pt_PT")  # a second family name, sometimes
LATIN = ("ru_RU", "uk_UA", "el_GR", "ko_KR", "zh_CN", "zh_TW", "ja_JP")


@dataclass(frozen=True)
class GeneratedPerson:
    row: PersonRow
    locale: str
    latin: bool  # a Latin reading of a native-script name
    kind: str  # "locale" or "us_common"


def _latin(text: str) -> str:
    from anyascii import anyascii

    return " ".join(w.capitalize() for w in anyascii(text).split())


def _hangul_latin(family: str, given: str) -> tuple[str, str]:
    from anyascii import anyascii

    return anyascii(family).capitalize(), anyascii(given).lower().capitalize()


def _locale_people(fake, locale: str, rng: random.Random) -> list[GeneratedPerson]:
    people = []
    for _ in range(PER_LOCALE):
        female = rng.random() < 0.5
        first = fake.first_name_female() if female else fake.first_name_male()
        last = fake.last_name_female() if female and hasattr(fake, "last_name_female") else fake.last_name()
        middle = ""
        if locale in TWO_FAMILY and rng.random() < 0.4:
            last = f"{last} {fake.last_name()}"
        elif locale in ("ru_RU", "uk_UA") and rng.random() < 0.5 and hasattr(fake, "middle_name_male"):
            middle = fake.middle_name_female() if female else fake.middle_name_male()
        elif locale in ("en_US", "en_GB", "de_DE", "nl_NL", "pt_BR") and rng.random() < 0.2:
            middle = fake.first_name_female() if female else fake.first_name_male()
        gender = "female" if female else "male"
        if locale in EAST:
            full = f"{last}{first}" if locale != "ja_JP" else f"{last} {first}"
        else:
            full = " ".join(p for p in (first, middle, last) if p)
        row = PersonRow(full, first, middle, last, gender)
        people.append(GeneratedPerson(row, locale, False, "locale"))
        if locale not in LATIN:
            continue
        if locale in ("zh_CN", "zh_TW", "ja_JP"):
            # Faker draws the romanised name separately: read the same characters instead
            lf, lg = _romanised_east(fake, last, first)
        elif locale == "ko_KR":
            lf, lg = _hangul_latin(last, first)
        else:
            lf, lg = _latin(last), _latin(first)
        lm = _latin(middle) if middle else ""
        latin_full = f"{lf} {lg}" if locale in EAST else " ".join(p for p in (lg, lm, lf) if p)
        people.append(GeneratedPerson(PersonRow(latin_full, lg, lm, lf, gender), locale, True, "locale"))
    return people


def _romanised_east(fake, family: str, given: str) -> tuple[str, str]:
    """Faker's own tables pair each Chinese/Japanese name with its romanisation; for characters
    it does not pair (or another version of Faker), anyascii's reading."""
    table = _ROMAN.get(id(fake))
    if table is None:
        table = _roman_table(fake)
        _ROMAN[id(fake)] = table
    return (table.get(family) or _latin(family).replace(" ", ""),
            table.get(given) or _latin(given).replace(" ", "").capitalize())


_ROMAN: dict[int, dict[str, str]] = {}


def _roman_table(fake) -> dict[str, str]:
    table: dict[str, str] = {}
    for provider in fake.providers:
        cls = type(provider)
        for native_attr, roman_attr in (("last_names", "last_romanized_names"),
                                        ("first_names", "first_romanized_names"),
                                        ("first_names_male", "first_romanized_names_male"),
                                        ("first_names_female", "first_romanized_names_female"),
                                        ("last_kana_names", "last_romanized_names")):
            native, roman = getattr(cls, native_attr, None), getattr(cls, roman_attr, None)
            if isinstance(native, (list, tuple)) and isinstance(roman, (list, tuple)) and len(native) == len(roman):
                for n, r in zip(native, roman):
                    table.setdefault(n, r)
    return table


def _us_common(fake, rng: random.Random) -> list[GeneratedPerson]:
    """Common US names, written as congress members' are: given family, a middle initial or a middle name."""
    people = []
    for _ in range(US_COMMON):
        female = rng.random() < 0.3
        first = fake.first_name_female() if female else fake.first_name_male()
        last = fake.last_name()
        u = rng.random()
        middle = ""
        if u < 0.25:
            middle = f"{rng.choice('ABCDEFGHJKLMNPRSTW')}."
        elif u < 0.4:
            middle = fake.first_name_female() if female else fake.first_name_male()
        full = " ".join(p for p in (first, middle, last) if p)
        people.append(GeneratedPerson(PersonRow(full, first, middle, last, "female" if female else "male"),
                                      "en_US", False, "us_common"))
    return people


def generate(seed: int = SEED) -> list[GeneratedPerson]:
    """The tuning negatives: PER_LOCALE people per locale (plus Latin readings) and US_COMMON US names."""
    from faker import Faker

    people: list[GeneratedPerson] = []
    for i, locale in enumerate(LOCALES):
        fake = Faker(locale)
        fake.seed_instance(seed * 1000 + i)
        people += _locale_people(fake, locale, random.Random(seed * 1000 + i))
    fake = Faker("en_US")
    fake.seed_instance(seed * 1000 + 999)
    people += _us_common(fake, random.Random(seed * 1000 + 999))
    return people


def faker_version() -> str:
    try:
        import faker

        return str(faker.VERSION)
    except ImportError:
        return ""
