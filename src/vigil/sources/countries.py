"""Country names as written in sanctions lists -> ISO 3166-1 alpha-2 codes (lowercase, FtM style)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry

# Spellings used by OFAC, the UN, OFSI and the EU that pycountry does not know.
EXTRA = {
    "iran": "ir", "iran (islamic republic of)": "ir", "islamic republic of iran": "ir",
    "syria": "sy", "syrian arab republic": "sy", "russia": "ru", "russian federation": "ru",
    "north korea": "kp", "korea, north": "kp", "korea north": "kp", "democratic people's republic of korea": "kp",
    "dprk": "kp", "korea, democratic people's republic of": "kp",
    "south korea": "kr", "korea, south": "kr", "republic of korea": "kr", "korea": "kr",
    "burma": "mm", "myanmar (burma)": "mm", "laos": "la", "vietnam": "vn", "viet nam": "vn",
    "venezuela": "ve", "bolivia": "bo", "tanzania": "tz", "moldova": "md", "macedonia": "mk",
    "the former yugoslav republic of macedonia": "mk", "czech republic": "cz", "turkey": "tr", "türkiye": "tr",
    "turkiye": "tr", "uk": "gb", "united kingdom": "gb", "great britain": "gb", "england": "gb",
    "united kingdom of great britain and northern ireland": "gb", "usa": "us", "united states": "us",
    "united states of america": "us", "u.s.a.": "us", "uae": "ae", "u.a.e.": "ae",
    "congo, democratic republic of the": "cd", "democratic republic of the congo": "cd", "drc": "cd",
    "congo (democratic republic)": "cd", "congo, republic of the": "cg", "republic of the congo": "cg",
    "congo": "cg", "ivory coast": "ci", "cote d'ivoire": "ci", "côte d'ivoire": "ci",
    "palestinian": "ps", "palestine": "ps", "west bank": "ps", "gaza": "ps", "gaza strip": "ps",
    "occupied palestinian territory": "ps", "state of palestine": "ps", "kosovo": "xk",
    "crimea": "ua-cri", "region: crimea": "ua-cri", "brunei": "bn", "cape verde": "cv",
    "swaziland": "sz", "east timor": "tl", "vatican": "va", "holy see": "va", "micronesia": "fm",
    "st. kitts and nevis": "kn", "st. lucia": "lc", "st. vincent and the grenadines": "vc",
    "saint vincent and the grenadines": "vc", "bahamas, the": "bs", "the bahamas": "bs", "gambia, the": "gm",
    "the gambia": "gm", "netherlands antilles": "an", "serbia and montenegro": "cs", "yugoslavia": "yu",
    "soviet union": "suhh", "ussr": "suhh", "taiwan": "tw", "chinese taipei": "tw", "hong kong": "hk",
    "macau": "mo", "macao": "mo", "libyan arab jamahiriya": "ly", "libya": "ly",
    "united republic of tanzania": "tz", "bosnia-herzegovina": "ba", "bosnia": "ba",
    "sudan, south": "ss", "south sudan": "ss", "iraq": "iq", "afghanistan": "af", "lebanon": "lb",
    "yemen": "ye", "kyrgyzstan": "kg", "kyrgyz republic": "kg", "slovak republic": "sk",
    "region: kurdistan": "iq", "belarus": "by", "curacao": "cw", "curaçao": "cw",
    # spellings seen in OFAC remarks (POB/nationality)
    "north macedonia, the republic of": "mk", "st kitts and nevis": "kn", "st. kitts & nevis": "kn",
    "comoros islands": "km", "palestinian territories": "ps", "the philippines": "ph", "phillipines": "ph",
}

# Nationality adjectives found in remarks and UN <NATIONALITY> values.
DEMONYMS = {
    "iranian": "ir", "syrian": "sy", "russian": "ru", "iraqi": "iq", "afghan": "af", "lebanese": "lb",
    "yemeni": "ye", "saudi": "sa", "saudi arabian": "sa", "pakistani": "pk", "north korean": "kp",
    "korean": "kr", "chinese": "cn", "emirati": "ae", "egyptian": "eg", "jordanian": "jo", "kuwaiti": "kw",
    "qatari": "qa", "bahraini": "bh", "omani": "om", "turkish": "tr", "libyan": "ly", "sudanese": "sd",
    "somali": "so", "nigerian": "ng", "malian": "ml", "algerian": "dz", "moroccan": "ma", "tunisian": "tn",
    "mauritanian": "mr", "belarusian": "by", "ukrainian": "ua", "venezuelan": "ve", "cuban": "cu",
    "mexican": "mx", "colombian": "co", "british": "gb", "american": "us", "french": "fr", "german": "de",
    "indian": "in", "indonesian": "id", "filipino": "ph", "malaysian": "my", "palestinian": "ps",
    "israeli": "il", "bosnian": "ba", "serbian": "rs", "kenyan": "ke", "ethiopian": "et", "eritrean": "er",
    "congolese": "cd", "burmese": "mm", "tajik": "tj", "uzbek": "uz", "kazakh": "kz", "kyrgyz": "kg",
    "azerbaijani": "az", "georgian": "ge", "armenian": "am", "chechen": "ru", "bangladeshi": "bd",
    "nicaraguan": "ni", "swiss": "ch", "dutch": "nl", "belgian": "be", "italian": "it", "spanish": "es",
    "greek": "gr", "cypriot": "cy", "maltese": "mt", "trinidadian": "tt", "australian": "au",
    "canadian": "ca", "south african": "za", "zimbabwean": "zw", "central african": "cf",
    # seen in the EU Official Journal annexes
    "belarussian": "by", "burkinabe": "bf", "finnish": "fi", "togolese": "tg", "guatemalan": "gt", "haitian": "ht",
    "ivorian": "ci", "latvian": "lv", "lithuanian": "lt", "estonian": "ee", "moldovan": "md", "norwegian": "no",
    "romanian": "ro", "montenegrin": "me", "honduran": "hn", "uzbekistani": "uz", "rwandan": "rw",
    "senegalese": "sn", "croatian": "hr", "south sudanese": "ss", "cameroonian": "cm", "tanzanian": "tz",
    "ugandan": "ug",
}


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower().replace("\u2019", "'")
    text = re.sub(r"\s+", " ", text)
    return text.strip(" .;,")


@lru_cache(maxsize=1)
def _pycountry_names() -> dict[str, str]:
    """Every pycountry name/official_name/common_name, keyed like `_key`, built once (scanning per call was slow)."""
    index: dict[str, str] = {}
    for attr in ("common_name", "official_name", "name"):  # later attributes win, as the old scan order did
        for c in pycountry.countries:
            value = getattr(c, attr, None)
            if value:
                index[_key(value)] = c.alpha_2.lower()
    return index


def country_names() -> list[str]:
    """Every country name pycountry knows (names, official and common names)."""
    return list(_pycountry_names())


@lru_cache(maxsize=4096)
def to_code(name: str | None) -> str | None:
    """'Iran' / 'IRAN' / 'Islamic Republic of Iran' / 'IR' / 'Iranian' -> 'ir'; None when unknown."""
    if not name:
        return None
    key = _key(name)
    if not key:
        return None
    if key in EXTRA:
        return EXTRA[key]
    if key in DEMONYMS:
        return DEMONYMS[key]
    if len(key) == 2 and pycountry.countries.get(alpha_2=key.upper()):
        return key
    if len(key) == 3 and key.isalpha():
        c = pycountry.countries.get(alpha_3=key.upper())
        if c:
            return c.alpha_2.lower()
    code = _pycountry_names().get(key)
    if code:
        return code
    # "Iran, Islamic Republic of" style
    if "," in key:
        head, tail = [p.strip() for p in key.split(",", 1)]
        return to_code(f"{tail} {head}") if tail else to_code(head)
    return None


def to_codes(names) -> list[str]:
    out: list[str] = []
    for n in names or ():
        c = to_code(n)
        if c and c not in out:
            out.append(c)
    return out


def name_of(code: str) -> str:
    """'ir' -> 'Iran, Islamic Republic of' (display)."""
    c = pycountry.countries.get(alpha_2=(code or "").upper())
    return getattr(c, "common_name", None) or (c.name if c else code)
