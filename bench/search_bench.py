"""Benchmark content loading, free-text search and memory on a large generated catalog.

What it measures, on a synthetic content folder written to a temporary directory:

- generation: 10 region files (region-00.yaml ... region-09.yaml), ~8 neighbourhoods each and
  10,000 resources in total (``--resources``), in English and Spanish, with every field the
  content format allows; settings.yaml, needs.yaml, situations.yaml and pages/ are copied from
  content/. The folder must load with zero errors, or the benchmark stops and prints the first ones.
- load: wall time of ``load_catalog(folder)`` (read, validate, index), best and median of 3.
- search: latency of ``catalog.index.search(query, region_id)`` over 20,000 calls mixing ~400
  queries in all eight content languages (need words, typos, phrases, listing and organisation
  names, neighbourhoods, the languages a service speaks, danger phrases, long messages, and
  searches that find nothing), mostly within one region and one round in 11 across all regions
  (no area chosen); p50, p90, p99 and max, overall, within one area and across all areas.
- memory: peak RSS of the process after loading and searching, and the tracemalloc peak of one
  extra ``load_catalog`` run (traced on its own so the timed runs are not slowed).

It prints a Markdown table with the aims (search p99 <= 1 ms, load < 2 s), the machine and its
load average; with ``--json``, one JSON object of the results and nothing else on stdout (the
progress lines go to stderr). It reports and does not judge: the exit status is 0 whether or
not the aims are met (it is 1 only when the generated content fails to load).

Run from the repository root (under two minutes on a 2-CPU machine):

    .venv/bin/python bench/search_bench.py
    .venv/bin/python bench/search_bench.py --resources 2000 --seed 7
    .venv/bin/python bench/search_bench.py --json
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import os
import platform
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's bot

from bot.domain.catalog import Catalog, load_catalog
from bot.domain.load_result import LoadResult
from bot.domain.strict_yaml import MAX_FILE_BYTES

REPO_CONTENT = Path(__file__).resolve().parent.parent / "content"
REGION_COUNT = 10
HOODS_PER_REGION = 8
LOAD_RUNS = 3
SEARCHES = 20_000
ACROSS_ALL_REGIONS_EVERY = 11  # one round in 11 searches with region_id=None
SEARCH_P99_AIM_MS = 1.0
LOAD_AIM_S = 2.0


@dataclass(frozen=True)
class City:
    """Where a generated region is: its name, centre and local formats."""

    name: str
    state: str
    timezone: str
    latitude: float
    longitude: float
    postal_prefix: str
    area_code: str
    default_locale: str = "en"
    distance_unit: str = "mile"
    country: str = "US"
    # The local part of a phone number before its last four digits (US: 555-01NN).
    exchange: str = "555"


@dataclass(frozen=True)
class Hood:
    """A generated neighbourhood."""

    id: str
    name_en: str
    name_es: str
    aliases: tuple[str, ...]
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Generated:
    """What was written: the folder, its region files and neighbourhoods."""

    root: Path
    region_files: tuple[Path, ...]
    hoods: tuple[Hood, ...]


CITIES = (
    City("Oakland", "CA", "America/Los_Angeles", 37.8044, -122.2712, "946", "510"),
    City("Los Angeles", "CA", "America/Los_Angeles", 34.0522, -118.2437, "900", "213"),
    City("Seattle", "WA", "America/Los_Angeles", 47.6062, -122.3321, "981", "206"),
    City("Phoenix", "AZ", "America/Phoenix", 33.4484, -112.0740, "850", "602"),
    City("Denver", "CO", "America/Denver", 39.7392, -104.9903, "802", "303"),
    City("Houston", "TX", "America/Chicago", 29.7604, -95.3698, "770", "713"),
    City("Chicago", "IL", "America/Chicago", 41.8781, -87.6298, "606", "312"),
    City("Miami", "FL", "America/New_York", 25.7617, -80.1918, "331", "305"),
    City("Boston", "MA", "America/New_York", 42.3601, -71.0589, "021", "617"),
    City(
        "Ciudad de México",
        "CDMX",
        "America/Mexico_City",
        19.4326,
        -99.1332,
        "06",
        "55",
        default_locale="es",
        distance_unit="kilometer",
        country="MX",
        exchange="5555",
    ),
)

HOOD_FIRST = (
    "Harbor", "Mission", "Cedar", "Lincoln", "Riverside", "Orchard", "Fairview", "Brookside",
    "Pinecrest", "Eastlake", "Westgate", "Northgate", "Summit", "Meadow", "Granite", "Ferry",
    "Union", "Maple", "Sunset", "Oakmont", "Alameda", "Bellavista", "Esperanza", "Jardín",
)  # fmt: skip
HOOD_SECOND = (
    ("Heights", "Alturas de {}"),
    ("Flats", "Llanos de {}"),
    ("Park", "Parque {}"),
    ("Point", "Punta {}"),
    ("Hill", "Cerro {}"),
    ("Village", "Villa {}"),
    ("Square", "Plaza {}"),
    ("Gardens", "Jardines de {}"),
)

NAME_FIRST = (
    "Harbor", "Cedar", "Lantern", "Magnolia", "Northstar", "Riverbend", "Sunrise", "Juniper",
    "Willow", "Beacon", "Bayside", "Evergreen", "Hummingbird", "Marigold", "Redwood", "Open Door",
    "Night Owl", "Safe Harbor", "Tidewater", "Cypress",
)  # fmt: skip
NAME_SECOND = ("Light", "House", "Street", "Commons", "Corner", "Path", "Bridge", "Circle")
CASA_WORDS = (
    "Esperanza", "Alegría", "Luna", "Refugio", "Sol", "Segura", "Abierta", "Libertad",
    "Colibrí", "Mariposa", "Aurora", "Fuerza",
)  # fmt: skip
STREET_NAMES = (
    "Fulton", "Mission", "Grand", "Union", "Market", "Broadway", "Lincoln", "Alvarado", "Telegraph",
    "International", "Hidalgo", "Juárez", "Madison", "Pine", "Cesar Chavez",
)  # fmt: skip
ADDRESS_LINES_2 = ("Side door", "Suite 200", "Back entrance", "2nd floor")
STREET_KINDS = ("St", "Ave", "Blvd", "Way", "Rd")
ORG_KINDS = (
    "Collective", "Health Project", "Community Services", "Legal Aid", "Mutual Aid Network",
    "Outreach Alliance", "Foundation", "Harm Reduction Coalition",
)  # fmt: skip

KINDS = {
    "condoms": ("Outreach", "Health Van", "Sexual Health Center"),
    "drugs": ("Harm Reduction", "Syringe Services", "Outreach"),
    "drop_in": ("Drop-in", "Day Space", "Hub"),
    "shelter": ("Shelter", "House", "Safe Haven"),
    "food": ("Pantry", "Kitchen", "Community Fridge"),
    "medical": ("Clinic", "Health Center", "Street Medicine"),
    "mental_health": ("Counseling", "Wellness Center", "Support Line"),
    "legal": ("Legal Clinic", "Law Project", "Defense Project"),
    "immigration": ("Immigrant Rights Project", "Immigration Clinic", "Centro Legal"),
    "crisis": ("Crisis Line", "Safety Project", "Survivor Center"),
    "peer": ("Collective", "Peer Network", "Sisterhood"),
    "money": ("Mutual Aid Fund", "Emergency Fund", "Solidarity Fund"),
    "urgent": ("Overdose Response Team", "Crisis Team", "Rapid Response"),
}

OFFERS: dict[str, tuple[tuple[str, str], ...]] = {
    "condoms": (
        ("condoms", "condones"),
        ("lube", "lubricante"),
        ("dental dams", "barreras bucales"),
        ("internal condoms", "condones internos"),
        ("PrEP referrals", "referencias para PrEP"),
        ("safer sex kits", "kits de sexo seguro"),
    ),
    "drugs": (
        ("naloxone", "naloxona"),
        ("Narcan nasal spray", "Narcan en spray nasal"),
        ("fentanyl test strips", "tiras de fentanilo"),
        ("sterile syringes", "jeringas estériles"),
        ("safer smoking kits", "kits para fumar más seguro"),
        ("sharps disposal", "desecho de agujas"),
        ("xylazine test strips", "tiras de xilacina"),
    ),
    "drop_in": (
        ("showers", "duchas"),
        ("laundry", "lavandería"),
        ("phone charging", "carga de celular"),
        ("lockers", "casilleros"),
        ("a quiet place to rest", "un lugar tranquilo para descansar"),
        ("wifi", "wifi"),
        ("coffee", "café"),
        ("a mailing address", "una dirección para correo"),
    ),
    "shelter": (
        ("emergency beds", "camas de emergencia"),
        ("motel vouchers", "vales de motel"),
        ("transitional housing", "vivienda transitoria"),
        ("a safe house", "una casa segura"),
        ("help finding housing", "apoyo para buscar vivienda"),
    ),
    "food": (
        ("hot meals", "comida caliente"),
        ("a food pantry", "una despensa de alimentos"),
        ("groceries", "víveres"),
        ("breakfast", "desayuno"),
        ("a community fridge", "un refri comunitario"),
        ("help with food stamps and WIC", "ayuda con cupones de comida y WIC"),
    ),
    "medical": (
        ("STI testing", "pruebas de ITS"),
        ("HIV tests", "pruebas de VIH"),
        ("birth control", "anticonceptivos"),
        ("wound care", "curación de heridas"),
        ("pregnancy tests", "pruebas de embarazo"),
        ("hormones", "hormonas"),
        ("a nurse", "una enfermera"),
        ("a doctor", "una doctora"),
    ),
    "mental_health": (
        ("counseling", "consejería"),
        ("a therapist", "una terapeuta"),
        ("support for anxiety and depression", "apoyo para ansiedad y depresión"),
        ("trauma therapy", "terapia de trauma"),
        ("someone to talk to", "alguien con quien hablar"),
    ),
    "legal": (
        ("a lawyer", "una abogada"),
        ("free attorneys", "abogados gratis"),
        ("record clearance", "ayuda para borrar antecedentes"),
        ("help with tickets and warrants", "ayuda con multas y órdenes de arresto"),
        ("eviction defense", "defensa contra desalojo"),
        ("know-your-rights trainings", "talleres sobre tus derechos"),
    ),
    "immigration": (
        ("immigration lawyers", "abogados de inmigración"),
        ("T visa and U visa help", "ayuda con visa T y visa U"),
        ("asylum applications", "solicitudes de asilo"),
        ("DACA renewals", "renovaciones de DACA"),
        ("work permit help", "ayuda con el permiso de trabajo"),
    ),
    "crisis": (
        ("a bad date list", "una lista de malos clientes"),
        ("safety planning", "planes de seguridad"),
        ("support after violence", "apoyo después de la violencia"),
        ("help leaving trafficking", "ayuda para salir de la trata"),
        ("help with restraining orders", "ayuda con órdenes de restricción"),
    ),
    "peer": (
        ("peer support groups", "grupos de apoyo entre pares"),
        ("a sex worker collective", "una colectiva de trabajadoras sexuales"),
        ("a trans support group", "un grupo trans"),
        ("community meetups", "encuentros de la comunidad"),
    ),
    "money": (
        ("emergency cash", "dinero de emergencia"),
        ("rent help", "ayuda con la renta"),
        ("bus fare", "pasaje de autobús"),
        ("gift cards", "tarjetas de regalo"),
        ("help applying for benefits", "ayuda para pedir beneficios"),
        ("mutual aid", "ayuda mutua"),
    ),
    "urgent": (
        ("overdose response", "respuesta a sobredosis"),
        ("a 24-hour crisis line", "una línea de crisis de 24 horas"),
        ("emergency help", "ayuda de emergencia"),
    ),
}
OFFER_TEMPLATES = (
    ("We offer {}.", "Ofrecemos {}."),
    ("Come by for {}.", "Ven por {}."),
    ("Free {}, no questions asked.", "{} gratis, sin preguntas."),
    ("Staff can help with {}.", "El personal puede ayudar con {}."),
    ("Ask at the front desk for {}.", "Pide en la recepción {}."),
)
INTROS = (
    ("Drop-in run by sex workers.", "Espacio dirigido por trabajadoras sexuales."),
    (
        "Community clinic in the neighbourhood since 1998.",
        "Clínica comunitaria del barrio desde 1998.",
    ),
    (
        "Outreach van that parks on the corner most nights.",
        "Camioneta de alcance que se estaciona en la esquina casi todas las noches.",
    ),
    ("Small peer-run project.", "Pequeño proyecto dirigido por pares."),
    (
        "Nonprofit for women, trans and nonbinary people.",
        "Organización para mujeres y personas trans y no binarias.",
    ),
    (
        "Volunteer-run space in a church basement, no preaching.",
        "Espacio de voluntarias en el sótano de una iglesia, sin sermones.",
    ),
)
CLOSINGS = (
    ("No ID needed.", "No se necesita identificación."),
    ("Walk in or call ahead.", "Llega sin cita o llama antes."),
    ("Spanish-speaking staff on site.", "Hay personal que habla español."),
    ("Everything is confidential.", "Todo es confidencial."),
    ("Bring a friend if you like.", "Puedes traer a una amiga."),
    ("Call first on holidays.", "Llama antes en días festivos."),
)
HOURS = (
    "Mo-Fr 09:00-17:00",
    "Mo-Fr 09:00-17:00; Sa 10:00-14:00",
    "Mo-Fr 09:00-12:00,13:00-17:00",
    "Tu,Th 18:00-22:00",
    "Mo-Su 20:00-06:00",
    "Mo-Sa 21:00-03:00",
    "Fr,Sa 22:00-04:00",
    "24/7",
    "We,Fr 10:00-14:00",
    "Mo-Th 08:30-16:30; Fr 08:30-12:00",
    "Sa,Su 11:00-15:00",
)
PHONE_DESCRIPTIONS = (
    ("Call or text", "Llamada o mensaje"),
    ("Front desk", "Recepción"),
    ("Hotline, day and night", "Línea directa, de día y de noche"),
)
FEES = (
    ("Free", "Gratis"),
    ("Sliding scale", "Escala móvil"),
    ("Free; donations welcome", "Gratis; se aceptan donaciones"),
)
ELIGIBILITY = (
    ("Adults 18 and older.", "Personas adultas de 18 años o más."),
    ("Anyone in the sex trades.", "Cualquier persona en el trabajo sexual."),
    ("Women, trans and nonbinary people.", "Mujeres y personas trans y no binarias."),
    ("Residents of the county.", "Residentes del condado."),
)
DOCUMENTS = (
    ("Photo ID", "Identificación con foto"),
    ("Proof of income", "Comprobante de ingresos"),
)
ACCESS_CHOICES = {
    **dict.fromkeys(
        (
            "requires_id",
            "requires_police_cooperation",
            "requires_victim_identification",
            "requires_leaving_sex_trade",
            "requires_religious_participation",
            "requires_treatment",
            "requires_sobriety",
            "serves_undocumented",
            "serves_minors",
            "anonymous_ok",
        ),
        ('"yes"', '"no"', '"unknown"'),
    ),
    "shares_info_with_police": (
        "never",
        "with_consent",
        "when_required_by_law",
        "routinely",
        "unknown",
    ),
    "shares_info_with_immigration": (
        "never",
        "with_consent",
        "when_required_by_law",
        "routinely",
        "unknown",
    ),
    "mandatory_reporter": ("none", "minors_only", '"yes"', "unknown"),
    "fee": ("free", "sliding_scale", "fee", "insurance", "unknown"),
    "appointment": ("walk_in", "appointment", "either", "unknown"),
}
COMMUNITY = ("sex_worker_led", "peer_run", "lgbtqia_affirming", "trans_led")
METHODS = ("phone", "visit", "email", "website", "partner")
OTHER_LANGUAGES = ("zh", "vi", "tl", "ko", "ar", "pt", "ru")

QUERIES = (
    # need words, English and Spanish
    "condoms", "naloxone", "narcan", "shower", "laundry", "food", "lawyer", "shelter", "clinic",
    "therapy", "comida", "ducha", "abogada", "condones", "refugio", "jeringas", "clínica",
    "inmigración", "dinero", "test strips",
    # typos
    "nalaxone", "condons", "shoer", "lawer", "abogda", "sheltr", "clinc", "comdia", "fentanly",
    # several words
    "shower near me", "necesito un abogado", "free hot meal tonight", "where can i get narcan",
    "dónde puedo bañarme", "place to sleep tonight", "ayuda legal gratis",
    "clínica sin papeles", "help paying rent", "hi i need somewhere to shower and wash my clothes"
    " and maybe get some food tonight please",
    # words from resource names and organisations
    "harbor light", "casa esperanza", "collective", "drop-in", "fundación", "night owl",
    # urgent words
    "overdose", "sobredosis", "help now", "not breathing", "emergencia",
    # nonsense and empty
    "xyzzy", "qwertyuiop", "lorem ipsum dolor", "zzzz", "???", "",
    # the languages a service speaks
    "spanish", "chinese", "tagalog", "vietnamita", "coreano", "arabic speaking staff",
    # searches that find nothing, in every language and script
    "the quick brown fox", "hola que tal", "kumusta ka na", "xin chào bạn", "안녕하세요 반가워요",
    "你好请问一下", "您好謝謝", "สวัสดีครับ", "asdf jkl", "12345", "🙂🙂", "ok", "thanks",
    # long messages in other languages
    "xin chào tôi cần tìm chỗ ngủ tối nay và một chút đồ ăn nếu có thể",
    "kailangan ko ng tulong sa abogado dahil kinuha nila ang pasaporte ko",
    "오늘 밤 잘 곳이 필요하고 콘돔도 필요해요 어디로 가야 하나요",
    "我今晚需要一个地方睡觉也需要安全套和免费的食物",
    "คืนนี้ฉันต้องการที่นอนและถุงยางอนามัยและอาหารฟรี",
)  # fmt: skip


NeedNames = dict[str, dict[str, str]]


def other_language_queries() -> list[str]:
    """Queries in every content language but English and Spanish, from the shipped content:
    search words of each need and a few danger phrases, as people would type them."""
    needs = yaml.safe_load((REPO_CONTENT / "needs.yaml").read_text(encoding="utf-8"))["needs"]
    situations = yaml.safe_load((REPO_CONTENT / "situations.yaml").read_text(encoding="utf-8"))
    queries: list[str] = []
    for need in needs:
        for locale, words in need.get("search_words", {}).items():
            if locale not in ("en", "es"):
                queries.extend(words[:2])
    for situation in situations["situations"]:
        for locale, phrases in situation.get("phrases", {}).items():
            if locale not in ("en", "es"):
                queries.extend(phrases[:2])
    return queries


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits joined by single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text.lower()).split())


def resource_slug(prefix: str, name: str) -> str:
    """`prefix` and the slug of `name`, cut at a word so the id stays within 32 characters."""
    resource_id = prefix
    for word in slug(name).split("-"):
        if len(resource_id) + 1 + len(word) > 32:
            break
        resource_id += f"-{word}"
    return resource_id


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def listing(items: list[str], conjunction: str) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def localized(key: str, pair: tuple[str, str], indent: str) -> list[str]:
    """A field with its English and Spanish text."""
    return [
        f"{indent}{key}:",
        f"{indent}  en: {quoted(pair[0])}",
        f"{indent}  es: {quoted(pair[1])}",
    ]


def make_hoods(rng: random.Random, city: City, used: set[tuple[str, str]]) -> list[Hood]:
    """~8 neighbourhoods around a city centre, names unique across all regions."""
    open_firsts = [f for f in HOOD_FIRST if any((f, s[0]) not in used for s in HOOD_SECOND)]
    hoods = []
    for first in rng.sample(open_firsts, HOODS_PER_REGION):
        second, es_pattern = rng.choice([s for s in HOOD_SECOND if (first, s[0]) not in used])
        used.add((first, second))
        name_en, name_es = f"{first} {second}", es_pattern.format(first)
        aliases = (
            name_en.lower(),
            name_es.lower(),
            f"{first} {city.name}".lower(),
            f"{name_en} station".lower(),
        )
        hoods.append(
            Hood(
                id=slug(name_en),
                name_en=name_en,
                name_es=name_es,
                aliases=aliases,
                latitude=round(city.latitude + rng.uniform(-0.06, 0.06), 4),
                longitude=round(city.longitude + rng.uniform(-0.07, 0.07), 4),
            )
        )
    return hoods


def resource_name(rng: random.Random, need: str) -> str:
    """A service name like "Harbor Light Drop-in" or "Casa Esperanza Clinic"."""
    kind = rng.choice(KINDS[need])
    pattern = rng.random()
    if pattern < 0.45:
        return f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_SECOND)} {kind}"
    if pattern < 0.75:
        return f"Casa {rng.choice(CASA_WORDS)} {kind}"
    return f"{rng.choice(STREET_NAMES)} Street {kind}"


def organization(rng: random.Random) -> str:
    """An organisation name like "Bayside Harm Reduction Coalition" or "Fundación Luna"."""
    if rng.random() < 0.25:
        return f"Fundación {rng.choice(CASA_WORDS)}"
    return f"{rng.choice(NAME_FIRST + STREET_NAMES)} {rng.choice(ORG_KINDS)}"


def offer_sentence(rng: random.Random, need: str) -> tuple[str, str]:
    """One sentence, in English and Spanish, listing 1-3 things offered for a need."""
    items = rng.sample(OFFERS[need], rng.randint(1, min(3, len(OFFERS[need]))))
    en_template, es_template = rng.choice(OFFER_TEMPLATES)
    en = en_template.format(listing([i[0] for i in items], "and"))
    es = es_template.format(listing([i[1] for i in items], "y"))
    return en[0].upper() + en[1:], es[0].upper() + es[1:]


def description(rng: random.Random, needs: list[str]) -> tuple[str, str]:
    """1-3 sentences in English and Spanish: what is offered, maybe who runs it and a note."""
    sentences = [offer_sentence(rng, needs[0])]
    extras = [offer_sentence(rng, need) for need in needs[1:2]]
    extras += [rng.choice(CLOSINGS)]
    sentences += rng.sample(extras, rng.randint(0, len(extras)))
    if len(sentences) < 3 and rng.random() < 0.4:
        sentences.insert(0, rng.choice(INTROS))
    return " ".join(s[0] for s in sentences), " ".join(s[1] for s in sentences)


def location_lines(rng: random.Random, city: City, hood: Hood) -> list[str]:
    """One entry of `locations:` near the neighbourhood centre, postal code quoted."""
    street = f"{rng.randint(10, 9999)} {rng.choice(STREET_NAMES)} {rng.choice(STREET_KINDS)}"
    digits = rng.choices("0123456789", k=5 - len(city.postal_prefix))
    postal_code = city.postal_prefix + "".join(digits)
    lines = [f"      - address_1: {quoted(street)}"]
    if rng.random() < 0.2:
        lines.append(f"        address_2: {quoted(rng.choice(ADDRESS_LINES_2))}")
    return [
        *lines,
        f"        city: {quoted(city.name)}",
        f"        state_province: {city.state}",
        f"        postal_code: {quoted(postal_code)}",
        f"        latitude: {hood.latitude + rng.uniform(-0.008, 0.008):.4f}",
        f"        longitude: {hood.longitude + rng.uniform(-0.008, 0.008):.4f}",
    ]


def phone_lines(rng: random.Random, city: City) -> list[str]:
    """`phones:` with 1-2 numbers in the reserved 555-01NN range, quoted."""
    lines = ["    phones:"]
    for _ in range(rng.randint(1, 2)):
        lines.append(
            f'      - number: "{city.area_code}-{city.exchange}-01{rng.randint(0, 99):02d}"'
        )
        if rng.random() < 0.5:
            lines += localized("description", rng.choice(PHONE_DESCRIPTIONS), "        ")
    return lines


def access_lines(rng: random.Random) -> list[str]:
    """A full `access:` block with allowed values; yes/no/unknown are quoted."""
    return ["    access:"] + [f"      {k}: {rng.choice(v)}" for k, v in ACCESS_CHOICES.items()]


def verified_lines(rng: random.Random) -> list[str]:
    """`verified:` with a date in the last year or so and a method."""
    date = dt.date(2025, 6, 1) + dt.timedelta(days=rng.randint(0, 540))
    return [
        "    verified:",
        f"      date: {date.isoformat()}",
        f"      method: {rng.choice(METHODS)}",
    ]


def other_descriptions(needs: list[str], need_names: NeedNames, indent: str) -> list[str]:
    """The description in every other content language: what is offered, by need name."""
    locales = sorted({loc for names in need_names.values() for loc in names} - {"en", "es"})
    lines = []
    for locale in locales:
        offered = [need_names[n][locale] for n in needs if locale in need_names[n]]
        if offered:
            joiner = "、" if locale.startswith("zh") else ", "
            lines.append(f"{indent}  {locale}: {quoted(joiner.join(offered))}")
    return lines


def resource_lines(
    rng: random.Random,
    rid: str,
    city: City,
    hood: Hood,
    need_ids: list[str],
    need_names: NeedNames,
) -> list[str]:
    """One resource of a region file, with a realistic mix of optional fields."""
    needs = rng.sample([n for n in need_ids if n != "urgent"], rng.randint(1, 4))
    if "urgent" in need_ids and rng.random() < 0.03:
        needs.append("urgent")
    name = resource_name(rng, needs[0])
    resource_id = resource_slug(rid, name)
    lines = [f"  - id: {resource_id}", f"    name: {quoted(name)}"]
    if rng.random() < 0.75:
        lines.append(f"    organization: {quoted(organization(rng))}")
    lines += localized("description", description(rng, needs), "    ")
    lines += other_descriptions(needs, need_names, "    ")
    lines += [f"    needs: [{', '.join(needs)}]", f"    neighbourhood: {hood.id}"]
    confidential = "shelter" in needs and rng.random() < 0.4
    if confidential:
        lines.append("    confidential_address: true")
    elif rng.random() < 0.92:
        lines.append("    locations:")
        for _ in range(2 if rng.random() < 0.05 else 1):
            lines += location_lines(rng, city, hood)
    if rng.random() < 0.85:
        lines += phone_lines(rng, city)
    if rng.random() < 0.6:
        lines.append(f"    url: {quoted('https://example.org/' + resource_id)}")
    if rng.random() < 0.4:
        lines.append(f'    email: "{resource_id[:20].rstrip("-")}@example.org"')
    languages = ["en", "es", *rng.sample(OTHER_LANGUAGES, rng.choice((0, 0, 0, 1, 2)))]
    lines.append(f"    languages: [{', '.join(languages)}]")
    if rng.random() < 0.85:
        lines.append(f"    opening_hours: {quoted(rng.choice(HOURS))}")
    if rng.random() < 0.5:
        lines += localized("fees_description", rng.choice(FEES), "    ")
    if rng.random() < 0.4:
        lines += localized("eligibility_description", rng.choice(ELIGIBILITY), "    ")
    if rng.random() < 0.15:
        en, es = rng.choice(DOCUMENTS)
        lines += [
            "    required_documents:",
            f"      - en: {quoted(en)}",
            f"        es: {quoted(es)}",
        ]
    lines += access_lines(rng)
    if rng.random() < 0.3:
        lines.append(f"    community: [{', '.join(rng.sample(COMMUNITY, rng.randint(1, 2)))}]")
    if rng.random() < 0.9:
        lines += verified_lines(rng)
    return lines


def region_text(
    rng: random.Random,
    index: int,
    city: City,
    hoods: list[Hood],
    count: int,
    need_ids: list[str],
    need_names: NeedNames,
) -> str:
    """The whole YAML text of one region file."""
    lines = [
        f"# Benchmark data generated by bench/search_bench.py: fictional services in {city.name}.",
        "region:",
        f"  id: region-{index:02d}",
        "  name:",
        f"    en: {quoted(city.name + ' (benchmark)')}",
        f"    es: {quoted(city.name + ' (prueba)')}",
        "  sample: true",
        f"  default_locale: {city.default_locale}",
        f"  timezone: {city.timezone}",
        f"  country: {city.country}",
        f"  distance_unit: {city.distance_unit}",
        "",
        "neighbourhoods:",
    ]
    for hood in hoods:
        lines += [f"  - id: {hood.id}", "    name:"]
        lines += [f"      en: {quoted(hood.name_en)}", f"      es: {quoted(hood.name_es)}"]
        lines.append(f"    aliases: [{', '.join(quoted(a) for a in hood.aliases)}]")
        lines.append(f"    center: {{latitude: {hood.latitude}, longitude: {hood.longitude}}}")
    lines += ["", "resources:"]
    for number in range(count):
        rid = f"r{index:02d}-{number:04d}"
        lines += resource_lines(rng, rid, city, rng.choice(hoods), need_ids, need_names)
    return "\n".join(lines) + "\n"


def generate_content(root: Path, resources: int, seed: int) -> Generated:
    """Write a content folder with `resources` resources over 10 region files."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("settings.yaml", "needs.yaml", "situations.yaml"):
        shutil.copy(REPO_CONTENT / name, root / name)
    shutil.copytree(REPO_CONTENT / "pages", root / "pages")
    needs_data = yaml.safe_load((REPO_CONTENT / "needs.yaml").read_text(encoding="utf-8"))
    need_ids = [need["id"] for need in needs_data["needs"]]
    need_names: NeedNames = {need["id"]: need["name"] for need in needs_data["needs"]}
    (root / "regions").mkdir()
    rng = random.Random(seed)
    used: set[tuple[str, str]] = set()
    files, all_hoods = [], []
    for index, city in enumerate(CITIES[:REGION_COUNT]):
        hoods = make_hoods(rng, city, used)
        count = resources // REGION_COUNT + (index < resources % REGION_COUNT)
        path = root / "regions" / f"region-{index:02d}.yaml"
        text = region_text(rng, index, city, hoods, count, need_ids, need_names)
        path.write_text(text, encoding="utf-8")
        files.append(path)
        all_hoods += hoods
    return Generated(root, tuple(files), tuple(all_hoods))


def load_clean(root: Path) -> tuple[Catalog, LoadResult]:
    """Load the folder; stop with the first errors if it does not load cleanly."""
    catalog, result = load_catalog(root)
    errors = result.problems.errors
    if errors or catalog is None:
        print(f"generated content has {len(errors)} error(s); the first ones:", file=sys.stderr)
        for problem in errors[:10]:
            print(f"  {problem}", file=sys.stderr)
        raise SystemExit(1)
    return catalog, result


def time_loads(root: Path) -> tuple[list[float], Catalog, LoadResult]:
    """Wall times of `LOAD_RUNS` loads, and the catalog and result of the last one."""
    times: list[float] = []
    loaded: tuple[Catalog, LoadResult] | None = None
    for _ in range(LOAD_RUNS):
        loaded = None  # free the previous catalog so it does not count in the peak RSS
        gc.collect()
        start = time.perf_counter()
        loaded = load_clean(root)
        times.append(time.perf_counter() - start)
    assert loaded is not None
    return times, *loaded


def swapped(text: str) -> str:
    """`text` in lower case with its 4th and 5th letters swapped: a typo."""
    lower = text.lower()
    return lower[:3] + lower[4] + lower[3] + lower[5:]


def place_queries(rng: random.Random, hoods: tuple[Hood, ...]) -> list[str]:
    """Neighbourhood queries for the generated names: English, Spanish, alias, typo, phrase."""
    picked = rng.sample(hoods, 8)
    return [
        picked[0].name_en,
        picked[1].name_es,
        picked[2].aliases[2],
        f"showers in {picked[3].name_en}",
        swapped(picked[4].name_en),
        f"duchas en {picked[5].name_es}",
        f"condoms near {picked[6].aliases[3]}",
        swapped(picked[7].name_es),
    ]


def name_queries(rng: random.Random, catalog: Catalog) -> list[str]:
    """Listing and organisation names from the generated catalog, as typed and with a typo."""
    resources = sorted(catalog.content.resources.values(), key=lambda r: r.id)
    picked = rng.sample(resources, 12)
    names = [resource.name.all_values()[0] for resource in picked]
    organizations = [r.organization.all_values()[0] for r in picked if r.organization]
    typed = [name.lower() for name in names[6:9]]
    return [*names[:6], *typed, *map(swapped, names[9:]), *organizations[:4]]


@dataclass(frozen=True)
class SearchTimings:
    """Nanoseconds per search: by query, and split by scope."""

    by_query: dict[str, list[int]]
    in_one_region: list[int]
    across_all_regions: list[int]


def time_searches(catalog: Catalog, queries: list[str], region_ids: list[str]) -> SearchTimings:
    """Time `SEARCHES` calls in all, after one warm-up round.

    Each round runs every query once in one region, cycling through the regions; one round
    in `ACROSS_ALL_REGIONS_EVERY` searches all regions (region_id=None), as for someone who
    has not chosen an area yet.
    """
    search = catalog.index.search
    for query in queries:
        for scope in [*region_ids, None]:
            search(query, scope)
    timings = SearchTimings(defaultdict(list), [], [])
    for call in range(SEARCHES):
        query = queries[call % len(queries)]
        round_ = call // len(queries)
        scope = None
        if round_ % ACROSS_ALL_REGIONS_EVERY:
            scope = region_ids[round_ % len(region_ids)]
        start = time.perf_counter_ns()
        search(query, scope)
        elapsed = time.perf_counter_ns() - start
        timings.by_query[query].append(elapsed)
        (timings.across_all_regions if scope is None else timings.in_one_region).append(elapsed)
    return timings


def percentile(ordered: list[int], p: float) -> int:
    """Nearest-rank percentile of an ascending list."""
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def traced_load_peak(root: Path) -> int:
    """Peak bytes allocated by Python during one `load_catalog`, measured by tracemalloc."""
    gc.collect()
    tracemalloc.start()
    load_catalog(root)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def cpu_model() -> str:
    """The CPU model from /proc/cpuinfo, else what the platform module knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> str:
    """Python version, platform, CPU model and count."""
    return (
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.platform()}, {cpu_model()}, {os.cpu_count()} CPUs"
    )


def ms(nanoseconds: float) -> str:
    """Nanoseconds as milliseconds with three decimals."""
    return f"{nanoseconds / 1e6:.3f} ms"


def report(rows: list[tuple[str, str, str]]) -> str:
    """A Markdown table of measures."""
    lines = ["| measure | value | aim |", "|---|---|---|"]
    lines += [f"| {measure} | {value} | {aim} |" for measure, value, aim in rows]
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=10_000, help="resources to generate")
    parser.add_argument("--seed", type=int, default=2026, help="seed for the generated content")
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object of the results, nothing else"
    )
    return parser.parse_args()


@dataclass(frozen=True)
class Measurements:
    """Everything one benchmark run measured."""

    catalog: Catalog
    result: LoadResult
    file_sizes: list[int]
    load_times: list[float]
    query_count: int
    timings: SearchTimings
    peak_rss_kib: int
    traced_peak: int


def progress(line: str) -> None:
    """A progress line, on stderr so that stdout holds only the results."""
    print(line, file=sys.stderr, flush=True)


def measure(resources: int, seed: int) -> Measurements:
    """Generate the content in a temporary folder, then time loads and searches."""
    with tempfile.TemporaryDirectory(prefix="waypoint-bench-") as tmp:
        generated = generate_content(Path(tmp) / "content", resources, seed)
        sizes = [path.stat().st_size for path in generated.region_files]
        progress(f"generated {resources} resources, {sum(sizes) / 1e6:.1f} MB of YAML")
        load_times, catalog, result = time_loads(generated.root)
        progress("load_catalog: " + ", ".join(f"{t:.2f} s" for t in load_times))
        rng = random.Random(seed)
        queries = list(
            dict.fromkeys(
                [
                    *QUERIES,
                    *place_queries(rng, generated.hoods),
                    *name_queries(rng, catalog),
                    *other_language_queries(),
                ]
            )
        )
        timings = time_searches(catalog, queries, sorted(catalog.content.regions))
        peak_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        traced_peak = traced_load_peak(generated.root)
    return Measurements(
        catalog, result, sizes, load_times, len(queries), timings, peak_rss_kib, traced_peak
    )


def table_rows(m: Measurements) -> list[tuple[str, str, str]]:
    """The measure, value and aim of each row of the report."""
    content, problems, sizes = m.catalog.content, m.result.problems, m.file_sizes
    every = sorted(t for per_query in m.timings.by_query.values() for t in per_query)
    in_region, across = sorted(m.timings.in_one_region), sorted(m.timings.across_all_regions)
    load_aim, search_aim = f"< {LOAD_AIM_S:g} s", f"< {SEARCH_P99_AIM_MS:g} ms"
    return [
        (
            "resources / regions / neighbourhoods",
            f"{len(content.resources):,} / {len(content.regions)} / {len(content.neighbourhoods)}",
            "—",
        ),
        (
            "validation problems",
            f"{len(problems.errors)} errors, {len(problems.warnings)} warnings",
            "0 errors",
        ),
        (
            "YAML generated",
            f"{sum(sizes) / 1e6:.1f} MB in {len(sizes)} region files"
            f" (largest {max(sizes) / 2**20:.2f} MiB)",
            f"each file < {MAX_FILE_BYTES // 2**20} MiB",
        ),
        ("load_catalog, best of 3", f"{min(m.load_times):.2f} s", load_aim),
        ("load_catalog, median of 3", f"{statistics.median(m.load_times):.2f} s", load_aim),
        ("searches timed", f"{len(every):,} ({m.query_count} distinct queries)", "—"),
        ("search p50, all", ms(percentile(every, 50)), "—"),
        ("search p90, all", ms(percentile(every, 90)), "—"),
        ("search p99, all", ms(percentile(every, 99)), search_aim),
        ("search max, all", ms(every[-1]), "—"),
        ("search p99, within one area", ms(percentile(in_region, 99)), search_aim),
        ("search p50, across all areas (no area chosen)", ms(percentile(across, 50)), "—"),
        ("search p99, across all areas (no area chosen)", ms(percentile(across, 99)), search_aim),
        ("peak RSS after load + search", f"{m.peak_rss_kib / 1024:.0f} MiB", "—"),
        ("tracemalloc peak, one load_catalog", f"{m.traced_peak / 2**20:.0f} MiB", "—"),
    ]


def results(m: Measurements) -> dict[str, object]:
    """The numbers to track, for --json."""
    every = sorted(t for per_query in m.timings.by_query.values() for t in per_query)
    in_region, across = sorted(m.timings.in_one_region), sorted(m.timings.across_all_regions)
    content = m.catalog.content
    return {
        "search_p50_ms": round(percentile(every, 50) / 1e6, 4),
        "search_p90_ms": round(percentile(every, 90) / 1e6, 4),
        "search_p99_ms": round(percentile(every, 99) / 1e6, 4),
        "search_max_ms": round(every[-1] / 1e6, 4),
        "search_p50_one_area_ms": round(percentile(in_region, 50) / 1e6, 4),
        "search_p99_one_area_ms": round(percentile(in_region, 99) / 1e6, 4),
        "search_p50_all_areas_ms": round(percentile(across, 50) / 1e6, 4),
        "search_p99_all_areas_ms": round(percentile(across, 99) / 1e6, 4),
        "load_s": round(statistics.median(m.load_times), 3),
        "load_best_s": round(min(m.load_times), 3),
        "peak_rss_mib": round(m.peak_rss_kib / 1024, 1),
        "traced_load_peak_mib": round(m.traced_peak / 2**20, 1),
        "resources": len(content.resources),
        "regions": len(content.regions),
        "neighbourhoods": len(content.neighbourhoods),
        "languages": len(content.locales),
        "locales": list(content.locales),
        "queries": m.query_count,
        "searches": len(every),
        "searches_all_areas": len(across),
        "validation_errors": len(m.result.problems.errors),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "machine": machine(),
    }


def main() -> int:
    """Measure and print the report; the exit status is 0 whether or not the aims are met."""
    args = parse_args()
    m = measure(args.resources, args.seed)
    if args.json:
        print(json.dumps(results(m), ensure_ascii=False))
        return 0
    print()
    print(report(table_rows(m)))
    print()
    print(f"Machine: {machine()}; load average {os.getloadavg()[0]:.2f}")
    slowest = sorted(m.timings.by_query.items(), key=lambda kv: -statistics.median(kv[1]))[:5]
    shown = (f"{query!r} {ms(statistics.median(times))}" for query, times in slowest)
    print("Slowest queries by median: " + ", ".join(shown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
