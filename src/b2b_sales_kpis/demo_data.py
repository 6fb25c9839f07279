"""Deterministic demo data: a fictitious B2B company's CRM, marketing and HR export.

    PYTHONPATH=src python -m b2b_sales_kpis.demo_data            # the committed seeds/demo/*.csv
    PYTHONPATH=src python -m b2b_sales_kpis.demo_data --out DIR --scale 10 --format parquet

The same arguments always give byte-identical files: every random draw comes from a
`random.Random` seeded with a fixed text per component, nothing depends on today's date,
and rows are sorted before ids are handed out. The tables follow the input contract
(`b2b_sales_kpis.contract`); events run from 2024-01-01 to 2026-10-31. The planted patterns
(a weak rep, a product problem, a marketing dip, an overselling rep, a leaver and new hires)
are described in docs/demo_data.md.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from b2b_sales_kpis.contract import TABLES, Table

SEED = "b2b-sales-kpis-demo-v1"
PERIOD_START = date(2024, 1, 1)
PERIOD_END = date(2026, 10, 31)
END_TS = datetime(2026, 10, 31, 23, 59, 59)
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "seeds" / "demo"

# planted patterns (see docs/demo_data.md)
WEAK_REP = "R07"  # first_meeting -> second_meeting at ~25 %
OVERSELLING_REP = "R12"  # ~12 % of his orders cancelled as `oversold`
MARKETING_DIP = (date(2026, 3, 2), date(2026, 3, 22), 0.55)  # web, downloads, requests
LEAD_DIP = (date(2026, 3, 30), date(2026, 4, 19), 0.65)  # new leads
DEFECT_SPIKE = (date(2025, 4, 1), date(2025, 6, 30))  # orders placed then: product problem

STAGES = ("first_meeting", "second_meeting", "offer_sent", "contract_sent", "order_won")
STAGE_NAMES = {
    "de": {
        "first_meeting": "Ersttermin", "second_meeting": "Zweitgespräch",
        "offer_sent": "Angebot versendet", "contract_sent": "Vertrag versendet",
        "order_won": "Auftrag", "lost": "Verloren",
    },
    "en": {
        "first_meeting": "Discovery Meeting", "second_meeting": "Second Meeting",
        "offer_sent": "Proposal Sent", "contract_sent": "Contract Sent",
        "order_won": "Closed Won", "lost": "Closed Lost",
    },
}
LOST_REASONS = {
    "de": ("Preis zu hoch", "Kein Budget", "Wettbewerber gewählt", "Kein Bedarf",
           "Keine Rückmeldung"),
    "en": ("Price too high", "No budget", "Chose competitor", "No need", "No response"),
}
# (probability to move on, min gap days, max gap days) for each step into STAGES[i]
FUNNEL_STEPS = ((0.60, 1, 21), (0.55, 5, 35), (0.60, 4, 28), (0.65, 4, 28), (0.70, 2, 21))
SECOND_MEETING_RATE = {"Nord": 0.62, "Süd": 0.52, "Key Accounts": 0.50}
STAGE_LANGUAGE_DE = {"Nord": 0.85, "Süd": 0.90, "Key Accounts": 0.20}

LEAD_SOURCES = (
    ("website", 22), ("newsletter", 8), ("download", 12), ("social", 8),
    ("referral", 4), ("event", 10), ("paid_search", 14), ("outbound", 22),
)
SEGMENTS = ("SMB", "Mid-Market", "Enterprise")
SEGMENT_MIX = {"Key Accounts": (0.0, 0.4, 0.6), "other": (0.62, 0.33, 0.05)}
# order size by segment: median, sigma of the log, min, max (EUR)
ORDER_SIZE = {
    "SMB": (2500.0, 0.55, 500.0, 9000.0),
    "Mid-Market": (11000.0, 0.5, 3000.0, 30000.0),
    "Enterprise": (32000.0, 0.45, 12000.0, 80000.0),
}
# after each order: probability that the customer stops ordering (churns)
STOP_RATE = {"SMB": 0.60, "Mid-Market": 0.48, "Enterprise": 0.36}
REPEAT_GAP_MEDIAN_DAYS = 145.0
LEGACY_CUSTOMER_SHARE = 0.35  # of the accounts created before 2024
LEGACY_STOP_FACTOR = 0.7
# customer contacts per active day
CONTACT_RATE = {"SMB": 0.028, "Mid-Market": 0.056, "Enterprise": 0.105}

WEEKDAY_LEADS = (1.0, 1.05, 1.05, 1.0, 0.9, 0.12, 0.06)
WEEKDAY_WEB = (1.0, 1.08, 1.05, 1.0, 0.85, 0.42, 0.38)
WEEKDAY_B2B = (1.0, 1.05, 1.05, 1.0, 0.85, 0.25, 0.15)
WEB_HOURS = tuple((h, 1 + 6 * math.exp(-(((h - 10.5) / 4.5) ** 2))) for h in range(24))

ROSTER: tuple[tuple[str, str, date, date | None], ...] = (
    ("Jörg Müller", "Nord", date(2016, 4, 1), None),
    ("Anna Schneider", "Nord", date(2019, 9, 1), None),
    ("Thomas Becker", "Nord", date(2015, 2, 1), None),
    ("Sarah Johnson", "Nord", date(2021, 3, 15), None),
    ("Michael Weber", "Nord", date(2018, 1, 2), None),
    ("Katharina Schäfer", "Nord", date(2022, 7, 1), None),
    ("Stefan Hoffmann", "Nord", date(2017, 5, 2), None),
    ("Emily Clarke", "Nord", date(2025, 2, 3), None),
    ("Lukas Fischer", "Nord", date(2026, 1, 12), None),
    ("Sabine Wagner", "Süd", date(2014, 10, 1), None),
    ("Jürgen Köhler", "Süd", date(2020, 1, 15), None),
    ("Markus Braun", "Süd", date(2019, 4, 1), None),
    ("Laura Zimmermann", "Süd", date(2023, 6, 1), None),
    ("David Miller", "Süd", date(2017, 11, 1), None),
    ("Petra Krüger", "Süd", date(2021, 9, 1), None),
    ("Tobias Schulz", "Süd", date(2024, 4, 2), None),
    ("Hannah Lehmann", "Süd", date(2025, 5, 5), None),
    ("Andreas Wolf", "Key Accounts", date(2013, 3, 1), None),
    ("James O'Connor", "Key Accounts", date(2018, 6, 1), date(2025, 8, 31)),
    ("Julia Neumann", "Key Accounts", date(2025, 9, 1), None),
    ("Christian Schröder", "Key Accounts", date(2016, 8, 1), None),
    ("Olivia Bennett", "Key Accounts", date(2020, 10, 1), None),
    ("Matthias Keller", "Key Accounts", date(2022, 2, 1), None),
    ("Sophie Hartmann", "Key Accounts", date(2026, 3, 2), None),
)
LEAVER_INDEX, SUCCESSOR_INDEX = 19, 18  # R19 leaves, R18 takes over (per block of 24)
ONBOARDING_DAYS = 45  # a new hire gets leads from hired_on + 45 days

FIRST_NAMES = (
    "Jörg", "Anna", "Thomas", "Sarah", "Michael", "Katharina", "Stefan", "Emily", "Lukas",
    "Sabine", "Jürgen", "Markus", "Laura", "David", "Petra", "Tobias", "Hannah", "Andreas",
    "James", "Julia", "Christian", "Olivia", "Matthias", "Sophie", "Björn", "Günter",
    "Oliver", "Charlotte", "Uwe", "Grace", "Sören", "Mia", "Daniel", "Lea",
)
SURNAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder",
    "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Werner",
    "Krause", "Lehmann", "Köhler", "König", "Huber", "Fuchs", "Möller", "Weiß", "Vogel",
    "Keller", "Günther", "Berger", "Böhm", "Jäger", "Groß", "Brandt", "Kühn", "Engel",
    "Bergmann", "Voigt", "Seidel", "Winkler", "Lorenz", "Baumann", "Schuster",
)
ENGLISH_SURNAMES = ("Johnson", "Clarke", "Miller", "Bennett", "O'Connor", "Taylor", "Brown")
BRAND_WORDS = (
    "Nordlicht", "Alpenblick", "Rheinperle", "Elbtal", "Morgenrot", "Weitblick",
    "Bergkristall", "Seeblick", "Sonnenhof", "Fernweh", "Kompass", "Leuchtturm",
)
NAME_TRADES = (
    "Logistik", "Maschinenbau", "Metallbau", "Elektrotechnik", "Systemhaus", "Bau",
    "Medizintechnik", "Feinkost", "Druckerei", "Energietechnik", "Präzisionstechnik",
    "Verpackung", "Kältetechnik", "Software",
)
CITIES = (
    "Hamburg", "München", "Köln", "Düsseldorf", "Würzburg", "Nürnberg", "Lübeck",
    "Göttingen", "Bremen", "Münster", "Graz", "Linz", "Zürich", "Basel",
)
INDUSTRIES = (
    "Maschinenbau", "Logistik", "Handel", "IT-Dienstleistungen", "Gesundheitswesen",
    "Bauwesen", "Energie", "Lebensmittel", "Automobilzulieferer", "Finanzdienstleistungen",
)
NAME_TEMPLATES = (
    "{s} & Söhne GmbH", "{s}, {s2} KG", '"{b}" {t} AG', "{s} {t} GmbH",
    "{s} & {s2} GmbH & Co. KG", "{c}er {t} GmbH", "{s} {t} e.K.", "{b} {t} GmbH",
    "{s}-{s2} {t} AG", '{s} "{b}" GmbH',
)
FIXED_ACCOUNT_NAMES = ("Müller & Söhne GmbH", "Schmidt, Weber KG", '"Nordlicht" Logistik AG')

ASSETS = (
    ("whitepaper", "Whitepaper: Vertriebssteuerung mit KPIs"),
    ("whitepaper", "Whitepaper: Preisverhandlungen im Mittelstand"),
    ("whitepaper", "Whitepaper: Service Contracts That Scale"),
    ("ebook", "E-Book: Kundenbindung im B2B"),
    ("ebook", "E-Book: Digital Sales Playbook"),
    ("checklist", "Checkliste: Angebotsprozess"),
    ("checklist", "Checkliste: Wartungsvertrag, richtig kalkuliert"),
    ("other", "Webinar-Aufzeichnung: Produktneuheiten"),
    ("other", "Case Study \"Nordlicht\" Logistik"),
)
LANDING_PAGES = (
    ("/", 30), ("/produkte", 14), ("/preise", 9), ("/kontakt", 6), ("/blog/kpi-dashboard", 8),
    ("/blog/vertriebsprozess", 7), ("/whitepaper", 8), ("/referenzen", 5), ("/en/products", 6),
    ("/karriere", 3), ("/webinar", 4),
)
WEB_CHANNELS = (
    ("organic", 38), ("paid_search", 18), ("social", 12), ("email", 8), ("direct", 18),
    ("referral", 6),
)
ACTIVITY_TYPES = (
    ("visit", 18), ("video_call", 22), ("phone_call", 30), ("email", 25), ("event", 5),
)
TRAINING_TOPICS = (
    ("Produktschulung", 25), ("Verhandlungsführung", 15), ("CRM-Schulung", 12),
    ("Einwandbehandlung", 12), ("Präsentationstechnik", 10), ("Datenschutz (DSGVO)", 8),
    ("Key Account Management", 8), ("Social Selling", 10),
)
TRAINING_HOURS = ((0.5, 5), (1.0, 12), (1.5, 8), (2.0, 18), (3.0, 12), (4.0, 20),
                  (6.0, 8), (8.0, 14), (16.0, 3))
COMMENTS_PLAIN = (
    "Sehr zufrieden mit der Lieferung.", "Preis-Leistung stimmt.",
    "Lieferung kam zu spät, sonst gut.", "Great product, easy onboarding.",
    "Support could respond faster.", "Die Qualität hat zuletzt nachgelassen.",
    "Alles bestens, gerne wieder!", "Rechnung war fehlerhaft, wurde aber schnell korrigiert.",
    "Solid service, fair prices.", 'Das Modul "Pro" ist top, aber teuer.',
    "Beratung war gut; Angebot hätte schneller kommen können.",
)
COMMENTS_PERSONAL = (
    "Frau {s} war sehr hilfreich.", "Herr {s} hat uns super beraten.",
    "Danke an {f} {s} für die schnelle Hilfe!", "{f} {s} from your team was great, thanks.",
    "Bitte Rückruf an Herrn {s}, Tel. 0171 2345678.",
    "Ansprechpartner {f} {s} ({email}) war immer erreichbar.",
)


# ----------------------------------------------------------------------------------------
# small helpers


def _rng(name: str) -> random.Random:
    """A generator of its own per component, so one table's draws never shift another's."""
    return random.Random(f"{SEED}/{name}")


def _weighted(rng: random.Random, options: Sequence[tuple[Any, float]]) -> Any:
    total = sum(w for _, w in options)
    x = rng.random() * total
    for value, weight in options:
        x -= weight
        if x < 0:
            return value
    return options[-1][0]


def _count(rng: random.Random, lam: float, noise: float = 0.5) -> int:
    """A count around lam with moderate noise (tighter than Poisson for noise < 1)."""
    if lam <= 0:
        return 0
    return max(0, round(rng.gauss(lam, noise * math.sqrt(lam))))


def _days(start: date, end: date) -> Iterator[date]:
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def _weekday(d: date) -> date:
    """The day itself, or the Monday after a weekend day."""
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def _office_time(rng: random.Random, d: date) -> datetime:
    """A UTC time of day in office hours (06:00-17:55 UTC), on a 5-minute grid."""
    hour = _weighted(rng, ((6, 2), (7, 8), (8, 12), (9, 12), (10, 11), (11, 8), (12, 9),
                           (13, 11), (14, 10), (15, 8), (16, 5), (17, 2)))
    return datetime(d.year, d.month, d.day, hour, 5 * rng.randrange(12))


def _any_time(rng: random.Random, d: date) -> datetime:
    """A UTC time of day for web traffic, mostly daytime, to the second."""
    hour = _weighted(rng, WEB_HOURS)
    return datetime(d.year, d.month, d.day, hour, rng.randrange(60), rng.randrange(60))


def _earlier_office_time(rng: random.Random, ts: datetime, max_days: int) -> datetime:
    """An office time 0..max_days days before ts, and before ts itself."""
    earlier = _office_time(rng, ts.date() - timedelta(days=rng.randint(0, max_days)))
    return min(earlier, ts - timedelta(minutes=5))


def _trend(d: date) -> float:
    return 1.0 + 0.12 * (d - PERIOD_START).days / (PERIOD_END - PERIOD_START).days


def _dip(d: date, dip: tuple[date, date, float]) -> float:
    return dip[2] if dip[0] <= d <= dip[1] else 1.0


def _money(x: float) -> float:
    return round(x, 2)


def _lognormal_amount(rng: random.Random, segment: str, factor: float = 1.0) -> float:
    median, sigma, low, high = ORDER_SIZE[segment]
    x = median * factor * math.exp(rng.gauss(0.0, sigma))
    return _money(min(high, max(low, x)))


def _last_sunday(year: int, month: int) -> date:
    d = date(year, month + 1, 1) - timedelta(days=1)
    return d - timedelta(days=(d.weekday() + 1) % 7)


def _berlin_offset_hours(ts: datetime) -> int:
    """CET/CEST: +2 from the last Sunday of March to the last Sunday of October (01:00 UTC)."""
    begin = datetime.combine(_last_sunday(ts.year, 3), datetime.min.time()) + timedelta(hours=1)
    end = datetime.combine(_last_sunday(ts.year, 10), datetime.min.time()) + timedelta(hours=1)
    return 2 if begin <= ts < end else 1


class TsFormatter:
    """ISO 8601 text: mostly `...Z`; ~3 % with the Berlin offset, the same instant.

    An offset is only used where it keeps the calendar date, so a reader that ignores the
    offset still gets the right day (but the wrong hour).
    """

    def __init__(self, name: str, share: float = 0.03) -> None:
        self.rng = _rng(f"ts/{name}")
        self.share = share

    def __call__(self, ts: datetime | None) -> str | None:
        if ts is None:
            return None
        if self.rng.random() < self.share:
            hours = _berlin_offset_hours(ts)
            local = ts + timedelta(hours=hours)
            if local.date() == ts.date():
                return local.strftime("%Y-%m-%dT%H:%M:%S") + f"+{hours:02d}:00"
        return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def _add_years(d: date, years: int) -> date:
    return date(d.year + years, d.month, min(d.day, 28) if d.month == 2 else d.day)


def _iso_date(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _transliterate(text: str) -> str:
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("'", ""), (" ", "")):
        text = text.replace(a, b)
    return text


# ----------------------------------------------------------------------------------------
# the simulated world


@dataclass
class Rep:
    rep_id: str
    full_name: str
    team: str
    hired_on: date
    left_on: date | None
    successor: str | None = None
    weight: float = 1.0
    second_meeting_rate: float = 0.55
    accounts: list[str] = field(default_factory=list)

    @property
    def email(self) -> str:
        first, last = self.full_name.split(" ", 1)
        return f"{first.lower()}.{_transliterate(last.lower())}@example.com"

    def takes_leads_on(self, d: date) -> bool:
        start = self.hired_on
        if self.hired_on > PERIOD_START:
            start = self.hired_on + timedelta(days=ONBOARDING_DAYS)
        end = self.left_on - timedelta(days=14) if self.left_on else PERIOD_END
        return start <= d <= end

    def lead_weight(self, d: date) -> float:
        """New hires get a few more (warm) leads in their first half year of selling."""
        boosted = PERIOD_START < self.hired_on and (d - self.hired_on).days < 180 + ONBOARDING_DAYS
        return self.weight * (1.4 if boosted else 1.0)


@dataclass
class Account:
    account_id: str
    name: str
    industry: str
    segment: str
    country: str
    created_at: datetime
    owner: str
    legacy_first_order: datetime | None = None
    has_owner: bool = True


@dataclass
class StageEvent:
    crm_stage: str  # the CRM's name, as exported
    at: datetime
    lost_reason: str | None = None


@dataclass
class Lead:
    account_id: str
    rep: str
    source: str
    created_at: datetime
    language: str
    referred_by: str | None = None
    events: list[StageEvent] = field(default_factory=list)
    won_at: datetime | None = None  # when the lead reached order_won
    order_at: datetime | None = None
    closed_at: datetime | None = None  # won (its order) or finally lost
    owner: str = ""
    lead_id: str = ""
    referred_at: datetime | None = None


@dataclass
class Order:
    account_id: str
    lead_id: str | None
    rep: str
    at: datetime
    amount: float
    order_id: str = ""


@dataclass
class World:
    scale: int
    reps: dict[str, Rep]
    accounts: dict[str, Account] = field(default_factory=dict)
    leads: list[Lead] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    first_orders: list[tuple[datetime, str]] = field(default_factory=list)  # sorted
    first_order: dict[str, datetime] = field(default_factory=dict)  # account -> earliest

    def servicing_rep(self, account_id: str, ts: datetime) -> str:
        """The account's rep at that moment: a leaver's accounts pass to his successor."""
        rep = self.reps[self.accounts[account_id].owner]
        if rep.left_on is not None and ts.date() > rep.left_on and rep.successor:
            return rep.successor
        return rep.rep_id


# ----------------------------------------------------------------------------------------
# reps and accounts


def _rep_id(n: int) -> str:
    return f"R{n:02d}"


def build_reps(scale: int) -> dict[str, Rep]:
    """24 reps per unit of scale; block 0 is the fixed roster R01..R24."""
    rng = _rng("reps")
    reps: dict[str, Rep] = {}
    used_names = {name for name, _, _, _ in ROSTER}
    for block in range(scale):
        for i, (name, team, hired_on, left_on) in enumerate(ROSTER, start=1):
            if block > 0:
                name = _unique_person_name(rng, used_names)
            rep_id = _rep_id(24 * block + i)
            rep = Rep(rep_id, name, team, hired_on, left_on)
            rep.weight = 0.55 if team == "Key Accounts" else 1.0
            rep.second_meeting_rate = SECOND_MEETING_RATE[team]
            if i == LEAVER_INDEX:
                rep.successor = _rep_id(24 * block + SUCCESSOR_INDEX)
            reps[rep_id] = rep
    reps[WEAK_REP].weight = 1.5
    reps[WEAK_REP].second_meeting_rate = 0.25
    return reps


def _unique_person_name(rng: random.Random, used: set[str]) -> str:
    while True:
        surnames = SURNAMES + ENGLISH_SURNAMES
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(surnames)}"
        if name not in used:
            used.add(name)
            return name


def _account_name(rng: random.Random, used: set[str]) -> str:
    for _ in range(50):
        template = rng.choice(NAME_TEMPLATES)
        s, s2 = rng.sample(SURNAMES, 2)
        name = template.format(
            s=s, s2=s2, b=rng.choice(BRAND_WORDS), t=rng.choice(NAME_TRADES),
            c=rng.choice(CITIES),
        )
        if name not in used:
            used.add(name)
            return name
    name = f"{rng.choice(SURNAMES)} {rng.choice(NAME_TRADES)} GmbH {len(used)}"
    used.add(name)
    return name


def _pick_segment(rng: random.Random, team: str) -> str:
    mix = SEGMENT_MIX["Key Accounts" if team == "Key Accounts" else "other"]
    return _weighted(rng, list(zip(SEGMENTS, mix, strict=True)))


def _new_account(world: World, rng: random.Random, names: set[str], owner: str,
                 created_at: datetime) -> Account:
    n = len(world.accounts) + 1
    name = FIXED_ACCOUNT_NAMES[n - 1] if n <= len(FIXED_ACCOUNT_NAMES) else None
    if name is not None:
        names.add(name)
    account = Account(
        account_id=f"A{n:04d}",
        name=name or _account_name(rng, names),
        industry=rng.choice(INDUSTRIES),
        segment=_pick_segment(rng, world.reps[owner].team),
        country=_weighted(rng, (("DE", 85), ("AT", 9), ("CH", 6))),
        created_at=created_at,
        owner=owner,
    )
    world.accounts[account.account_id] = account
    world.reps[owner].accounts.append(account.account_id)
    return account


def build_legacy_accounts(world: World, names: set[str]) -> None:
    """Accounts created before 2024; ~300 per scale unit are customers already."""
    rng = _rng("accounts/legacy")
    owners = [r for r in world.reps.values() if r.hired_on < date(2024, 1, 1)]
    span = (date(2023, 12, 31) - date(2015, 1, 1)).days
    created = sorted(
        _office_time(rng, _weekday(date(2015, 1, 1) + timedelta(days=rng.randrange(span))))
        for _ in range(480 * world.scale)
    )
    for created_at in created:
        owner = rng.choices(owners, weights=[r.weight for r in owners])[0]
        account = _new_account(world, rng, names, owner.rep_id, created_at)
        if rng.random() < LEGACY_CUSTOMER_SHARE:
            day = PERIOD_START + timedelta(days=rng.randrange(300))
            account.legacy_first_order = _office_time(rng, _weekday(day))
            _register_first_order(world, account.account_id, account.legacy_first_order)


def _register_first_order(world: World, account_id: str, ts: datetime) -> None:
    """Remember an order known while the leads are simulated (to find referrers)."""
    bisect.insort(world.first_orders, (ts, account_id))
    if account_id not in world.first_order or ts < world.first_order[account_id]:
        world.first_order[account_id] = ts


# ----------------------------------------------------------------------------------------
# leads and the funnel


def _pick_referrer(world: World, rng: random.Random, ts: datetime) -> str | None:
    """A customer whose first order lies at least a week before ts."""
    cut = bisect.bisect_left(world.first_orders, (ts - timedelta(days=7), ""))
    if cut == 0:
        return None
    return world.first_orders[rng.randrange(cut)][1]


def _pick_account(world: World, rng: random.Random, names: set[str], rep: Rep,
                  ts: datetime, referrer: str | None) -> str:
    new_share = 0.85 if referrer else 0.14
    candidates = [a for a in rep.accounts if a != referrer]
    if not candidates or rng.random() < new_share:
        created_at = _earlier_office_time(rng, ts, 4)
        return _new_account(world, rng, names, rep.rep_id, created_at).account_id
    return rng.choice(candidates)


def _stage_name(rng: random.Random, language: str, stage: str) -> str:
    """The CRM's name, now and then with odd case or whitespace."""
    name = STAGE_NAMES[language][stage]
    x = rng.random()
    if x < 0.010:
        return f" {name.lower()} "
    if x < 0.020:
        return name.upper()
    if x < 0.025:
        return f"{name} "
    return name


def _next_time(rng: random.Random, ts: datetime, low: int, high: int) -> datetime:
    return _office_time(rng, _weekday(ts.date() + timedelta(days=rng.randint(low, high))))


def simulate_funnel(rng: random.Random, lead: Lead, rep: Rep) -> None:
    """Walk a lead through the stages; fills events, won_at and closed_at."""
    ts, step, reopened = lead.created_at, 0, False
    while step < len(STAGES):
        rate, low, high = FUNNEL_STEPS[step]
        if step == 1:
            rate = rep.second_meeting_rate
        nxt = _next_time(rng, ts, low, high)
        if nxt > END_TS:
            return
        ts = nxt
        stage = STAGES[step]
        if rng.random() < rate:
            _record_stage(rng, lead, stage, ts)
            step += 1
            continue
        if rng.random() >= 0.75:
            return  # stalls: stays open without another event
        reason = rng.choice(LOST_REASONS[lead.language])
        lead.events.append(StageEvent(_stage_name(rng, lead.language, "lost"), ts, reason))
        lead.closed_at = ts
        if reopened or rng.random() >= 0.03:
            return
        reopened, ts = True, _next_time(rng, ts, 14, 60)  # reopened: enters the stage
        if ts > END_TS:
            return
        lead.closed_at = None
        _record_stage(rng, lead, stage, ts)
        step += 1


def _record_stage(rng: random.Random, lead: Lead, stage: str, ts: datetime) -> None:
    if stage in ("second_meeting", "contract_sent") and rng.random() < 0.06:
        return  # skipped in the CRM: passed without an event of its own
    if stage == "order_won":
        lead.won_at = ts
        if rng.random() < 0.4:
            order_at = ts + timedelta(minutes=5 * rng.randrange(2, 40))  # the same day
        else:
            order_at = _next_time(rng, ts, 1, 5)
        lead.order_at = order_at if order_at <= END_TS else ts
        lead.closed_at = lead.order_at
        if rng.random() < 0.10:
            return  # the order alone records the win
    lead.events.append(StageEvent(_stage_name(rng, lead.language, stage), ts))


def build_leads(world: World, names: set[str]) -> None:
    rng = _rng("leads")
    sources = [(s, float(w)) for s, w in LEAD_SOURCES]
    for d in _days(PERIOD_START, PERIOD_END):
        lam = 8.0 * world.scale * WEEKDAY_LEADS[d.weekday()] * _trend(d) * _dip(d, LEAD_DIP)
        eligible = [r for r in world.reps.values() if r.takes_leads_on(d)]
        weights = [r.lead_weight(d) for r in eligible]
        for ts in sorted(_office_time(rng, d) for _ in range(_count(rng, lam))):
            rep = rng.choices(eligible, weights=weights)[0]
            world.leads.append(_new_lead(world, rng, names, sources, rep, ts))
    for n, lead in enumerate(world.leads, start=1):
        lead.lead_id = f"L{n:05d}"
    _hand_over_leaver_leads(world)


def _new_lead(world: World, rng: random.Random, names: set[str],
              sources: list[tuple[str, float]], rep: Rep, ts: datetime) -> Lead:
    source = _weighted(rng, sources)
    referrer = _pick_referrer(world, rng, ts) if source == "referral" else None
    if source == "referral" and referrer is None:
        source = "website"
    account_id = _pick_account(world, rng, names, rep, ts, referrer)
    language = "de" if rng.random() < STAGE_LANGUAGE_DE[rep.team] else "en"
    lead = Lead(account_id, rep.rep_id, source, ts, language, referrer)
    if referrer:
        back = _earlier_office_time(rng, ts, 10)
        lead.referred_at = max(back, world.first_order[referrer] + timedelta(days=1))
    simulate_funnel(rng, lead, rep)
    if lead.order_at is not None:
        _register_first_order(world, account_id, lead.order_at)
    return lead


def _hand_over_leaver_leads(world: World) -> None:
    """A leaver keeps only the leads he closed; open ones pass to his successor."""
    for lead in world.leads:
        rep = world.reps[lead.rep]
        lead.owner = rep.rep_id
        if rep.left_on is None or rep.successor is None:
            continue
        if lead.closed_at is None or lead.closed_at.date() > rep.left_on:
            lead.owner = rep.successor


# ----------------------------------------------------------------------------------------
# orders and what follows them


def build_orders(world: World) -> None:
    rng = _rng("orders")
    for lead in world.leads:
        if lead.order_at is not None:
            segment = world.accounts[lead.account_id].segment
            world.orders.append(Order(lead.account_id, lead.lead_id, lead.owner, lead.order_at,
                                      _lognormal_amount(rng, segment)))
    first: dict[str, datetime] = {}
    for ts, account_id in world.first_orders:
        first.setdefault(account_id, ts)
    for account_id, ts in first.items():
        account = world.accounts[account_id]
        if account.legacy_first_order == ts:
            world.orders.append(Order(account_id, None, world.servicing_rep(account_id, ts), ts,
                                      _lognormal_amount(rng, account.segment, 0.8)))
        _repeat_orders(world, rng, account, ts)
    world.orders.sort(key=lambda o: (o.at, o.account_id, o.lead_id or ""))
    for n, order in enumerate(world.orders, start=1):
        order.order_id = f"O{n:05d}"


def _repeat_orders(world: World, rng: random.Random, account: Account, ts: datetime) -> None:
    """Repeat purchases until the customer churns; a few come back after a long pause."""
    came_back = False
    stop_rate = STOP_RATE[account.segment]
    if account.legacy_first_order is not None:
        stop_rate *= LEGACY_STOP_FACTOR  # long-standing customers are more loyal
    while True:
        if rng.random() < stop_rate:
            if came_back or rng.random() >= 0.15:
                return
            came_back, gap = True, rng.randint(400, 700)
        else:
            gap = int(min(340, max(20, REPEAT_GAP_MEDIAN_DAYS * math.exp(rng.gauss(0.0, 0.55)))))
        ts = _office_time(rng, _weekday(ts.date() + timedelta(days=gap)))
        if ts > END_TS:
            return
        rep = world.servicing_rep(account.account_id, ts)
        world.orders.append(Order(account.account_id, None, rep, ts,
                                  _lognormal_amount(rng, account.segment, 0.6)))


def _in_spike(order: Order) -> bool:
    return DEFECT_SPIKE[0] <= order.at.date() <= DEFECT_SPIKE[1]


def _quota(rng: random.Random, orders: list[Order], share: float) -> list[str]:
    """Exactly round(share * n) of the orders (placed early enough for the consequence to
    happen by 2026-10-31): planted patterns hold in the data, not just in expectation."""
    eligible = [o.order_id for o in orders if o.at <= END_TS - timedelta(days=45)]
    return rng.sample(eligible, round(share * len(orders)))


def build_cancellations(world: World) -> list[dict[str, Any]]:
    rng, fmt = _rng("cancellations"), TsFormatter("cancellations")
    planted = dict.fromkeys(
        _quota(rng, [o for o in world.orders if o.rep == OVERSELLING_REP], 0.12), "oversold")
    spike = [o for o in world.orders if _in_spike(o) and o.order_id not in planted]
    planted.update(dict.fromkeys(_quota(rng, spike, 0.06), "product_expectations"))
    rows = []
    for order in world.orders:
        reason = planted.get(order.order_id) or _weighted(rng, _cancellation_odds(order))
        if reason is None:
            continue
        cancelled_at = _next_time(rng, order.at, 2, 40)
        if cancelled_at > END_TS:
            continue
        refund = order.amount if rng.random() < 0.8 else order.amount * rng.uniform(0.3, 0.95)
        rows.append({"order_id": order.order_id, "cancelled_at": fmt(cancelled_at),
                     "reason": reason, "refunded_amount": _money(min(refund, order.amount))})
    return rows


def _cancellation_odds(order: Order) -> list[tuple[str | None, float]]:
    """Background odds; the planted reasons are handed out by quota."""
    odds: list[tuple[str | None, float]] = [
        ("oversold", 0.0 if order.rep == OVERSELLING_REP else 0.01),
        ("product_expectations", 0.0 if _in_spike(order) else 0.015),
        ("price", 0.012), ("timing", 0.012), ("other", 0.008),
    ]
    odds.append((None, 1.0 - sum(w for _, w in odds)))
    return odds


def build_complaints(world: World) -> list[dict[str, Any]]:
    rng, fmt = _rng("complaints"), TsFormatter("complaints")
    defects = set(_quota(rng, [o for o in world.orders if _in_spike(o)], 0.09))
    rows: list[dict[str, Any]] = []
    for order in world.orders:
        odds = _complaint_odds(order)
        category = "product_defect" if order.order_id in defects else _weighted(rng, odds)
        if category is None:
            continue
        categories = [category]
        if rng.random() < 0.05:
            categories.append(rng.choice([c for c, _ in odds[:-1]]))
        for cat in categories:
            row = _complaint(rng, fmt, order, cat)
            if row is not None:
                rows.append(row)
    rows.sort(key=lambda r: (r["_at"], r["order_id"], r["category"]))
    for n, row in enumerate(rows, start=1):
        row["complaint_id"] = f"C{n:05d}"
        del row["_at"]
    return rows


def _complaint_odds(order: Order) -> list[tuple[str | None, float]]:
    """Background odds; the product problem's defects are handed out by quota."""
    odds: list[tuple[str | None, float]] = [
        ("product_defect", 0.0 if _in_spike(order) else 0.025),
        ("delivery", 0.02), ("advice", 0.015), ("service", 0.012), ("billing", 0.008),
    ]
    odds.append((None, 1.0 - sum(w for _, w in odds)))
    return odds


def _complaint(rng: random.Random, fmt: TsFormatter, order: Order,
               category: str) -> dict[str, Any] | None:
    opened_at = _next_time(rng, order.at, 3, 90)
    if opened_at > END_TS:
        return None
    closed_at: datetime | None = _next_time(rng, opened_at, 1, 45)
    if closed_at is not None and (closed_at > END_TS or rng.random() < 0.05):
        closed_at = None
    warranty = rng.random() < (0.65 if category == "product_defect" else 0.08)
    return {"_at": opened_at, "complaint_id": "", "order_id": order.order_id,
            "opened_at": fmt(opened_at), "closed_at": fmt(closed_at), "category": category,
            "is_warranty_claim": warranty}


# ----------------------------------------------------------------------------------------
# customer care: activities, referrals, feedback, contracts


def _orders_by_account(world: World) -> dict[str, list[Order]]:
    by_account: dict[str, list[Order]] = {}
    for order in world.orders:
        by_account.setdefault(order.account_id, []).append(order)
    return by_account


def build_contracts(world: World) -> list[dict[str, Any]]:
    rng = _rng("contracts")
    by_account = _orders_by_account(world)
    customers = sorted(by_account)
    weights = [{"SMB": 1, "Mid-Market": 3, "Enterprise": 6}[world.accounts[a].segment]
               for a in customers]
    chosen: list[str] = []
    while len(chosen) < min(250 * world.scale, len(customers) // 2):
        account_id = rng.choices(customers, weights=weights)[0]
        if account_id not in chosen:
            chosen.append(account_id)
    rows = [_contract(rng, world.accounts[a], by_account[a][0]) for a in chosen]
    rows.sort(key=lambda r: (r["starts_on"], r["account_id"]))
    for n, row in enumerate(rows, start=1):
        row["contract_id"] = f"K{n:04d}"
    return rows


def _contract(rng: random.Random, account: Account, first: Order) -> dict[str, Any]:
    if account.legacy_first_order is not None and rng.random() < 0.3:
        starts_on = date(2021, 1, 1) + timedelta(days=rng.randrange(1090))
    else:
        starts_on = first.at.date() + timedelta(days=rng.randrange(0, 90))
        starts_on = min(starts_on, PERIOD_END)
    ends_on: date | None = None
    if rng.random() >= 0.2:
        years = _weighted(rng, ((1, 3), (2, 4), (3, 3)))
        ends_on = _add_years(starts_on, years) - timedelta(days=1)
    terminated_on = None
    stop = min(ends_on or PERIOD_END, PERIOD_END)
    if rng.random() < 0.15 and (stop - starts_on).days > 120:
        terminated_on = starts_on + timedelta(days=rng.randrange(90, (stop - starts_on).days))
    low, high = {"SMB": (1200, 6000), "Mid-Market": (4000, 20000),
                 "Enterprise": (12000, 60000)}[account.segment]
    value = None if rng.random() < 0.06 else _money(rng.uniform(low, high))
    return {"contract_id": "", "account_id": account.account_id,
            "starts_on": _iso_date(starts_on), "ends_on": _iso_date(ends_on),
            "terminated_on": _iso_date(terminated_on), "annual_value": value}


def _active_spans(orders: list[Order], contracts: list[dict[str, Any]]) -> list[tuple[date, date]]:
    """Days the customer is active (order in the last 365 days or a running contract)."""
    spans = [(o.at.date(), o.at.date() + timedelta(days=364)) for o in orders]
    for c in contracts:
        stops = [date.fromisoformat(c[k]) for k in ("ends_on", "terminated_on") if c[k]]
        spans.append((date.fromisoformat(c["starts_on"]), min(stops, default=PERIOD_END)))
    spans = sorted((max(a, PERIOD_START), min(b, PERIOD_END)) for a, b in spans)
    merged: list[tuple[date, date]] = []
    for a, b in spans:
        if a > b:
            continue
        if merged and a <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def build_activities(world: World, contracts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rng = _rng("activities")
    events: list[tuple[datetime, str, str, str]] = []
    for lead in world.leads:  # meetings with prospects and customers
        for event in lead.events:
            if event.lost_reason is None and _is_meeting(event.crm_stage):
                rep = lead.rep if event.at.date() <= _left(world, lead.rep) else lead.owner
                kind = "visit" if rng.random() < 0.5 else "video_call"
                events.append((event.at, lead.account_id, rep, kind))
    by_contract: dict[str, list[dict[str, Any]]] = {}
    for c in contracts:
        by_contract.setdefault(c["account_id"], []).append(c)
    for account_id, orders in sorted(_orders_by_account(world).items()):
        spans = _active_spans(orders, by_contract.get(account_id, []))
        events.extend(_customer_contacts(world, rng, world.accounts[account_id], spans))
    events.sort()
    rows = []
    fmt = TsFormatter("activities")
    for n, (ts, account_id, rep, kind) in enumerate(events, start=1):
        duration = _activity_minutes(rng, kind)
        rows.append({"activity_id": f"ACT{n:06d}", "account_id": account_id, "rep_id": rep,
                     "activity_type": kind, "occurred_at": fmt(ts), "duration_minutes": duration})
    return rows


def _is_meeting(crm_stage: str) -> bool:
    name = crm_stage.strip().lower()
    meetings = ("first_meeting", "second_meeting")
    return any(name == STAGE_NAMES[lang][s].lower() for lang in STAGE_NAMES for s in meetings)


def _left(world: World, rep_id: str) -> date:
    return world.reps[rep_id].left_on or PERIOD_END


def _customer_contacts(world: World, rng: random.Random, account: Account,
                       spans: list[tuple[date, date]]) -> list[tuple[datetime, str, str, str]]:
    """Contacts while the customer is active; some customers are left alone for months."""
    rate = CONTACT_RATE[account.segment]
    quiet: tuple[date, date] | None = None
    if spans and rng.random() < 0.25:
        start = spans[0][0] + timedelta(days=rng.randrange(30, 400))
        quiet = (start, start + timedelta(days=rng.randint(120, 270)))
    out = []
    for a, b in spans:
        d = a
        while True:
            d = d + timedelta(days=1 + int(rng.expovariate(rate)))
            if d > b:
                break
            day = _weekday(d)
            if day > PERIOD_END or (quiet and quiet[0] <= day <= quiet[1]):
                continue
            ts = _office_time(rng, day)
            kind = _weighted(rng, ACTIVITY_TYPES)
            out.append((ts, account.account_id, world.servicing_rep(account.account_id, ts),
                        kind))
    return out


def _activity_minutes(rng: random.Random, kind: str) -> int | None:
    low, high = {"visit": (30, 180), "video_call": (15, 60), "phone_call": (5, 30),
                 "email": (0, 0), "event": (60, 240)}[kind]
    return None if kind == "email" else 5 * rng.randint(low // 5, high // 5)


def build_referrals(world: World) -> list[dict[str, Any]]:
    rng, fmt = _rng("referrals"), TsFormatter("referrals")
    events: list[tuple[datetime, str, str | None]] = [
        (lead.referred_at, lead.referred_by, lead.lead_id)
        for lead in world.leads if lead.referred_by and lead.referred_at
    ]
    for _ in range(45 * world.scale):  # recommendations that did not become a lead
        ts = _office_time(rng, _weekday(PERIOD_START + timedelta(days=rng.randrange(1030))))
        referrer = _pick_referrer(world, rng, ts)
        if referrer is not None and ts <= END_TS:
            events.append((ts, referrer, None))
    events.sort(key=lambda e: (e[0], e[1], e[2] or ""))
    channels = (("personal", 50), ("social_media", 20), ("testimonial", 15), ("review", 15))
    return [{"referral_id": f"RF{n:04d}", "referring_account_id": referrer,
             "referred_at": fmt(ts), "channel": _weighted(rng, channels),
             "referred_lead_id": lead_id}
            for n, (ts, referrer, lead_id) in enumerate(events, start=1)]


def build_feedback(world: World) -> list[dict[str, Any]]:
    rng, fmt = _rng("feedback"), TsFormatter("feedback")
    events: list[tuple[datetime, str]] = []
    while len(events) < 1200 * world.scale:
        order = rng.choice(world.orders)
        ts = _next_time(rng, order.at, 7, 120)
        if ts <= END_TS:
            events.append((ts, order.account_id))
    events.sort()
    channels = (("nps_survey", 60), ("review", 15), ("social_media", 10), ("interview", 15))
    rows = []
    for n, (ts, account_id) in enumerate(events, start=1):
        channel = _weighted(rng, channels)
        rows.append({"feedback_id": f"F{n:05d}", "account_id": account_id,
                     "submitted_at": fmt(ts), "channel": channel,
                     "nps_score": _nps_score(rng, channel), "comment": _comment(world, rng)})
    return rows


def _nps_score(rng: random.Random, channel: str) -> int | None:
    with_score = {"nps_survey": 0.95, "interview": 0.2}.get(channel, 0.0)
    if rng.random() >= with_score:
        return None
    return _weighted(rng, [(s, w) for s, w in zip(range(11), (2, 1, 1, 2, 2, 3, 5, 10, 20,
                                                                 26, 22), strict=True)])


def _comment(world: World, rng: random.Random) -> str | None:
    x = rng.random()
    if x < 0.35:
        return None
    if x < 0.80:
        return rng.choice(COMMENTS_PLAIN)
    if rng.random() < 0.5:
        first, last = rng.choice(list(world.reps.values())).full_name.split(" ", 1)
    else:
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    email = f"{_transliterate(first.lower())}.{_transliterate(last.lower())}@example.com"
    return rng.choice(COMMENTS_PERSONAL).format(f=first, s=last, email=email)


# ----------------------------------------------------------------------------------------
# marketing


def _daily_events(name: str, base: float, scale: int, weekday: Sequence[float],
                  dip: tuple[date, date, float] | None,
                  time_of_day: Callable[[random.Random, date], datetime]) -> list[datetime]:
    rng = _rng(f"{name}/times")
    out: list[datetime] = []
    for d in _days(PERIOD_START, PERIOD_END):
        lam = base * scale * weekday[d.weekday()] * _trend(d) * (_dip(d, dip) if dip else 1)
        lam *= max(0.7, rng.gauss(1.0, 0.04))
        out.extend(sorted(time_of_day(rng, d) for _ in range(_count(rng, lam))))
    return out


def build_web_sessions(world: World) -> list[dict[str, Any]]:
    rng, fmt = _rng("web_sessions"), TsFormatter("web_sessions")
    times = _daily_events("web_sessions", 50.0, world.scale, WEEKDAY_WEB, MARKETING_DIP,
                          _any_time)
    visitors = 0
    rows = []
    for n, ts in enumerate(times, start=1):
        if visitors and rng.random() < 0.35:
            visitor = visitors - int(visitors * rng.random() ** 3)  # mostly recent visitors
        else:
            visitors += 1
            visitor = visitors
        pageviews = 1 + int(rng.expovariate(0.45))
        duration = 0 if pageviews == 1 and rng.random() < 0.5 else int(
            pageviews * 45 * math.exp(rng.gauss(0.0, 0.7)))
        rows.append({"session_id": f"WS{n:06d}", "visitor_id": f"V{visitor:06d}",
                     "started_at": fmt(ts), "landing_page": _weighted(rng, LANDING_PAGES),
                     "channel": _weighted(rng, WEB_CHANNELS), "pageviews": pageviews,
                     "duration_seconds": duration})
    return rows


class LeadLinker:
    """Hands out leads of some sources created within two weeks after a marketing touch."""

    def __init__(self, world: World, sources: Sequence[str]) -> None:
        self.leads = [lead for lead in world.leads if lead.source in sources]
        self.times = [lead.created_at for lead in self.leads]
        self.used: list[bool] = [False] * len(self.leads)

    def take(self, ts: datetime) -> str | None:
        i = bisect.bisect_left(self.times, ts)
        limit = ts + timedelta(days=14)
        while i < len(self.leads) and self.times[i] <= limit:
            if not self.used[i]:
                self.used[i] = True
                return self.leads[i].lead_id
            i += 1
        return None


def build_downloads(world: World) -> list[dict[str, Any]]:
    rng, fmt = _rng("downloads"), TsFormatter("downloads")
    times = _daily_events("downloads", 3.6, world.scale, WEEKDAY_B2B, MARKETING_DIP, _any_time)
    linker = LeadLinker(world, ("download",))
    rows = []
    for n, ts in enumerate(times, start=1):
        asset_type, asset_name = rng.choice(ASSETS)
        lead_id = linker.take(ts) if rng.random() < 0.3 else None
        rows.append({"download_id": f"D{n:05d}", "downloaded_at": fmt(ts),
                     "asset_type": asset_type, "asset_name": asset_name, "lead_id": lead_id})
    return rows


def build_contact_requests(world: World) -> list[dict[str, Any]]:
    rng, fmt = _rng("contact_requests"), TsFormatter("contact_requests")
    times = _daily_events("contact_requests", 1.85, world.scale, WEEKDAY_B2B, MARKETING_DIP,
                          _office_time)
    linker = LeadLinker(world, ("website", "social", "paid_search", "event"))
    channels = (("web_form", 50), ("email", 25), ("phone", 18), ("social", 7))
    rows = []
    for n, ts in enumerate(times, start=1):
        lead_id = linker.take(ts) if rng.random() < 0.4 else None
        rows.append({"request_id": f"CR{n:05d}", "received_at": fmt(ts),
                     "channel": _weighted(rng, channels), "lead_id": lead_id})
    return rows


def build_newsletter_sends(world: World) -> list[dict[str, Any]]:
    """Two newsletters every other week; no send at all in August 2025 (summer break)."""
    rng, fmt = _rng("newsletter_sends"), TsFormatter("newsletter_sends")
    plans = (("Praxisbrief", date(2024, 1, 9), 8, 2400), ("Product Update", date(2024, 1, 18),
                                                           14, 1500))
    sends = []
    for name, first, hour, audience in plans:
        d = first
        while d <= PERIOD_END:
            pause = (d.month == 8 and d.year == 2025) or (d.month, d.day) >= (12, 22)
            if not pause:
                sends.append((datetime(d.year, d.month, d.day, hour), name, audience))
            d += timedelta(days=14)
    sends.sort()
    rows = []
    for n, (ts, name, audience) in enumerate(sends, start=1):
        delivered = int(audience * world.scale * _trend(ts.date()) * rng.uniform(0.96, 1.04))
        opens = int(delivered * rng.uniform(0.26, 0.42))
        clicks = int(opens * rng.uniform(0.08, 0.22))
        rows.append({"send_id": f"NL{n:04d}", "sent_at": fmt(ts), "newsletter": name,
                     "delivered": delivered, "unique_opens": opens, "unique_clicks": clicks})
    return rows


def build_social_daily(world: World) -> list[dict[str, Any]]:
    rng = _rng("social_daily")
    platforms = (("LinkedIn", 6.0, 45.0), ("Xing", 2.0, 12.0), ("Instagram", 3.0, 30.0))
    rows = []
    for d in _days(PERIOD_START, PERIOD_END):
        for platform, follows, likes in platforms:
            f = WEEKDAY_B2B[d.weekday()] if platform != "Instagram" else 1.0
            rows.append({"day": d.isoformat(), "platform": platform,
                         "new_follows": _count(rng, follows * f * world.scale * _trend(d)),
                         "likes": _count(rng, likes * f * world.scale * _trend(d))})
    return rows


def build_ad_spend_daily(world: World) -> list[dict[str, Any]]:
    """Google Ads bills per click; LinkedIn Ads per impression (so 0 clicks can cost)."""
    rng = _rng("ad_spend_daily")
    campaigns = (  # platform, campaign, impressions/day, click rate, cpc or cpm
        ("Google Ads", "Brand DE", 1800.0, 0.060, 0.90),
        ("Google Ads", "Generic Vertriebssoftware", 5200.0, 0.022, 2.40),
        ("LinkedIn Ads", "Lead Gen Whitepaper", 3500.0, 0.0045, 32.0),
        ("LinkedIn Ads", "Retargeting", 600.0, 0.0025, 24.0),
    )
    rows = []
    for d in _days(PERIOD_START, PERIOD_END):
        for platform, campaign, volume, ctr, price in campaigns:
            impressions = _count(rng, volume * world.scale * WEEKDAY_B2B[d.weekday()])
            clicks = _count(rng, impressions * ctr)
            if platform == "Google Ads":
                cost = clicks * price * rng.uniform(0.85, 1.15)
            else:
                cost = impressions / 1000 * price * rng.uniform(0.9, 1.1)
            rows.append({"day": d.isoformat(), "platform": platform, "campaign": campaign,
                         "impressions": impressions, "clicks": clicks, "cost": _money(cost)})
    return rows


# ----------------------------------------------------------------------------------------
# people


def build_trainings(world: World) -> list[dict[str, Any]]:
    """New hires get an onboarding in their first weeks; everyone gets regular trainings."""
    rng = _rng("trainings")
    events: list[tuple[date, str, str, float]] = []
    for rep in world.reps.values():
        first = max(rep.hired_on, PERIOD_START)
        last = min(rep.left_on or PERIOD_END, PERIOD_END)
        if rep.hired_on >= PERIOD_START:
            events.append((_weekday(rep.hired_on + timedelta(days=rng.randrange(3))), rep.rep_id,
                           "Onboarding Vertrieb", 16.0))
            events.append((_weekday(rep.hired_on + timedelta(days=rng.randrange(7, 21))),
                           rep.rep_id, "CRM-Schulung", 4.0))
        for _ in range(_count(rng, (last - first).days / 1035 * 19.0)):
            day = _weekday(first + timedelta(days=rng.randrange((last - first).days + 1)))
            if day <= last:
                events.append((day, rep.rep_id, _weighted(rng, TRAINING_TOPICS),
                               _weighted(rng, TRAINING_HOURS)))
    events.sort()
    return [{"training_id": f"T{n:04d}", "rep_id": rep_id, "held_on": d.isoformat(),
             "topic": topic, "hours": hours}
            for n, (d, rep_id, topic, hours) in enumerate(events, start=1)]


# ----------------------------------------------------------------------------------------
# tables


def _rows_reps(world: World) -> list[dict[str, Any]]:
    return [{"rep_id": r.rep_id, "full_name": r.full_name, "email": r.email, "team": r.team,
             "hired_on": r.hired_on.isoformat(), "left_on": _iso_date(r.left_on)}
            for r in world.reps.values()]


def _rows_accounts(world: World) -> list[dict[str, Any]]:
    fmt = TsFormatter("accounts")
    rows = []
    for a in world.accounts.values():
        owner = world.servicing_rep(a.account_id, END_TS) if a.has_owner else None
        rows.append({"account_id": a.account_id, "account_name": a.name,
                     "industry": a.industry, "segment": a.segment, "country": a.country,
                     "created_at": fmt(a.created_at), "owner_rep_id": owner})
    return rows


def _strip_owners(world: World) -> None:
    """A few accounts (~1 %) have no account manager in the CRM."""
    rng = _rng("accounts/unowned")
    ids = list(world.accounts)
    for account_id in rng.sample(ids, max(1, len(ids) // 100)):
        world.accounts[account_id].has_owner = False


def _rows_leads(world: World) -> list[dict[str, Any]]:
    fmt = TsFormatter("leads")
    return [{"lead_id": lead.lead_id, "account_id": lead.account_id,
             "owner_rep_id": lead.owner, "lead_source": lead.source,
             "created_at": fmt(lead.created_at), "referred_by_account_id": lead.referred_by}
            for lead in world.leads]


def _rows_stage_events(world: World) -> list[dict[str, Any]]:
    fmt = TsFormatter("lead_stage_events")
    return [{"lead_id": lead.lead_id, "crm_stage": e.crm_stage, "entered_at": fmt(e.at),
             "lost_reason": e.lost_reason}
            for lead in world.leads for e in lead.events]


def _rows_orders(world: World) -> list[dict[str, Any]]:
    fmt = TsFormatter("orders")
    return [{"order_id": o.order_id, "account_id": o.account_id, "lead_id": o.lead_id,
             "rep_id": o.rep, "ordered_at": fmt(o.at), "net_amount": o.amount}
            for o in world.orders]


_PANDAS_DTYPES = {"id": "str", "text": "str", "ts": "str", "date": "str", "num": "float64",
                  "int": "Int64", "bool": "bool"}


def _frame(table: Table, rows: list[dict[str, Any]]) -> pd.DataFrame:
    data = {}
    for column in table.columns:
        values = [row[column.name] for row in rows]
        data[column.name] = pd.Series(values, dtype=_PANDAS_DTYPES[column.type])
    return pd.DataFrame(data, columns=table.column_names)


def simulate(scale: int = 1) -> World:
    world = World(scale=scale, reps=build_reps(scale))
    names: set[str] = set()
    build_legacy_accounts(world, names)
    build_leads(world, names)
    build_orders(world)
    _strip_owners(world)
    return world


def generate(scale: int = 1) -> dict[str, pd.DataFrame]:
    """All contract tables as frames: columns in contract order; timestamps and dates as the
    ISO text of the export, ints nullable (`Int64`), amounts float, booleans bool."""
    if scale < 1:
        raise ValueError("scale must be an integer >= 1")
    world = simulate(scale)
    contracts = build_contracts(world)
    rows: dict[str, list[dict[str, Any]]] = {
        "reps": _rows_reps(world),
        "accounts": _rows_accounts(world),
        "leads": _rows_leads(world),
        "lead_stage_events": _rows_stage_events(world),
        "orders": _rows_orders(world),
        "cancellations": build_cancellations(world),
        "complaints": build_complaints(world),
        "activities": build_activities(world, contracts),
        "referrals": build_referrals(world),
        "feedback": build_feedback(world),
        "contracts": contracts,
        "web_sessions": build_web_sessions(world),
        "newsletter_sends": build_newsletter_sends(world),
        "downloads": build_downloads(world),
        "social_daily": build_social_daily(world),
        "ad_spend_daily": build_ad_spend_daily(world),
        "contact_requests": build_contact_requests(world),
        "trainings": build_trainings(world),
    }
    return {t.name: _frame(t, rows[t.name]) for t in TABLES}


# ----------------------------------------------------------------------------------------
# writing


def _is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _csv_text(value: Any, kind: str) -> str:
    if _is_missing(value):
        return ""
    if kind == "bool":
        return "true" if value else "false"
    if kind == "num":
        return f"{float(value):.2f}"
    if kind == "int":
        return str(int(value))
    return str(value)


def write_csv(table: Table, frame: pd.DataFrame, path: Path) -> None:
    columns = [frame[c.name].tolist() for c in table.columns]
    kinds = [c.type for c in table.columns]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(table.column_names)
        for values in zip(*columns, strict=True):
            writer.writerow([_csv_text(v, k) for v, k in zip(values, kinds, strict=True)])


def write_parquet(table: Table, frame: pd.DataFrame, path: Path) -> None:
    """Typed Parquet: timestamps as UTC instants, dates as dates, amounts as doubles."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays, fields = [], []
    for column in table.columns:
        series = frame[column.name]
        values = [None if _is_missing(v) else v for v in series.tolist()]
        if column.type == "ts":
            parsed = pd.to_datetime(series, utc=True, format="ISO8601")
            values = [None if pd.isna(v) else v.to_pydatetime() for v in parsed]
            pa_type = pa.timestamp("us", tz="UTC")
        elif column.type == "date":
            values = [None if v is None else date.fromisoformat(v) for v in values]
            pa_type = pa.date32()
        else:
            pa_type = {"id": pa.string(), "text": pa.string(), "num": pa.float64(),
                       "int": pa.int64(), "bool": pa.bool_()}[column.type]
        arrays.append(pa.array(values, type=pa_type))
        fields.append(pa.field(column.name, pa_type, nullable=True))
    pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), path)


def write_export(tables: dict[str, pd.DataFrame], out_dir: str | Path, fmt: str = "csv") -> None:
    """One file per contract table, `<table>.csv` or `<table>.parquet`, in out_dir."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"format must be csv or parquet, not {fmt!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        path = out / f"{table.name}.{fmt}"
        if fmt == "csv":
            write_csv(table, tables[table.name], path)
        else:
            write_parquet(table, tables[table.name], path)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("scale must be an integer >= 1")
    return value


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="target folder (default: the committed seeds/demo)")
    parser.add_argument("--scale", type=_positive_int, default=1,
                        help="N times the demo's size: more reps, accounts and leads")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    args = parser.parse_args(argv)
    tables = generate(args.scale)
    write_export(tables, args.out, args.format)
    sizes = ", ".join(f"{name} {len(frame)}" for name, frame in tables.items())
    print(f"wrote {len(tables)} tables ({args.format}) to {args.out}: {sizes}")


if __name__ == "__main__":
    main()
