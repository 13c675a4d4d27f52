"""Generate synthetic CIPC-style lead spreadsheets (deterministic for a given seed).

    python scripts/make_sample.py                                  # data/sample_leads.xlsx, 3,000 rows
    python scripts/make_sample.py --rows 1000000 --format csv --out /tmp/leads.csv
    python scripts/make_sample.py --rows 200000 --format xlsx --strings inline --out /tmp/i.xlsx

Names are drawn from South African pools (African: Zulu, Xhosa, Sotho, Tswana, Pedi, Venda,
Tsonga; white Afrikaans/English; coloured; Cape Malay; Indian; Chinese) weighted roughly by each
province's population mix, in CIPC style (all caps, occasional titles and initials). About 1% of
rows are junk: blank rows, "N/A", company names or digits as the director. Phone numbers are
text with their leading zeros. The pools are written here on purpose, independent of the
classifier's lexicon, so the sample can't flatter it. This is test data, not a lexicon.

xlsx output uses a shared-strings table like an Excel-saved file (``--strings shared``, the
default up to 300,000 rows) or inline strings in xlsxwriter's constant-memory mode
(``--strings inline``, the default above that), which keeps memory bounded at any size.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import random
from collections.abc import Iterator
from pathlib import Path

COLUMNS = (
    "EntityName",
    "TradingAsName",
    "Keyword",
    "ContactNumber",
    "CellNumber",
    "EmailAddress",
    "RegisteredAddress",
    "RegisteredAddressCity",
    "RegisteredAddressProvince",
    "DirectorName",
    "DirectorCell",
)

# -- name pools ------------------------------------------------------------------------------
GIVEN: dict[str, list[str]] = {
    "zulu": [
        "SIPHO",
        "THEMBA",
        "BONGANI",
        "SIFISO",
        "MANDLA",
        "NKOSINATHI",
        "SIBUSISO",
        "THULANI",
        "MUSA",
        "LINDIWE",
        "NOMVULA",
        "ZANELE",
        "THANDEKA",
        "NONHLANHLA",
        "SIBONGILE",
        "NTOKOZO",
        "SANELE",
        "ZODWA",
        "BHEKI",
        "LUNGILE",
        "NHLANHLA",
        "MLUNGISI",
        "SBUSISO",
        "SENZO",
        "AYANDA",
        "NOMPUMELELO",
    ],
    "xhosa": [
        "LUNGILE",
        "SIYABONGA",
        "ANELE",
        "LUTHANDO",
        "XOLANI",
        "MZWANDILE",
        "BULELANI",
        "ASANDA",
        "NOSIPHO",
        "SIPHOKAZI",
        "NOMSA",
        "ZUKISWA",
        "VUYO",
        "LWAZI",
        "THEMBEKILE",
        "MZIKAYISE",
        "ZOLILE",
        "NOLUTHANDO",
        "ONGEZWA",
        "YONELA",
        "AKHONA",
        "SINETHEMBA",
    ],
    "sotho": [
        "TEBOHO",
        "LERATO",
        "PALESA",
        "NTHABISENG",
        "KATLEHO",
        "TSHEPO",
        "THABO",
        "LEBOHANG",
        "MPHO",
        "REFILWE",
        "MOSA",
        "RETHABILE",
        "LIMPHO",
        "TUMELO",
        "PULENG",
        "NTSWAKI",
        "KAMOHELO",
        "MOTLATSI",
        "BOITUMELO",
        "MAMELLO",
    ],
    "tswana": [
        "KAGISO",
        "TSHEPISO",
        "ONALENNA",
        "BOITUMELO",
        "GOITSEONE",
        "KEABETSWE",
        "OTSILE",
        "KABELO",
        "LESEGO",
        "TUMISANG",
        "OARABILE",
        "ONKGOPOTSE",
        "MOLEFI",
        "GAONE",
        "DINEO",
        "OBAKENG",
        "ITUMELENG",
        "REFENTSE",
    ],
    "pedi": [
        "MPHO",
        "KGOTHATSO",
        "LESETJA",
        "MAHLATSE",
        "MOKGADI",
        "MOSIMA",
        "TLOU",
        "MATOME",
        "SEMAKALENG",
        "PHUTI",
        "MASHUDU",
        "NKGAPELE",
        "MOTLATSO",
        "RAMOKONE",
        "KGOMOTSO",
        "MAMPHO",
        "SELLO",
        "NAPE",
    ],
    "venda": [
        "MASHUDU",
        "RUDZANI",
        "NDIVHUWO",
        "TSHILIDZI",
        "AVHASHONI",
        "MPFARISENI",
        "AZWINDINI",
        "FULUFHELO",
        "MUSHONI",
        "LUFUNO",
        "DAKALO",
        "KHATHUTSHELO",
        "ROTONDWA",
        "MUTHUPHEI",
        "TAKALANI",
    ],
    "tsonga": [
        "NYIKO",
        "TSAKANI",
        "HLULANI",
        "RHULANI",
        "NTSAKISI",
        "KHENSANI",
        "MUHLE",
        "NHLALALA",
        "VUSI",
        "MIXO",
        "HLAMALANI",
        "TINYIKO",
        "AKANI",
        "NKATEKO",
        "MAGEZI",
    ],
    "white_afrikaans": [
        "JOHANNES",
        "PIETER",
        "HENDRIK",
        "JACOBUS",
        "WILLEM",
        "GERHARDUS",
        "DANIEL",
        "CORNELIUS",
        "STEPHANUS",
        "CHRISTIAAN",
        "JOHAN",
        "FRANCOIS",
        "MARIUS",
        "ANDRIES",
        "PETRUS",
        "ANNA",
        "MARIA",
        "SUSANNA",
        "ELIZABETH",
        "MAGDALENA",
        "ELSABE",
        "HELENE",
        "ANNELIE",
        "MARIKE",
        "RIAAN",
        "WERNER",
        "HANNES",
        "ETIENNE",
        "CHARL",
        "ZELDA",
    ],
    "white_english": [
        "JOHN",
        "MICHAEL",
        "DAVID",
        "PETER",
        "RICHARD",
        "JAMES",
        "ROBERT",
        "ANDREW",
        "MARK",
        "PAUL",
        "SARAH",
        "JENNIFER",
        "CLAIRE",
        "SUSAN",
        "KAREN",
        "NICOLA",
        "GARETH",
        "GRAHAM",
        "IAN",
        "CRAIG",
        "JUSTIN",
        "GREGORY",
        "ALISON",
        "FIONA",
        "DEBORAH",
        "CATHERINE",
        "WAYNE",
        "BRETT",
    ],
    "coloured": [
        "JEROME",
        "CHESLYN",
        "ASHWIN",
        "GARTH",
        "NATHAN",
        "RYAN",
        "DESMOND",
        "VERNON",
        "FRANKLIN",
        "EDWARD",
        "MORNE",
        "LUCINDA",
        "CHANTAL",
        "LEANNE",
        "NATASHA",
        "ROCHELLE",
        "CHARMAINE",
        "JOLENE",
        "DEIDRE",
        "GERALDINE",
        "CLIVE",
        "QUINTON",
        "BRANDON",
        "ASHLEY",
        "ELTON",
    ],
    "cape_malay": [
        "MOEGAMAT",
        "MOGAMAT",
        "ABDUL",
        "ISMAIL",
        "YUSUF",
        "GAIRONESA",
        "FATIMA",
        "NAZEEMA",
        "SHAHIEDA",
        "RIDWAAN",
        "TASNEEM",
        "ZULFA",
        "FAIEK",
        "TOUFIEK",
        "MOEGAMMAD",
        "GAMIET",
        "ABDURAGMAN",
        "NOORJAHAN",
        "RASHIEDA",
        "SHAFIEK",
        "IGSAAN",
        "MUNEEB",
    ],
    "indian": [
        "PRAVIN",
        "RAJESH",
        "SURESH",
        "ANAND",
        "VIKASH",
        "KRISHNA",
        "DEVAN",
        "SANJAY",
        "ASHVIN",
        "PRIYA",
        "KAVITHA",
        "SHIREEN",
        "NIRMALA",
        "ANUSHA",
        "DESHNEE",
        "SHAMILA",
        "VANITHA",
        "NADIA",
        "YUSUF",
        "AHMED",
        "ZAHEER",
        "IMRAN",
        "FAROUK",
        "KUBENDRAN",
        "LOGAN",
        "NIVESH",
    ],
    "chinese": [
        "WEI",
        "MING",
        "LI",
        "HUA",
        "JUN",
        "YAN",
        "XIAO",
        "JIAN",
        "LING",
        "MEI",
        "KEVIN",
        "JASON",
        "LISA",
        "ANGELA",
        "MICHAEL",
        "VIVIAN",
        "ERIC",
        "WILLIAM",
    ],
}

SURNAMES: dict[str, list[str]] = {
    "zulu": [
        "DLAMINI",
        "NDLOVU",
        "MKHIZE",
        "ZUMA",
        "SHABALALA",
        "NGCOBO",
        "MTHEMBU",
        "BUTHELEZI",
        "ZULU",
        "NKOSI",
        "CELE",
        "GUMEDE",
        "MAJOLA",
        "KHUMALO",
        "MAZIBUKO",
        "SITHOLE",
        "MNGUNI",
        "NXUMALO",
        "HLONGWANE",
        "MAHLANGU",
        "SIBIYA",
        "MSIMANG",
        "NGUBANE",
        "XULU",
        "DUBE",
        "MABASO",
    ],
    "xhosa": [
        "MBEKI",
        "NTULI",
        "MAKHUBELA",
        "MADIKIZELA",
        "NOMVETE",
        "MTHETHWA",
        "MANDELA",
        "GQOBA",
        "NDABENI",
        "SOGA",
        "TSHAWE",
        "MQHAYI",
        "JORDAAN",
        "MPOFU",
        "MBOMBO",
        "NQAKULA",
        "MLAMBO",
        "DYANTYI",
        "SIGCAU",
        "NTSHONA",
        "MAQUBELA",
        "TSOTSOBE",
    ],
    "sotho": [
        "MOKOENA",
        "MOLOI",
        "MOFOKENG",
        "NHLAPO",
        "TSHABALALA",
        "LETSIE",
        "MOTAUNG",
        "RADEBE",
        "SEKHONYANA",
        "MAKHETHA",
        "MOHALE",
        "MOLEFE",
        "MOTLOUNG",
        "RAMPHELE",
        "PHAKOE",
        "LEBONA",
        "MOTSAMAI",
        "SEOKETSA",
        "NTSOANE",
    ],
    "tswana": [
        "MOKGATLE",
        "MOLEFE",
        "SEBOLAI",
        "MODISE",
        "MOTSEPE",
        "SETSHEDI",
        "MOLOKO",
        "PHIRI",
        "SEKGOTA",
        "KGOSANA",
        "MOTLHABANE",
        "SEGOPOLO",
        "MATLHAKO",
        "DIKGALE",
        "GAOLATLHE",
        "TLHAPANE",
        "MOAGI",
        "SEITLHAMO",
    ],
    "pedi": [
        "MAKGOBA",
        "SEBOLA",
        "MASHABA",
        "MOGALE",
        "MOKGOTHU",
        "LEDWABA",
        "RAMAPHOSA",
        "SEKHUKHUNE",
        "MAPHUTHA",
        "MOLOTO",
        "MASHILE",
        "MPHAHLELE",
        "MAKWELA",
        "RAMOSHABA",
        "MATLALA",
        "THOBEJANE",
    ],
    "venda": [
        "NETSHITENZHE",
        "RAMUDZULI",
        "MUDAU",
        "NEMUTANZHELA",
        "RAVELE",
        "TSHIVHASE",
        "MASHAU",
        "NETSHIDZIVHANI",
        "MUNYAI",
        "NDOU",
        "RAMAVHOYA",
        "NEMAKONDE",
        "MAKHADO",
        "NDOUVHADA",
    ],
    "tsonga": [
        "BALOYI",
        "MATHEBULA",
        "CHAUKE",
        "MABUNDA",
        "NGOBENI",
        "SHIBURI",
        "MASWANGANYI",
        "HLUNGWANI",
        "RIKHOTSO",
        "MAHLAULE",
        "NKUNA",
        "MAKHUBELE",
        "SHILUBANE",
        "MAGAGULA",
        "VALOYI",
    ],
    "white_afrikaans": [
        "VAN DER MERWE",
        "BOTHA",
        "PRETORIUS",
        "DU PLESSIS",
        "JANSE VAN RENSBURG",
        "VAN WYK",
        "NEL",
        "COETZEE",
        "LE ROUX",
        "DE VILLIERS",
        "STEYN",
        "FOURIE",
        "KRUGER",
        "VAN ZYL",
        "OOSTHUIZEN",
        "VENTER",
        "BOSHOFF",
        "VAN DER WALT",
        "SWANEPOEL",
        "ENGELBRECHT",
        "DU TOIT",
        "MARAIS",
        "SMIT",
        "BEZUIDENHOUT",
        "VAN DEN BERG",
        "GROBLER",
    ],
    "white_english": [
        "SMITH",
        "JONES",
        "WILLIAMS",
        "TAYLOR",
        "BROWN",
        "WILSON",
        "ANDERSON",
        "THOMPSON",
        "CLARKE",
        "WALKER",
        "WRIGHT",
        "MITCHELL",
        "HARRISON",
        "STEWART",
        "MORRIS",
        "MURRAY",
        "BAKER",
        "FRASER",
        "HOLMES",
        "GRAHAM-JONES",
        "SMITH-WATSON",
        "CAMPBELL",
        "ROBERTSON",
        "KING",
    ],
    "coloured": [
        "ADAMS",
        "JACOBS",
        "PETERSEN",
        "HENDRICKS",
        "ABRAHAMS",
        "JULIES",
        "ISAACS",
        "CLOETE",
        "DAMONS",
        "FORTUIN",
        "APRIL",
        "JANUARY",
        "BOOYSEN",
        "ARENDSE",
        "SAMPSON",
        "WILLEMSE",
        "LOUW",
        "WITBOOI",
        "VAN WYK",
        "PIETERSE",
        "DANIELS",
        "DAVIDS",
        "KOOPMAN",
        "FEBRUARY",
    ],
    "cape_malay": [
        "ISAACS",
        "SALIE",
        "DAVIDS",
        "JACOBS",
        "HENDRICKS",
        "ABRAHAMS",
        "PETERSEN",
        "MOHAMED",
        "SOLOMONS",
        "ALLIE",
        "GAMIELDIEN",
        "ESAU",
        "EBRAHIM",
        "KAMALDIEN",
        "SCHROEDER",
        "BASSIER",
        "MANUEL",
        "RYKLIEF",
        "JAFFER",
        "CASSIEM",
        "SAMODIEN",
        "DAVIDS-ISAACS",
    ],
    "indian": [
        "NAIDOO",
        "PILLAY",
        "GOVENDER",
        "MOODLEY",
        "REDDY",
        "CHETTY",
        "SINGH",
        "PATEL",
        "MAHARAJ",
        "NAICKER",
        "RAMSAMY",
        "PADAYACHEE",
        "GOUNDEN",
        "PERUMAL",
        "MOOSA",
        "CASSIM",
        "KHAN",
        "JOOSUB",
        "BHANA",
        "DESAI",
        "RAMPERSAD",
        "SOOKDEO",
        "GOVINDSAMY",
    ],
    "chinese": [
        "CHEN",
        "WANG",
        "LI",
        "ZHANG",
        "LIU",
        "HUANG",
        "LEE",
        "WONG",
        "CHAN",
        "NG",
        "LIN",
        "YANG",
        "AH SING",
        "LAI",
        "CHIANG",
        "LEUNG",
        "WU",
    ],
}

AFRICAN = ("zulu", "xhosa", "sotho", "tswana", "pedi", "venda", "tsonga")

PROVINCES: dict[str, dict[str, float]] = {
    "GAUTENG": {
        "zulu": 22,
        "sotho": 12,
        "tswana": 10,
        "pedi": 12,
        "xhosa": 8,
        "tsonga": 7,
        "venda": 3,
        "white_afrikaans": 5,
        "white_english": 5,
        "coloured": 3,
        "cape_malay": 0.3,
        "indian": 3,
        "chinese": 0.7,
    },
    "WESTERN CAPE": {
        "xhosa": 38,
        "sotho": 1,
        "white_afrikaans": 9,
        "white_english": 8,
        "coloured": 35,
        "cape_malay": 6,
        "indian": 1,
        "chinese": 0.5,
        "zulu": 1,
    },
    "KWAZULU-NATAL": {
        "zulu": 86,
        "xhosa": 2,
        "white_afrikaans": 1,
        "white_english": 3,
        "coloured": 1,
        "indian": 7,
        "chinese": 0.2,
    },
    "EASTERN CAPE": {
        "xhosa": 86,
        "sotho": 1,
        "white_afrikaans": 2,
        "white_english": 2.5,
        "coloured": 8,
        "indian": 0.4,
    },
    "FREE STATE": {
        "sotho": 70,
        "tswana": 10,
        "xhosa": 6,
        "zulu": 3,
        "white_afrikaans": 7,
        "white_english": 1,
        "coloured": 2.5,
        "indian": 0.3,
    },
    "LIMPOPO": {
        "pedi": 55,
        "tsonga": 20,
        "venda": 17,
        "sotho": 2,
        "white_afrikaans": 2,
        "white_english": 0.5,
        "indian": 0.2,
        "coloured": 0.3,
    },
    "MPUMALANGA": {
        "zulu": 45,
        "tsonga": 15,
        "pedi": 15,
        "sotho": 5,
        "xhosa": 2,
        "white_afrikaans": 4,
        "white_english": 1.5,
        "coloured": 0.8,
        "indian": 0.4,
    },
    "NORTH WEST": {
        "tswana": 70,
        "sotho": 7,
        "xhosa": 6,
        "tsonga": 5,
        "white_afrikaans": 5,
        "white_english": 1,
        "coloured": 2,
        "indian": 0.4,
    },
    "NORTHERN CAPE": {
        "tswana": 38,
        "xhosa": 10,
        "white_afrikaans": 6,
        "white_english": 1,
        "coloured": 41,
        "cape_malay": 1,
        "indian": 0.5,
    },
}

PROVINCE_SHARE = {
    "GAUTENG": 40,
    "WESTERN CAPE": 20,
    "KWAZULU-NATAL": 16,
    "EASTERN CAPE": 6,
    "FREE STATE": 4,
    "LIMPOPO": 4,
    "MPUMALANGA": 5,
    "NORTH WEST": 3,
    "NORTHERN CAPE": 2,
}

CITIES = {
    "GAUTENG": (
        "JOHANNESBURG",
        "PRETORIA",
        "SOWETO",
        "MIDRAND",
        "BOKSBURG",
        "SANDTON",
        "CENTURION",
        "TEMBISA",
    ),
    "WESTERN CAPE": (
        "CAPE TOWN",
        "BELLVILLE",
        "MITCHELLS PLAIN",
        "STELLENBOSCH",
        "PAARL",
        "GEORGE",
        "KHAYELITSHA",
    ),
    "KWAZULU-NATAL": (
        "DURBAN",
        "PIETERMARITZBURG",
        "PHOENIX",
        "UMLAZI",
        "CHATSWORTH",
        "RICHARDS BAY",
        "NEWCASTLE",
    ),
    "EASTERN CAPE": ("GQEBERHA", "EAST LONDON", "MTHATHA", "MAKHANDA", "QUEENSTOWN"),
    "FREE STATE": ("BLOEMFONTEIN", "WELKOM", "BETHLEHEM", "SASOLBURG", "KROONSTAD"),
    "LIMPOPO": ("POLOKWANE", "THOHOYANDOU", "TZANEEN", "GIYANI", "MOKOPANE"),
    "MPUMALANGA": ("MBOMBELA", "EMALAHLENI", "SECUNDA", "MIDDELBURG", "BARBERTON"),
    "NORTH WEST": ("RUSTENBURG", "MAHIKENG", "POTCHEFSTROOM", "KLERKSDORP", "BRITS"),
    "NORTHERN CAPE": ("KIMBERLEY", "UPINGTON", "SPRINGBOK", "DE AAR", "KURUMAN"),
}

AREA_CODES = {
    "GAUTENG": ("011", "012"),
    "WESTERN CAPE": ("021", "044"),
    "KWAZULU-NATAL": ("031", "033"),
    "EASTERN CAPE": ("041", "043"),
    "FREE STATE": ("051", "057"),
    "LIMPOPO": ("015",),
    "MPUMALANGA": ("013",),
    "NORTH WEST": ("018", "014"),
    "NORTHERN CAPE": ("053", "054"),
}

KEYWORDS = (
    "CONSTRUCTION",
    "PLUMBING",
    "LOGISTICS",
    "CLEANING SERVICES",
    "SECURITY",
    "CATERING",
    "IT SERVICES",
    "ELECTRICAL",
    "TRANSPORT",
    "PROPERTY",
    "AGRICULTURE",
    "CONSULTING",
    "RETAIL",
    "MINING SUPPLIES",
    "PRINTING",
    "TRAVEL",
    "BEAUTY SALON",
    "AUTO REPAIRS",
    "EVENTS",
    "FOOD PROCESSING",
)

ENTITY_WORDS = (
    "PHAKAMA",
    "UBUNTU",
    "SIYAKHA",
    "KOPANO",
    "TSHEPO",
    "AFRIKA",
    "DIAMOND",
    "GOLDEN",
    "SUMMIT",
    "HORIZON",
    "EAGLE",
    "PROTEA",
    "BAOBAB",
    "KAROO",
    "MZANSI",
    "VUKA",
    "LESEDI",
    "IMPALA",
    "ZENITH",
    "BLUE CRANE",
    "TABLE BAY",
    "INDLOVU",
    "THUSANO",
    "NALEDI",
    "BOKAMOSO",
)

ENTITY_SUFFIXES = (
    "TRADING",
    "HOLDINGS",
    "PROJECTS",
    "INVESTMENTS",
    "ENTERPRISES",
    "SOLUTIONS",
    "GROUP",
    "CONSTRUCTION AND PROJECTS",
    "SERVICES",
    "TRADING AND PROJECTS",
)

ENTITY_FORMS = ("(PTY) LTD", "(PTY) LTD", "(PTY) LTD", "CC", "NPC", "INC")

STREETS = (
    "CHURCH STREET",
    "MAIN ROAD",
    "VOORTREKKER ROAD",
    "NELSON MANDELA DRIVE",
    "OXFORD ROAD",
    "JAN SMUTS AVENUE",
    "LONG STREET",
    "WEST STREET",
    "STATION ROAD",
    "MARKET STREET",
    "BEYERS NAUDE DRIVE",
    "ALBERTINA SISULU ROAD",
    "KERK STRAAT",
    "OLIVER TAMBO DRIVE",
)

TITLES = ("MR", "MRS", "MS", "DR", "PROF", "ADV", "MNR", "ME")

JUNK_NAMES = ("N/A", "-----------", "0821234567", "NONE", "12345", "TBA", ".", "UNKNOWN")


# -- row generation --------------------------------------------------------------------------


class LeadFaker:
    """Draws one lead row at a time from the pools with a seeded ``random.Random``."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.provinces = list(PROVINCE_SHARE)
        self.province_weights = list(PROVINCE_SHARE.values())

    def cell(self) -> str:
        r = self.rng
        return f"0{r.choice('678')}{r.randint(0, 9)}{r.randint(0, 9_999_999):07d}"

    def landline(self, province: str) -> str:
        return f"{self.rng.choice(AREA_CODES[province])}{self.rng.randint(0, 9_999_999):07d}"

    def person(self, province: str) -> tuple[str, str, str]:
        """``(director_name, given, surname)`` in CIPC style."""
        r = self.rng
        mix = PROVINCES[province]
        group = r.choices(list(mix), weights=list(mix.values()))[0]
        given = r.choice(GIVEN[group])
        middle = r.choice(GIVEN[group]) if r.random() < 0.45 else ""
        if group in AFRICAN and r.random() < 0.25:
            middle = r.choice(GIVEN["white_english"])  # e.g. SIPHO JOHN DLAMINI
        surname = r.choice(SURNAMES[group])
        if r.random() < 0.02:
            surname = f"{surname}-{r.choice(SURNAMES[r.choice(list(SURNAMES))])}"
        style = r.random()
        if style < 0.12:
            names = f"{given[0]} {middle[0]}" if middle else given[0]
        else:
            names = f"{given} {middle}".strip()
        name = f"{names} {surname}"
        if r.random() < 0.06:
            name = f"{r.choice(TITLES)} {name}"
        return name, given, surname

    def entity(self, surname: str) -> str:
        r = self.rng
        base = surname if r.random() < 0.3 else r.choice(ENTITY_WORDS)
        return f"{base} {r.choice(ENTITY_SUFFIXES)} {r.choice(ENTITY_FORMS)}"

    def row(self) -> list[str] | None:
        """A lead row, or ``None`` for a blank junk row."""
        r = self.rng
        province = r.choices(self.provinces, weights=self.province_weights)[0]
        director, given, surname = self.person(province)
        entity = self.entity(surname)
        trading = f"{r.choice(ENTITY_WORDS)} {r.choice(KEYWORDS)}" if r.random() < 0.2 else ""
        slug = entity.split(" (")[0].replace(" ", "").lower()[:18]
        if r.random() < 0.5:
            email = f"info@{slug}.co.za"
        else:
            email = f"{given.lower()}.{surname.lower().replace(' ', '')}@gmail.com"
        junk = r.random()
        if junk < 0.002:
            return None
        if junk < 0.004:
            director = entity
        elif junk < 0.01:
            director = r.choice(JUNK_NAMES)
        elif junk < 0.012:
            director = ""
        return [
            entity,
            trading,
            r.choice(KEYWORDS),
            self.landline(province) if r.random() < 0.8 else "",
            self.cell(),
            email if r.random() < 0.9 else "",
            f"{r.randint(1, 350)} {r.choice(STREETS)}",
            r.choice(CITIES[province]),
            province,
            director,
            self.cell() if r.random() < 0.85 else "",
        ]

    def iter_rows(self, n: int) -> Iterator[list[str] | None]:
        for _ in range(n):
            yield self.row()


# -- writers ---------------------------------------------------------------------------------


def write_xlsx(rows: Iterator[list[str] | None], out: Path, *, inline: bool) -> None:
    import xlsxwriter

    options = {"constant_memory": True} if inline else {}
    wb = xlsxwriter.Workbook(str(out), options)
    wb.set_properties({"created": datetime.datetime(2024, 3, 1, 8, 0, 0)})  # byte-stable output
    ws = wb.add_worksheet("Leads")
    bold = wb.add_format({"bold": True})
    ws.write_row(0, 0, COLUMNS, bold)
    for i, row in enumerate(rows, start=1):
        if row is not None:  # a blank row is a row that was never written, as in Excel
            ws.write_row(i, 0, row)
    wb.close()


def write_csv(rows: Iterator[list[str] | None], out: Path) -> None:
    width = len(COLUMNS)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(row if row is not None else [""] * width for row in rows)


def write_parquet(rows: Iterator[list[str] | None], out: Path, *, group: int = 100_000) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, pa.string()) for c in COLUMNS])
    width = len(COLUMNS)
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        while True:
            chunk = [
                row if row is not None else [""] * width
                for _, row in zip(range(group), rows, strict=False)
            ]
            if not chunk:
                break
            writer.write_table(pa.table(list(map(list, zip(*chunk, strict=True))), schema=schema))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--format", choices=("xlsx", "csv", "parquet"), default="xlsx")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent.parent / "data" / "sample_leads.xlsx"
    )
    parser.add_argument("--seed", type=int, default=20240301)
    parser.add_argument("--strings", choices=("shared", "inline"), default=None)
    args = parser.parse_args(argv)
    rows = LeadFaker(args.seed).iter_rows(args.rows)
    if args.format == "xlsx":
        inline = args.strings == "inline" or (args.strings is None and args.rows > 300_000)
        write_xlsx(rows, args.out, inline=inline)
    elif args.format == "csv":
        write_csv(rows, args.out)
    else:
        write_parquet(rows, args.out)
    print(args.out)


if __name__ == "__main__":
    main()
