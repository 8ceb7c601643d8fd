"""Deterministic demo CRM data: realistic enough for every chart to tell a story, fast, bounded memory.

`generate(customers, seed)` yields `(table_name, pyarrow.Table)` chunks whose columns and types match
`crm/sql/schema.sql`. Customers are made in blocks of `BLOCK` customers; each block's customers,
leads, orders, interactions, complaints and surveys are emitted before the next block is made, so a
million customers never sit in memory at once. The small aggregated tables (channel_costs, staff,
training, targets) come last, computed from running aggregates of the blocks.

The story in the data:
- a 5-year window ending `DEMO_END`; 35 % of customers are an opening base acquired in the 10 years
  before it, the rest are won inside it with growth and seasonality (spring/autumn peaks, August
  and late-December dips). Customer ids are chronological (C0000001 is the oldest customer).
- four segments with very different value (top 20 % of customers bring about two thirds of revenue)
  and churn (measured over the last 12 months at 50,000 customers: households ~19 %/year, small
  nationals ~15 %, large nationals ~13 %, multinationals ~9 %; the opening base are survivors, less
  frail, so churn is about as high in the first year as later); a churn bump mid-2024 (mostly
  "Competitor offer"), January contract-renewal churn; about 12 % of lost customers are won back.
- acquisition and contact channels shift over time: Web and E-mail grow, Fax and Mail decline;
  Partner and In person serve business segments and are the expensive channels.
- believable unit economics (margin 0.3, last 12 months): winning a customer costs its channel's
  unit cost x its segment's factor (a multinational ~6x a small national, a household 0.4x), so
  CAC runs from ~€400 (Web, mostly households) to ~€2,000 (In person, Partner); every channel's
  lifetime value / CAC is about 4-5.5 and its payback 9-20 months; channel costs are ~15 % of
  revenue (acquisition ~3/4 of them), and households, bearing their channels' CAC in the year
  they are won, are the thinnest segment in profit.
- household heads and parent companies (linked value), consent, complaints answered faster over the
  years, NPS higher for long-tenure customers and low for customers about to leave, a rising share
  of trained customer-facing staff, and targets (goal / red flag) that give a green/amber/red mix.

Everything is vectorised numpy (no Python loop per row or per customer) and seeded with
`numpy.random.default_rng`, so the same (customers, seed) gives identical output.
"""
from __future__ import annotations

import datetime as dt
import math
import unicodedata
from typing import Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

DEMO_END = dt.date(2026, 10, 31)   # last day of data; fixed so output is deterministic
WINDOW_YEARS = 5
DEMO_START = DEMO_END.replace(year=DEMO_END.year - WINDOW_YEARS) + dt.timedelta(days=1)
OPENING_BASE_YEARS = 10
BLOCK = 25_000                     # customers generated (and emitted) together

TABLES = ("customers", "leads", "orders", "interactions", "channel_costs", "complaints", "surveys",
          "staff", "training", "targets")
SEGMENTS = ("Multinational", "Large national", "Small national", "Household")
CHANNELS = ("Telephone", "Fax", "Web", "E-mail", "Mail", "In person", "Partner")
KINDS = ("sales", "service", "marketing")
PAYMENT_METHODS = ("Card", "Direct debit", "Invoice", "Bank transfer", "PayPal")
LOSS_REASONS = ("Price", "Service quality", "Competitor offer", "Moved / closed", "Product fit",
                "No longer needed")
COMPLAINT_CATEGORIES = ("Billing", "Delivery", "Product quality", "Staff attitude", "Website")
ROLES = ("Account manager", "Call centre agent", "Field sales", "Back office", "Marketing")
CUSTOMER_FACING_ROLES = ROLES[:3]
COURSES = ("CRM basics", "Complaint handling", "Customer data privacy", "Consultative selling")
KPIS = ("churn_rate", "new_customers", "revenue", "nps", "csat", "first_response_hours",
        "trained_share")

Progress = Callable[[float, str], None]

# Segment index: 0 Multinational, 1 Large national, 2 Small national, 3 Household.
SEGMENT_SHARE = np.array([0.02, 0.08, 0.30, 0.60])
ANNUAL_CHURN = np.array([0.17, 0.21, 0.24, 0.34])         # nominal: frailty selection leaves ~0.55-0.6x
BASE_FRAILTY_SHIFT = 0.7   # lower frailty z of the opening base (selected by the years before)
ORDERS_PER_YEAR = np.array([20.5, 15.0, 8.8, 6.0])
ORDER_MEDIAN = np.array([650.0, 320.0, 180.0, 115.0])     # median order amount
ORDER_SIGMA = np.array([0.6, 0.6, 0.6, 0.6])
SIZE_SIGMA = np.array([0.45, 0.4, 0.45, 0.35])             # per-customer spread of order size
INTERACTIONS_PER_YEAR = np.array([66.0, 37.0, 18.5, 10.6])
COMPLAINTS_PER_YEAR = 0.15
SURVEYS_PER_YEAR = 0.4
WIN_BACK_SHARE = 0.15     # of lost customers; those whose comeback falls after DEMO_END are not seen
KIND_MIX = np.array([[0.40, 0.35, 0.25], [0.38, 0.37, 0.25], [0.32, 0.38, 0.30], [0.22, 0.40, 0.38]])

#                         Tel   Fax   Web  E-mail Mail  Pers  Partner
ACQUISITION_MIX = np.array([[0.15, 0.03, 0.06, 0.10, 0.02, 0.36, 0.28],
                            [0.20, 0.05, 0.10, 0.10, 0.03, 0.30, 0.22],
                            [0.25, 0.08, 0.22, 0.12, 0.06, 0.15, 0.12],
                            [0.20, 0.03, 0.42, 0.12, 0.11, 0.09, 0.03]])
CHANNEL_TREND = np.array([-0.05, -0.45, 0.25, 0.10, -0.30, 0.0, 0.02])   # log change per year
CONTACT_MIX = np.array([[0.30, 0.03, 0.07, 0.15, 0.05, 0.25, 0.15],      # sales
                        [0.45, 0.05, 0.20, 0.20, 0.03, 0.05, 0.02],      # service
                        [0.10, 0.02, 0.25, 0.40, 0.20, 0.02, 0.01]])     # marketing
CONTACT_SEGMENT_TILT = np.array([[1.0, 0.8, 0.6, 1.0, 0.6, 2.0, 1.6],
                                 [1.0, 1.0, 0.8, 1.0, 0.8, 1.5, 1.3],
                                 [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
                                 [1.0, 0.6, 1.5, 1.1, 1.1, 0.4, 0.3]])
CONTACT_TREND = np.array([-0.04, -0.40, 0.20, 0.12, -0.25, -0.03, 0.0])
# Acquisition cost of one new customer = its channel's unit cost (winning a small national) x its
# segment's factor; tuned so each channel's LTV:CAC is ~4-5.5 and payback 9-20 months (story above).
ACQUISITION_UNIT_COST = np.array([880.0, 1050.0, 560.0, 810.0, 850.0, 1160.0, 1130.0])
ACQUISITION_SEGMENT_FACTOR = np.array([6.0, 2.5, 1.0, 0.4])
SERVICE_UNIT_COST = np.array([6.0, 4.0, 0.5, 2.0, 3.0, 40.0, 10.0])
LEAD_MISSES = np.array([0.5, 0.9, 1.0, 0.8, 1.3, 0.2, 0.3])   # unconverted leads per conversion (relative)
PAYMENT_MIX = np.array([[0.02, 0.08, 0.70, 0.20, 0.00],
                        [0.05, 0.12, 0.60, 0.23, 0.00],
                        [0.20, 0.25, 0.35, 0.15, 0.05],
                        [0.45, 0.20, 0.02, 0.05, 0.28]])
LOSS_REASON_MIX = np.array([[0.20, 0.22, 0.30, 0.10, 0.13, 0.05],
                            [0.24, 0.22, 0.27, 0.10, 0.12, 0.05],
                            [0.28, 0.20, 0.20, 0.14, 0.10, 0.08],
                            [0.30, 0.15, 0.12, 0.20, 0.08, 0.15]])
COMPLAINT_MIX = np.array([0.30, 0.25, 0.22, 0.10, 0.13])
RESPONSE_MEDIAN_HOURS = np.array([6.0, 30.0, 14.0, 18.0, 30.0, 8.0, 24.0])   # by channel
SURVEY_CHANNELS = (2, 3, 0, 4, 5)     # Web, E-mail, Telephone, Mail, In person
SURVEY_MIX = np.array([0.25, 0.35, 0.20, 0.15, 0.05])
SURVEY_TREND = np.array([0.25, 0.10, -0.10, -0.30, 0.0])
NPS_BASE = np.array([7.7, 7.5, 7.2, 7.0])

# Regions -> countries -> cities (weights are relative shares). Non-ASCII names on purpose.
GEOGRAPHY = {
    "Iberia": (0.30, 0.0, {
        "Spain": (0.68, "es", {"Madrid": 35, "Barcelona": 25, "Sevilla": 15, "Málaga": 10,
                               "A Coruña": 8, "Logroño": 7}),
        "Portugal": (0.32, "pt", {"Lisboa": 55, "Porto": 35, "Braga": 10})}),
    "DACH": (0.26, -0.03, {
        "Germany": (0.70, "de", {"Berlin": 22, "München": 22, "Köln": 20, "Hamburg": 18,
                                 "Düsseldorf": 18}),
        "Austria": (0.15, "de", {"Wien": 75, "Graz": 25}),
        "Switzerland": (0.15, "de", {"Zürich": 60, "Genève": 40})}),
    "Americas": (0.22, 0.15, {
        "Brazil": (0.40, "br", {"São Paulo": 55, "Rio de Janeiro": 25, "Brasília": 20}),
        "Mexico": (0.30, "mx", {"Ciudad de México": 55, "Guadalajara": 30, "Mérida": 15}),
        "United States": (0.30, "us", {"New York": 40, "Chicago": 30, "San José": 30})}),
    "Nordics": (0.12, 0.0, {
        "Sweden": (0.45, "se", {"Stockholm": 45, "Göteborg": 30, "Malmö": 25}),
        "Norway": (0.30, "no", {"Oslo": 65, "Bergen": 20, "Tromsø": 15}),
        "Denmark": (0.25, "dk", {"København": 60, "Århus": 40})}),
    "Asia-Pacific": (0.10, 0.20, {
        "Japan": (0.55, "jp", {"Tōkyō": 60, "Ōsaka": 30, "Kyōto": 10}),
        "Australia": (0.45, "au", {"Sydney": 55, "Melbourne": 45})}),
}

# Per language: first names, last names, company sectors, legal suffixes, sector before the name?
_ES_FIRST = "José María Javier Lucía Ángel Inés Sofía Jesús Martín Raúl Begoña Íñigo Carmen Andrés Álvaro Nuria"
_ES_LAST = ("Muñoz García Pérez Martínez López Sánchez Gómez Fernández Rodríguez Jiménez Núñez Ibáñez "
            "Díaz Gutiérrez Álvarez Ortega")
_ES_SECTORS = ("Construcciones|Logística|Distribuciones|Talleres|Alimentación|Tecnologías|Transportes|"
               "Farmacéutica|Ingeniería|Energías")
_PT_FIRST = ("João José Maria Conceição António Inês Gonçalo Luís Sebastião Beatriz Tomás Leonor Fábio "
             "Júlia André Margarida")
_PT_LAST = ("Conceição Gonçalves Magalhães Simões Araújo Brandão Silva Santos Ferreira Pereira Lopes "
            "Estêvão Assunção Gusmão Falcão Guimarães")
_PT_SECTORS = ("Construções|Logística|Distribuição|Tecnologia|Alimentação|Transportes|Engenharia|"
               "Comércio|Indústrias|Serviços")
LANGUAGES = {
    "es": (_ES_FIRST, _ES_LAST, _ES_SECTORS, "S.L.|S.A.", True),
    "mx": (_ES_FIRST, _ES_LAST, _ES_SECTORS, "S.A. de C.V.|S. de R.L.", True),
    "pt": (_PT_FIRST, _PT_LAST, _PT_SECTORS, "Lda.|S.A.", True),
    "br": (_PT_FIRST, _PT_LAST, _PT_SECTORS, "Ltda.|S.A.", True),
    "de": ("Jürgen Jörg Günther Bärbel Sören Käthe Björn Anna Lukas Lena Felix Uwe Ute Dörte Ralf Grete",
           "Groß Müller Schäfer Weiß Köhler Krüger Schröder Böhm Hoffmann Fuchs Wagner Becker Lehmann "
           "Jäger Strauß Schmidt",
           "Maschinenbau|Logistik|Elektrotechnik|Gerätebau|Bau|Lebensmittel|Medizintechnik|Software|"
           "Möbelwerk|Energietechnik", "GmbH|AG|GmbH & Co. KG", False),
    "se": ("Åsa Björn Göran Märta Örjan Lars Ingrid Åke Maja Elin Oskar Linnéa",
           "Öberg Åberg Ström Sjögren Lindqvist Söderström Nyström Ekström Johansson Håkansson "
           "Lindström Berg", "Bygg|Frakt|Maskin|Data|Livsmedel|Elektronik|Möbler|Energi", "AB", False),
    "no": ("Øyvind Bjørn Kåre Solveig Ingrid Håkon Tove Sigurd Ragnhild Jørgen Åse Eirik",
           "Sørensen Bråten Løvås Hægeland Dahl Haugen Østby Kjærnes Lie Strøm Næss Bakke",
           "Bygg|Fiskeri|Frakt|Maskin|Data|Energi|Sjømat|Møbler", "AS", False),
    "dk": ("Søren Mette Jørgen Kirsten Bo Rasmus Signe Frederik Birgitte Mads Lærke Anders",
           "Jørgensen Sørensen Kjær Møller Bøgh Nielsen Hansen Frølich Østergaard Lund Holm Skov",
           "Byg|Transport|Maskinfabrik|Data|Fødevarer|Energi|Møbler|Rådgivning", "A/S|ApS", False),
    "us": ("James Mary Robert Jennifer Michael Linda David Sarah Chloé Zoë Renée John Emily Daniel",
           "Smith Johnson Williams Brown Jones Miller Davis O'Brien García Nguyen Taylor Wilson",
           "Industries|Logistics|Foods|Software|Engineering|Holdings|Energy|Manufacturing|Systems",
           "Inc.|LLC|Corp.", False),
    "au": ("Jack Olivia William Charlotte Thomas Amelia Noah Isla Lachlan Chloé Zoë Matilda",
           "Smith Jones Williams Brown Wilson Taylor Nguyen Martin O'Connor Kelly Ryan Walker",
           "Industries|Logistics|Foods|Mining|Engineering|Holdings|Energy|Systems", "Pty Ltd", False),
    "jp": ("Yūki Kōji Shōta Yūko Hiroshi Ryō Akira Sakura Kenta Yōko Takumi Shōko",
           "Satō Itō Katō Saitō Kōno Ōno Suzuki Takahashi Tanaka Watanabe Yamamoto Kondō",
           "Shōji|Kōgyō|Seisakusho|Denki|Unyu|Shokuhin|Kensetsu|Sangyō", "K.K.|Co., Ltd.", False),
}

_EPOCH = dt.date(1970, 1, 1)
_W0 = (DEMO_START - _EPOCH).days          # first day of the window, days since epoch
_WE = (DEMO_END - _EPOCH).days            # last day of the window
_D = _WE - _W0 + 1                        # days in the window
_US_PER_DAY = 86_400_000_000


# --- small arrow helpers ------------------------------------------------------------------------

def _ids(prefix: str, start: int, n: int, width: int) -> pa.Array:
    """Zero-padded ids prefix + start..start+n-1, built straight into an arrow string buffer."""
    length = len(prefix) + width
    buf = np.empty((n, length), dtype=np.uint8)
    buf[:, :len(prefix)] = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    nums = np.arange(start, start + n, dtype=np.int64)
    for k in range(length - 1, len(prefix) - 1, -1):
        buf[:, k] = 48 + nums % 10
        nums //= 10
    offsets = np.arange(0, (n + 1) * length, length, dtype=np.int32)      # a block stays far below 2 GB
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(buf)])


def _take(values: pa.Array, codes: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return values.take(pa.array(codes.astype(np.int32, copy=False), mask=null))


def _dates(days: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(days.astype(np.int32, copy=False), mask=null).cast(pa.date32())


def _timestamps(us: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(us.astype(np.int64, copy=False), mask=null).cast(pa.timestamp("us"))


def _strings(values) -> pa.Array:
    return pa.array(list(values), type=pa.string())


def _choose(rng: np.random.Generator, cum: np.ndarray) -> np.ndarray:
    """One category per row from per-row cumulative probabilities (rows x categories)."""
    u = rng.random(cum.shape[0])[:, None] * cum[:, -1:]
    return np.minimum((u >= cum).sum(axis=1), cum.shape[1] - 1)


def _cum_table(weights) -> np.ndarray:
    """Rows of weights -> rows of cumulative probabilities ending exactly at 1."""
    w = np.asarray(weights, dtype=float)
    w = np.atleast_2d(w / w.sum(axis=-1, keepdims=True))
    cum = np.cumsum(w, axis=-1)
    cum[..., -1] = 1.0
    return cum


def _pick(rng: np.random.Generator, cum: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One category per event, from row `rows[i]` of a small cumulative table (memory O(events)).

    Rows are stacked with an offset of 2 each so a single searchsorted serves every row.
    """
    rows = np.asarray(rows, dtype=np.int64)
    k = cum.shape[1]
    flat = (cum + 2.0 * np.arange(cum.shape[0])[:, None]).ravel()
    pos = np.searchsorted(flat, rng.random(len(rows)) + 2.0 * rows, side="right")
    return np.minimum(pos - rows * k, k - 1)


def _ascii(text: str) -> str:
    text = text.translate(str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in text.replace(" ", "-") if ch.isalnum() or ch in ".-")


# --- static tables: calendar, geography, names --------------------------------------------------

class _Static:
    """Tables that depend only on the seed (calendar weights, geography, names)."""

    def __init__(self, seed: int):
        rng = np.random.default_rng([seed, 1_000_001])
        days = np.arange(_W0, _WE + 1).astype("datetime64[D]")
        months = days.astype("datetime64[M]")
        self.month_of_day = (months - months[0]).astype(np.int64)             # 0..59
        self.n_months = int(self.month_of_day[-1]) + 1
        month = months.astype(np.int64) % 12                                    # 0 = January
        year = months.astype(np.int64) // 12 + 1970
        dom = (days - months).astype(np.int64) + 1
        weekday = (days.astype(np.int64) + 3) % 7                               # 0 = Monday
        weekend = weekday >= 5
        late_dec = (month == 11) & (dom >= 20)
        t = np.arange(_D) / 365.25                                              # years since start
        self.t = t
        self.first_year = DEMO_START.year
        self.year_of_day = year - self.first_year
        self.n_years = DEMO_END.year - DEMO_START.year + 1
        self.year_of_month = (np.arange(self.n_months) + DEMO_START.month - 1) // 12
        self.month_starts = np.array([(np.datetime64(DEMO_START, "M") + m).astype("datetime64[D]")
                                      .astype(np.int64) for m in range(self.n_months)])

        # Acquisitions: growth, spring/autumn peaks, August and late-December dips, fewer at weekends.
        season = np.array([0.95, 1.05, 1.2, 1.25, 1.2, 1.0, 0.85, 0.55, 1.15, 1.25, 1.1, 0.9])[month]
        noise = np.exp(rng.normal(0, 0.07, self.n_months))[self.month_of_day]
        w_acq = np.exp(0.16 * t) * season * noise * np.where(weekend, 0.5, 1.0) * np.where(late_dec, 0.4, 1.0)
        pre_days = int(round(OPENING_BASE_YEARS * 365.25))
        w_pre = np.exp(0.08 * np.arange(pre_days) / 365.25)
        cdf = np.concatenate([0.35 * w_pre / w_pre.sum(), 0.65 * w_acq / w_acq.sum()]).cumsum()
        cdf /= cdf[-1]
        self.acq_cdf, self.acq_first_day = cdf, _W0 - pre_days

        # Orders: households peak in November/December; businesses order on weekdays, dip in August.
        hh = np.array([0.85, 0.85, 0.95, 1.0, 1.0, 0.95, 0.95, 0.85, 0.95, 1.0, 1.3, 1.7])[month]
        hh = hh * np.where(weekend, 1.15, 1.0) * np.where(late_dec & (dom >= 25), 0.5, 1.0)
        biz = np.array([0.95, 1.0, 1.1, 1.05, 1.05, 1.05, 0.9, 0.6, 1.1, 1.1, 1.05, 0.9])[month]
        biz = biz * np.where(weekend, 0.08, 1.0) * np.where(late_dec, 0.4, 1.0)
        self.order_cdf = _StackedCdf(np.stack([biz, biz, biz, hh]))
        ihh = np.where(month == 7, 0.8, 1.0) * np.where(weekend, 0.7, 1.0)
        ibiz = np.where(month == 7, 0.7, 1.0) * np.where(weekend, 0.12, 1.0) * np.where(late_dec, 0.5, 1.0)
        self.contact_cdf = _StackedCdf(np.stack([ibiz, ibiz, ibiz, ihh]))

        # Churn hazard: January renewals, a competitor-driven bump in mid-2024, a slight
        # improvement from the retention programme in 2026.
        years_abs = 1970 + days.astype(np.int64) / 365.2425
        self.bump = np.exp(-(((years_abs - 2024.55) / 0.3) ** 2))
        trend = (1 + 0.6 * self.bump) * (1 - 0.12 / (1 + np.exp(-(years_abs - 2026.0) / 0.15)))
        hazards = []
        for s in range(4):
            jan = np.where(month == 0, 1.6 if s < 3 else 1.25, 1.0)
            h = jan * trend
            h = h / h.mean() * -math.log(1 - ANNUAL_CHURN[s]) / 365.25
            hazards.append(np.concatenate([[0.0], np.cumsum(h)]))
        self.cum_hazard = np.stack(hazards)                                     # 4 x (D + 1)

        # Geography: one row per city.
        regions, countries, cities, langs, region_of, country_of, weight, trend_of = [], [], [], [], [], [], [], []
        for region, (r_share, r_trend, country_map) in GEOGRAPHY.items():
            regions.append(region)
            for country, (c_share, lang, city_map) in country_map.items():
                countries.append(country)
                langs.append(lang)
                total = sum(city_map.values())
                for city, w in city_map.items():
                    cities.append(city)
                    region_of.append(len(regions) - 1)
                    country_of.append(len(countries) - 1)
                    weight.append(r_share * c_share * w / total)
                    trend_of.append(r_trend)
        self.regions, self.countries, self.cities = _strings(regions), _strings(countries), _strings(cities)
        self.n_regions = len(regions)
        self.region_of_city, self.country_of_city = np.array(region_of), np.array(country_of)
        self.region_share = np.bincount(region_of, weights=weight)
        years_in = np.maximum(np.arange(WINDOW_YEARS + 1) - 1, 0)   # row 0: before the window, 1..5: years
        city_w = np.array(weight)[None, :] * np.exp(np.outer(years_in, trend_of))
        self.city_cum = _cum_table(city_w)

        # Names: per country, every first x last (persons) and sector x last x suffix (companies).
        names, locals_ = [], []
        self.person_off, self.n_first, self.n_last, self.company_off, self.n_company = [], [], [], [], []
        for lang in langs:
            first, last, sectors, suffixes, sector_first = LANGUAGES[lang]
            first, last = first.split(), last.split()
            self.person_off.append(len(names))
            self.n_first.append(len(first))
            self.n_last.append(len(last))
            for f in first:
                for la in last:
                    names.append(f"{f} {la}")
                    locals_.append(f"{_ascii(f)}.{_ascii(la)}")
        for lang in langs:
            first, last, sectors, suffixes, sector_first = LANGUAGES[lang]
            self.company_off.append(len(names))
            start = len(names)
            for sector in sectors.split("|"):
                for la in last.split():
                    for suffix in suffixes.split("|"):
                        names.append(f"{sector} {la} {suffix}" if sector_first else f"{la} {sector} {suffix}")
                        locals_.append(f"{_ascii(la)}-{_ascii(sector)}" if not sector_first
                                       else f"{_ascii(sector)}-{_ascii(la)}")
            self.n_company.append(len(names) - start)
        self.names, self.email_locals = _strings(names), _strings(locals_)
        for a in ("person_off", "n_first", "n_last", "company_off", "n_company"):
            setattr(self, a, np.array(getattr(self, a)))
        self.numbers = _strings(str(i) for i in range(1000))

        self.segments, self.channels, self.kinds = _strings(SEGMENTS), _strings(CHANNELS), _strings(KINDS)
        self.payments, self.reasons = _strings(PAYMENT_METHODS), _strings(LOSS_REASONS)
        self.categories = _strings(COMPLAINT_CATEGORIES)
        # Contact channel mix by (segment, kind, window year): cumulative probabilities.
        mix = (CONTACT_MIX[None, :, None, :] * CONTACT_SEGMENT_TILT[:, None, None, :]
               * np.exp(np.arange(WINDOW_YEARS + 1)[None, None, :, None] * CONTACT_TREND))
        self.contact_cum = _cum_table(mix.reshape(-1, len(CHANNELS)))
        self.payment_cum = _cum_table(PAYMENT_MIX)
        self.kind_cum = _cum_table(KIND_MIX)
        self.survey_cum = _cum_table(SURVEY_MIX * np.exp(np.outer(np.arange(WINDOW_YEARS + 1), SURVEY_TREND)))


class _StackedCdf:
    """Cumulative day weights per segment (mean weight 1 a day), for sampling days in spells."""

    def __init__(self, weights: np.ndarray):
        w = weights / weights.mean(axis=1, keepdims=True)
        self.cum = np.concatenate([np.zeros((w.shape[0], 1)), np.cumsum(w, axis=1)], axis=1)
        self.stride = self.cum.shape[1]
        self.gap = 2.0 * self.cum[:, -1].max() + 10.0
        self.flat = (self.cum + np.arange(w.shape[0])[:, None] * self.gap).ravel()

    def weight(self, seg: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
        """Total weight of window days first..last (inclusive; 0 where last < first)."""
        first_c = np.clip(first, 0, _D)
        last_c = np.clip(last + 1, 0, _D)
        return np.maximum(self.cum[seg, last_c] - self.cum[seg, first_c], 0.0)

    def sample(self, rng, seg, a1, b1, a2, b2) -> np.ndarray:
        """One day per row, weighted, inside spell a1..b1 or a2..b2 (window day indices)."""
        w1 = self.weight(seg, a1, b1)
        w2 = self.weight(seg, a2, b2)
        x = rng.random(len(seg)) * (w1 + w2)
        in_first = x < w1
        target = np.where(in_first, self.cum[seg, np.clip(a1, 0, _D)] + x,
                          self.cum[seg, np.clip(a2, 0, _D)] + x - w1)
        pos = np.searchsorted(self.flat, target + seg * self.gap, side="right") - 1
        day = pos - seg * self.stride
        return np.where(in_first, np.clip(day, a1, b1), np.clip(day, a2, b2))


# --- running aggregates -------------------------------------------------------------------------

class _Totals:
    def __init__(self, st: _Static):
        m, c, r, y = st.n_months, len(CHANNELS), st.n_regions, st.n_years
        self.active_diff = np.zeros(m + 2)
        self.lost = np.zeros(m)
        self.new = np.zeros(m)
        self.revenue = np.zeros(m)
        self.acq_cost_mcr = np.zeros(m * c * r)
        self.contacts_mcr = np.zeros(m * c * r)
        self.nps = np.zeros((y, 3))            # promoters, detractors, answers
        self.csat = np.zeros((y, 2))           # sum, answers
        self.response = np.zeros((y, 20_001))  # first-response hours in 0.1 h bins


# --- one block of customers ---------------------------------------------------------------------

def _block(st: _Static, tot: _Totals, rng: np.random.Generator, first: int, n: int, total: int,
           counters: dict) -> Iterator[tuple[str, pa.Table]]:
    """Yield one block's tables, each as soon as it is made (the big arrays are dropped after)."""
    idx = np.arange(n)
    # Acquisition dates: stratified quantiles of the global acquisition curve -> chronological ids.
    u = (first + idx + rng.random(n)) / total
    acq = st.acq_first_day + np.minimum(np.searchsorted(st.acq_cdf, u), len(st.acq_cdf) - 1)
    a = acq - _W0                                                               # window day index
    in_window = a >= 0
    t_acq = np.clip(a / 365.25, -WINDOW_YEARS, WINDOW_YEARS)
    seg = np.searchsorted(np.cumsum(SEGMENT_SHARE), rng.random(n) * SEGMENT_SHARE.sum(), side="right")
    seg = np.minimum(seg, 3)
    year_bucket = np.where(in_window, np.minimum(a // 365, WINDOW_YEARS - 1) + 1, 0)
    city = _pick(rng, st.city_cum, year_bucket)
    region, country = st.region_of_city[city], st.country_of_city[city]
    mix = ACQUISITION_MIX[seg] * np.exp(np.outer(t_acq, CHANNEL_TREND))
    channel = _choose(rng, np.cumsum(mix, axis=1))

    # Loss: cumulative hazard per segment, individual frailty z (also drives complaints and NPS).
    # The opening base are the survivors of the years before the window: less frail.
    z = rng.normal(0, 1, n) - np.where(in_window, 0.0, BASE_FRAILTY_SHIFT)
    frailty = np.exp(0.6 * z - 0.18)
    start_k = np.where(in_window, a + 1, 0)
    target = st.cum_hazard[seg, np.minimum(start_k, _D)] + rng.exponential(1.0, n) / frailty
    lost_k = np.empty(n, dtype=np.int64)
    for s in range(len(SEGMENTS)):   # a loop over the 4 segments, not over rows
        sel = seg == s
        lost_k[sel] = np.searchsorted(st.cum_hazard[s], target[sel], side="left") - 1
    is_lost = (lost_k < _D) & (start_k < _D)
    lost_d = np.where(is_lost, lost_k, _D + 10**6)                              # window day index
    bump_at_loss = st.bump[np.clip(lost_d, 0, _D - 1)]
    reason_w = LOSS_REASON_MIX[seg] * np.where(np.arange(6) == 2, 1 + 3 * bump_at_loss[:, None], 1.0)
    reason = _choose(rng, np.cumsum(reason_w, axis=1))
    wb_d = lost_d + rng.integers(60, 501, n)
    won_back = is_lost & (rng.random(n) < WIN_BACK_SHARE) & (wb_d < _D)
    wb_d = np.where(won_back, wb_d, _D + 10**6)

    # Spells inside the window (window day indices, inclusive); spell 2 = after the win-back.
    a1 = np.maximum(a, 0)
    b1 = np.minimum(lost_d - 1, _D - 1)
    a2 = np.where(won_back, wb_d, _D)
    b2 = np.where(won_back, _D - 1, _D - 2)

    # Parents: households point to a household head in the same city; small nationals to a
    # multinational or large national of the same region. Never self, always in this block.
    parent = np.full(n, -1)
    hh = seg == 3
    child = hh & (rng.random(n) < 0.10)
    heads = np.flatnonzero(hh & ~child)
    parent[child] = _pick_in_group(rng, heads, city[heads], city[child])
    sub = (seg == 2) & (rng.random(n) < 0.20)
    bigs = np.flatnonzero(seg <= 1)
    parent[sub] = _pick_in_group(rng, bigs, region[bigs], region[sub])

    # Names and e-mails (household members share the head's last name).
    last = (rng.random(n) * st.n_last[country]).astype(np.int64)
    has_parent = parent >= 0
    last = np.where(child & has_parent, last[np.maximum(parent, 0)], last)
    person = st.person_off[country] + (rng.random(n) * st.n_first[country]).astype(np.int64) * st.n_last[country] + last
    company = st.company_off[country] + (rng.random(n) * st.n_company[country]).astype(np.int64)
    name_i = np.where(hh, person, company)
    email = pc.binary_join_element_wise(
        _take(st.email_locals, name_i), _take(st.numbers, rng.integers(1, 1000, n)),
        pa.array(np.where(hh, "@example.org", "@example.com")), "")
    email = pc.if_else(pa.array(rng.random(n) < 0.03), pa.scalar(None, pa.string()), email)

    cid_width = max(7, len(str(total)))
    customer_id = _ids("C", first + 1, n, cid_width)
    lost_on = lost_d + _W0
    customers = pa.table({
        "customer_id": customer_id,
        "name": _take(st.names, name_i),
        "email": email,
        "segment": _take(st.segments, seg),
        "region": _take(st.regions, region),
        "country": _take(st.countries, country),
        "city": _take(st.cities, city),
        "channel": _take(st.channels, channel),
        "acquired_on": _dates(acq),
        "lost_on": _dates(lost_on, ~is_lost),
        "loss_reason": _take(st.reasons, reason, ~is_lost),
        "parent_customer_id": customer_id.take(pa.array(np.maximum(parent, 0), mask=~has_parent)),
        "consent": pa.array(rng.random(n) < 0.85),
    })
    yield "customers", customers
    del customers, email

    # Running aggregates: active spells at each month start, losses among them, new customers.
    mod, M = st.month_of_day, st.n_months
    C, R = len(CHANNELS), st.n_regions
    s_month = np.where(in_window, mod[np.clip(a, 0, _D - 1)] + 1, 0)          # first month active at start
    e_month = np.where(is_lost, mod[np.clip(lost_d, 0, _D - 1)] + 1, M + 1)
    tot.active_diff += np.bincount(s_month, minlength=M + 2)[:M + 2]
    tot.active_diff -= np.bincount(e_month[is_lost], minlength=M + 2)[:M + 2]
    counted = is_lost & (s_month <= e_month - 1)
    tot.lost += np.bincount(e_month[counted] - 1, minlength=M)[:M]
    # Spells after a win-back: active at start of the months after the win-back month.
    tot.active_diff += np.bincount(mod[np.clip(wb_d[won_back], 0, _D - 1)] + 1, minlength=M + 2)[:M + 2]
    new_m = mod[a[in_window]]
    tot.new += np.bincount(new_m, minlength=M)
    tot.acq_cost_mcr += np.bincount((new_m * C + channel[in_window]) * R + region[in_window], minlength=M * C * R,
                                    weights=ACQUISITION_UNIT_COST[channel[in_window]]
                                    * ACQUISITION_SEGMENT_FACTOR[seg[in_window]])

    # Leads: every customer won inside the window came from a lead; unconverted leads in
    # proportion to the channel's miss rate (conversion differs by channel).
    conv = np.flatnonzero(in_window)
    misses = LEAD_MISSES[channel[conv]]
    extra = rng.poisson(misses * (0.6 / max(misses.mean(), 1e-9)) if len(conv) else misses)
    src = np.concatenate([conv, np.repeat(conv, extra)])
    is_conv = np.arange(len(src)) < len(conv)
    contacted = np.where(is_conv, acq[src] - rng.integers(5, 121, len(src)),
                         np.clip(acq[src] + np.round(rng.normal(0, 60, len(src))), _W0, _WE)).astype(np.int64)
    order = np.argsort(contacted, kind="stable")
    src, is_conv, contacted = src[order], is_conv[order], contacted[order]
    leads = pa.table({
        "lead_id": _ids("L", counters["leads"] + 1, len(src), 9),
        "segment": _take(st.segments, seg[src]),
        "region": _take(st.regions, region[src]),
        "country": _take(st.countries, country[src]),
        "channel": _take(st.channels, channel[src]),
        "contacted_on": _dates(contacted),
        "converted_on": _dates(acq[src], ~is_conv),
        "customer_id": customer_id.take(pa.array(src, mask=~is_conv)),
    })
    counters["leads"] += len(src)
    yield "leads", leads
    del leads, src, is_conv, contacted, order

    # Orders: Poisson over the (seasonally weighted) active days, plus an order on the day a
    # customer is won and on the day a lost customer comes back.
    size = rng.normal(0, 1, n) * SIZE_SIGMA[seg]
    activity = np.exp(0.25 * size / SIZE_SIGMA[seg] + rng.normal(0, 0.35, n) - (0.25**2 + 0.35**2) / 2)
    exposure = st.order_cdf.weight(seg, a1, b1) + st.order_cdf.weight(seg, a2, b2)
    n_orders = rng.poisson(ORDERS_PER_YEAR[seg] * activity * exposure / 365.25)
    first_order = in_window & (rng.random(n) < 0.9)
    oc = np.repeat(idx, n_orders)
    od = st.order_cdf.sample(rng, seg[oc], a1[oc], b1[oc], a2[oc], b2[oc])
    oc = np.concatenate([oc, idx[first_order], idx[won_back]])
    od = np.concatenate([od, a[first_order], wb_d[won_back]])
    os_ = seg[oc]
    amount = np.round(np.exp(np.log(ORDER_MEDIAN[os_]) + size[oc] + ORDER_SIGMA[os_] * rng.normal(0, 1, len(oc))), 2)
    amount = np.maximum(amount, 1.0)
    multi = rng.random(n) < 0.38                                              # uses several channels
    yr = np.minimum(od // 365, WINDOW_YEARS - 1) + 1
    other = _pick(rng, st.contact_cum, (os_ * 3 + 0) * (WINDOW_YEARS + 1) + yr)
    o_channel = np.where(multi[oc] & (rng.random(len(oc)) < 0.45), other, channel[oc])
    preferred_pay = _pick(rng, st.payment_cum, seg)
    pay = np.where(rng.random(len(oc)) < 0.85, preferred_pay[oc], _pick(rng, st.payment_cum, os_))
    orders = pa.table({
        "order_id": _ids("O", counters["orders"] + 1, len(oc), 9),
        "customer_id": customer_id.take(pa.array(oc.astype(np.int32))),
        "ordered_on": _dates(od + _W0),
        "amount": pa.array(amount),
        "channel": _take(st.channels, o_channel),
        "payment_method": _take(st.payments, pay),
    })
    counters["orders"] += len(oc)
    tot.revenue += np.bincount(mod[od], weights=amount, minlength=M)
    yield "orders", orders
    del orders, oc, od, os_, amount, yr, other, o_channel, pay

    # Interactions while active, plus a few marketing (win-back) contacts after a loss.
    exposure = st.contact_cdf.weight(seg, a1, b1) + st.contact_cdf.weight(seg, a2, b2)
    n_int = rng.poisson(INTERACTIONS_PER_YEAR[seg] * np.sqrt(activity) * exposure / 365.25)
    ic = np.repeat(idx, n_int)
    iday = st.contact_cdf.sample(rng, seg[ic], a1[ic], b1[ic], a2[ic], b2[ic])
    kind = _pick(rng, st.kind_cum, seg[ic])
    after_end = np.minimum(np.minimum(lost_d + 365, wb_d - 1), _D - 1)
    n_post = np.where(is_lost & (after_end > lost_d), rng.poisson(1.2, n), 0)
    pc_ = np.repeat(idx, n_post)
    pday = lost_d[pc_] + 1 + (rng.random(len(pc_)) * (after_end[pc_] - lost_d[pc_])).astype(np.int64)
    ic = np.concatenate([ic, pc_])
    iday = np.concatenate([iday, pday])
    kind = np.concatenate([kind, np.full(len(pc_), 2)])
    iseg = seg[ic]
    yr = np.minimum(iday // 365, WINDOW_YEARS - 1) + 1
    i_channel = _pick(rng, st.contact_cum, (iseg * 3 + kind) * (WINDOW_YEARS + 1) + yr)
    own = (kind < 2) & (rng.random(len(ic)) < 0.3)
    i_channel = np.where(own, channel[ic], i_channel)
    interactions = pa.table({
        "interaction_id": _ids("I", counters["interactions"] + 1, len(ic), 10),
        "customer_id": customer_id.take(pa.array(ic.astype(np.int32))),
        "channel": _take(st.channels, i_channel),
        "interacted_on": _dates(iday + _W0),
        "kind": _take(st.kinds, kind),
    })
    counters["interactions"] += len(ic)
    tot.contacts_mcr += np.bincount((mod[iday] * C + i_channel) * R + region[ic], minlength=M * C * R)
    yield "interactions", interactions
    del interactions, ic, iday, kind, iseg, yr, i_channel, own, pc_, pday

    # Complaints: more from frail customers; "Service quality" losses complained shortly before.
    n_c = rng.poisson(COMPLAINTS_PER_YEAR * np.sqrt(frailty) * exposure / 365.25)
    cc = np.repeat(idx, n_c)
    cday = st.contact_cdf.sample(rng, seg[cc], a1[cc], b1[cc], a2[cc], b2[cc])
    pre = np.flatnonzero(is_lost & (reason == 1) & (rng.random(n) < 0.6))
    pre_day = lost_d[pre] - rng.integers(5, 91, len(pre))
    ok = pre_day >= a1[pre]
    cc = np.concatenate([cc, pre[ok]])
    cday = np.concatenate([cday, pre_day[ok]])
    m = len(cc)
    cyr = np.minimum(cday // 365, WINDOW_YEARS - 1) + 1
    c_channel = _pick(rng, st.contact_cum, (seg[cc] * 3 + 1) * (WINDOW_YEARS + 1) + cyr)
    received = (cday + _W0) * _US_PER_DAY + ((8 + 12 * rng.random(m)) * 3.6e9).astype(np.int64)
    hours = RESPONSE_MEDIAN_HOURS[c_channel] * np.exp(-0.12 * st.t[cday] + 0.8 * rng.normal(0, 1, m))
    responded = received + (hours * 3.6e9).astype(np.int64)
    resolved = responded + (np.exp(np.log(60.0) + 1.1 * rng.normal(0, 1, m)) * 3.6e9).astype(np.int64)
    as_of = (_WE + 1) * _US_PER_DAY
    age = _D - 1 - cday                                                          # days before DEMO_END
    unanswered = (responded >= as_of) | (rng.random(m) < 0.5 * np.exp(-age / 7.0))
    open_ = unanswered | (resolved >= as_of) | (rng.random(m) < 0.03)
    rewarded = rng.random(m) < np.where(open_, 0.02, 0.065)
    complaints = pa.table({
        "complaint_id": _ids("K", counters["complaints"] + 1, m, 8),
        "customer_id": customer_id.take(pa.array(cc.astype(np.int32))),
        "channel": _take(st.channels, c_channel),
        "category": _take(st.categories, _pick(rng, _cum_table(COMPLAINT_MIX), np.zeros(m))),
        "received_at": _timestamps(received),
        "first_response_at": _timestamps(responded, unanswered),
        "resolved_at": _timestamps(resolved, open_),
        "rewarded": pa.array(rewarded),
    })
    counters["complaints"] += m
    bins = np.minimum((hours[~unanswered] * 10).astype(np.int64), tot.response.shape[1] - 1)
    np.add.at(tot.response, (st.year_of_day[cday[~unanswered]], bins), 1)
    yield "complaints", complaints

    # Surveys: NPS higher with tenure, lower for frail customers and those about to leave.
    n_s = rng.poisson(SURVEYS_PER_YEAR * exposure / 365.25)
    sc = np.repeat(idx, n_s)
    sday = st.contact_cdf.sample(rng, seg[sc], a1[sc], b1[sc], a2[sc], b2[sc])
    k = len(sc)
    tenure = np.minimum((sday - a[sc]) / 365.25, 8)
    leaving = (lost_d[sc] >= sday) & (lost_d[sc] - sday <= 180)
    latent = (NPS_BASE[seg[sc]] + 0.22 * tenure - 0.9 * z[sc] + 0.08 * st.t[sday]
              - 2.5 * leaving + rng.normal(0, 1.5, k))
    nps = np.clip(np.round(latent), 0, 10).astype(np.int32)
    csat = np.clip(np.round(3.6 + 0.35 * (latent - 7.5) + rng.normal(0, 0.7, k)), 1, 5).astype(np.int32)
    r = rng.random(k)
    nps_null, csat_null = r < 0.04, (r >= 0.04) & (r < 0.08)
    syr = np.minimum(sday // 365, WINDOW_YEARS - 1) + 1
    s_channel = np.array(SURVEY_CHANNELS)[_pick(rng, st.survey_cum, syr)]
    surveys = pa.table({
        "survey_id": _ids("S", counters["surveys"] + 1, k, 8),
        "customer_id": customer_id.take(pa.array(sc.astype(np.int32))),
        "channel": _take(st.channels, s_channel),
        "answered_on": _dates(sday + _W0),
        "nps_score": pa.array(nps, mask=nps_null),
        "csat_score": pa.array(csat, mask=csat_null),
    })
    counters["surveys"] += k
    sy = st.year_of_day[sday]
    valid = ~nps_null
    tot.nps[:, 0] += np.bincount(sy[valid & (nps >= 9)], minlength=st.n_years)
    tot.nps[:, 1] += np.bincount(sy[valid & (nps <= 6)], minlength=st.n_years)
    tot.nps[:, 2] += np.bincount(sy[valid], minlength=st.n_years)
    tot.csat[:, 0] += np.bincount(sy[~csat_null], weights=csat[~csat_null], minlength=st.n_years)
    tot.csat[:, 1] += np.bincount(sy[~csat_null], minlength=st.n_years)
    yield "surveys", surveys


def _pick_in_group(rng, candidates: np.ndarray, cand_group: np.ndarray, want_group: np.ndarray) -> np.ndarray:
    """For each wanted group, a random candidate (row index) of that group, or -1 if none."""
    if len(want_group) == 0:
        return np.empty(0, dtype=np.int64)
    if len(candidates) == 0:
        return np.full(len(want_group), -1)
    order = np.argsort(cand_group, kind="stable")
    sorted_group, sorted_cand = cand_group[order], candidates[order]
    lo = np.searchsorted(sorted_group, want_group, side="left")
    hi = np.searchsorted(sorted_group, want_group, side="right")
    pick = lo + (rng.random(len(want_group)) * (hi - lo)).astype(np.int64)
    return np.where(hi > lo, sorted_cand[np.minimum(pick, len(sorted_cand) - 1)], -1)


# --- aggregated tables --------------------------------------------------------------------------

def _channel_costs(st: _Static, tot: _Totals, rng) -> pa.Table:
    M, C, R = st.n_months, len(CHANNELS), st.n_regions
    contacts = tot.contacts_mcr.reshape(M, C, R)
    acq = tot.acq_cost_mcr.reshape(M, C, R) * np.exp(rng.normal(0, 0.12, (M, C, R)))
    acq += 0.15 * acq.mean(axis=0, keepdims=True) + 50.0 * st.region_share[None, None, :] / st.region_share.max()
    svc = contacts * SERVICE_UNIT_COST[None, :, None] * np.exp(rng.normal(0, 0.05, (M, C, R)))
    svc += 0.05 * svc.mean(axis=0, keepdims=True)
    m, c, r = np.meshgrid(np.arange(M), np.arange(C), np.arange(R), indexing="ij")
    return pa.table({
        "month": _dates(st.month_starts[m.ravel()]),
        "channel": _take(st.channels, c.ravel()),
        "region": _take(st.regions, r.ravel()),
        "acquisition_cost": pa.array(np.round(np.maximum(acq, 0), 2).ravel()),
        "service_cost": pa.array(np.round(np.maximum(svc, 0), 2).ravel()),
    })


def _staff_and_training(st: _Static, customers: int, rng) -> tuple[pa.Table, pa.Table, np.ndarray]:
    n = int(np.clip(300 + customers // 500, 300, 500))
    region = _pick(rng, _cum_table(0.5 * st.region_share + 0.1), np.zeros(n))
    role = _pick(rng, _cum_table([0.25, 0.35, 0.15, 0.15, 0.10]), np.zeros(n))
    facing = role < 3
    first_hire = (dt.date(2012, 1, 1) - _EPOCH).days
    hired = first_hire + (rng.random(n) ** 0.7 * (_WE - 30 - first_hire)).astype(np.int64)
    left = hired + 60 + rng.exponential(365.25 / 0.12, n).astype(np.int64)
    stays = left > _WE
    left = np.where(stays, 0, left)
    staff = pa.table({
        "employee_id": _ids("E", 1, n, 4),
        "region": _take(st.regions, region),
        "role": _take(_strings(ROLES), role),
        "customer_facing": pa.array(facing),
        "hired_on": _dates(hired),
        "left_on": _dates(left, stays),
    })
    # Training by calendar year: the share of customer-facing staff trained rises.
    years = np.arange(st.n_years)
    y0 = np.array([max((dt.date(st.first_year + y, 1, 1) - _EPOCH).days, _W0) for y in years])
    y1 = np.array([min((dt.date(st.first_year + y, 12, 31) - _EPOCH).days, _WE) for y in years])
    p_year = np.linspace(0.30, 0.78, st.n_years)
    end = np.where(stays, _WE, left)
    emp, yy = np.meshgrid(np.arange(n), years, indexing="ij")
    emp, yy = emp.ravel(), yy.ravel()
    lo, hi = np.maximum(y0[yy], hired[emp]), np.minimum(y1[yy], end[emp])
    employed = hi >= lo
    p = np.where(facing[emp], p_year[yy], 0.22)
    trained = employed & (rng.random(len(emp)) < p)
    courses = 1 + (rng.random(len(emp)) < 0.3)
    te = np.repeat(np.flatnonzero(trained), courses[trained])
    course = np.where(facing[emp[te]], rng.integers(0, 4, len(te)), 2)
    course = np.where(rng.random(len(te)) < 0.5, course, rng.integers(0, 4, len(te)))
    day = lo[te] + (rng.random(len(te)) * (hi[te] - lo[te] + 1)).astype(np.int64)
    hours = np.array([4.0, 8.0, 2.0, 16.0])[course] * np.where(rng.random(len(te)) < 0.3, 0.5, 1.0)
    hours = np.clip(hours + rng.integers(0, 2, len(te)) * 2, 2, 16)
    order = np.argsort(day, kind="stable")
    training = pa.table({
        "employee_id": staff.column("employee_id").combine_chunks().take(pa.array(emp[te][order])),
        "course": _take(_strings(COURSES), course[order]),
        "trained_on": _dates(day[order]),
        "hours": pa.array(hours[order]),
    })
    facing_emp = employed & facing[emp]
    share = (np.bincount(yy[facing_emp & trained], minlength=st.n_years)
             / np.maximum(np.bincount(yy[facing_emp], minlength=st.n_years), 1))
    return staff, training, share


def _targets(st: _Static, tot: _Totals, trained_share: np.ndarray, rng) -> pa.Table:
    Y, M = st.n_years, st.n_months
    ym = st.year_of_month
    months_in_year = np.bincount(ym, minlength=Y)
    active = np.cumsum(tot.active_diff)[:M]
    with np.errstate(invalid="ignore", divide="ignore"):
        actual = {
            "churn_rate": np.bincount(ym, tot.lost, Y) / np.bincount(ym, active, Y),
            "new_customers": np.bincount(ym, tot.new, Y) / months_in_year,
            "revenue": np.bincount(ym, tot.revenue, Y) / months_in_year,
            "nps": 100 * (tot.nps[:, 0] - tot.nps[:, 1]) / tot.nps[:, 2],
            "csat": tot.csat[:, 0] / tot.csat[:, 1],
            "first_response_hours": _hist_median(tot.response) / 10,
            "trained_share": trained_share.astype(float),
        }
    fallback = {"churn_rate": 0.01, "new_customers": 100.0, "revenue": 100_000.0, "nps": 30.0,
                "csat": 3.8, "first_response_hours": 12.0, "trained_share": 0.5}
    lower_is_better = {"churn_rate", "first_response_hours"}
    # Statuses: (goal improvement, red-flag worsening) relative to the year's actual.
    plans = {"green": (-0.04, 0.12), "amber": (0.06, 0.12), "red": (0.12, -0.03)}
    latest = {"churn_rate": "amber", "new_customers": "green", "revenue": "amber", "nps": "red",
              "csat": "green", "first_response_hours": "amber", "trained_share": "red"}
    rows = {"kpi": [], "valid_from": [], "valid_to": [], "goal": [], "red_flag": []}
    for kpi in KPIS:
        values = np.where(np.isfinite(actual[kpi]), actual[kpi], fallback[kpi])
        for y in range(Y):
            status = latest[kpi] if y == Y - 1 else rng.choice(["green", "amber", "red"], p=[0.45, 0.35, 0.2])
            better, worse = plans[status]
            v = float(values[y])
            if kpi == "nps":        # NPS can be near zero or negative: move it in points
                goal, red = v + 30 * better, v - 30 * worse
            elif kpi in ("csat", "trained_share"):   # bounded scales: smaller steps, capped
                top = 5.0 if kpi == "csat" else 1.0
                goal, red = min(v * (1 + better / 2), top), v * (1 - worse / 2)
            elif kpi in lower_is_better:
                goal, red = v * (1 - better), v * (1 + worse)
            else:
                goal, red = v * (1 + better), v * (1 - worse)
            if kpi in ("churn_rate", "trained_share"):
                goal, red = round(goal, 4), round(red, 4)
            elif kpi == "csat":
                goal, red = round(goal, 2), round(red, 2)
            else:
                goal, red = round(goal, 1), round(red, 1)
            rows["kpi"].append(kpi)
            rows["valid_from"].append(max(dt.date(st.first_year + y, 1, 1), DEMO_START))
            rows["valid_to"].append(min(dt.date(st.first_year + y, 12, 31), DEMO_END))
            rows["goal"].append(goal)
            rows["red_flag"].append(red)
    return pa.table({
        "kpi": pa.array(rows["kpi"], pa.string()),
        "valid_from": pa.array(rows["valid_from"], pa.date32()),
        "valid_to": pa.array(rows["valid_to"], pa.date32()),
        "goal": pa.array(rows["goal"], pa.float64()),
        "red_flag": pa.array(rows["red_flag"], pa.float64()),
    })


def _hist_median(hist: np.ndarray) -> np.ndarray:
    cum = np.cumsum(hist, axis=1)
    total = cum[:, -1]
    med = np.array([np.searchsorted(cum[y], total[y] / 2) + 0.5 for y in range(len(hist))])
    return np.where(total > 0, med, np.nan)


# --- public API ---------------------------------------------------------------------------------

def generate(customers: int = 50_000, seed: int = 7, progress: Progress | None = None
             ) -> Iterator[tuple[str, pa.Table]]:
    """Yield (table_name, chunk) pairs; a table may come in several chunks (bounded memory).

    Same (customers, seed) -> identical chunks. Columns and arrow types follow schema.sql.
    """
    customers, seed = int(customers), int(seed)
    if customers < 1:
        raise ValueError("customers must be at least 1")
    if seed < 0:
        raise ValueError("seed must be zero or positive")
    progress = progress or (lambda fraction, message: None)
    st = _Static(seed)
    tot = _Totals(st)
    counters = {"leads": 0, "orders": 0, "interactions": 0, "complaints": 0, "surveys": 0}
    blocks = math.ceil(customers / BLOCK)
    progress(0.0, f"Generating {customers:,} demo customers")
    reported = 0.0
    for b in range(blocks):
        first = b * BLOCK
        n = min(BLOCK, customers - first)
        rng = np.random.default_rng([seed, b])
        for item in _block(st, tot, rng, first, n, customers, counters):
            yield item
        fraction = 0.95 * (first + n) / customers
        if fraction - reported >= 0.04 or b == blocks - 1:
            progress(fraction, f"Generated {first + n:,} of {customers:,} demo customers")
            reported = fraction
    rng = np.random.default_rng([seed, 2_000_003])
    yield "channel_costs", _channel_costs(st, tot, rng)
    staff, training, share = _staff_and_training(st, customers, rng)
    yield "staff", staff
    yield "training", training
    yield "targets", _targets(st, tot, share, rng)
    progress(1.0, "Demo data generated")


def build(data_dir, customers: int = 50_000, seed: int = 7, inactive_after_days: int | None = None,
          progress=None):
    """Generate the demo data into a new warehouse version and make it current."""
    from crm import warehouse
    report = progress or (lambda fraction, message: None)
    chunks = generate(customers=customers, seed=seed, progress=lambda f, m: report(0.6 * f, m))
    return warehouse.build(chunks, data_dir, source="demo", inactive_after_days=inactive_after_days,
                           progress=report)
