#!/usr/bin/env python3
"""Write module 04's bundled tiny datasets under data/ (original text composed here, fixed seed).

    python tools/make_module04_data.py            # writes data/<name>/*.jsonl
    python tools/make_module04_data.py --out DIR  # writes DIR/<name>/*.jsonl instead

financial_headlines  (04-6)  {"text", "label"}            labels negative / neutral / positive (Financial
                                                           PhraseBank's order), 300 train / 75 test
bills                (04-5)  {"title", "text", "summary"}  100 train / 25 test
spanish_legal        (04-7)  {"text", "area"}              50 sentences, 5 areas of law
es_de_pairs          (04-8)  {"es", "de"}                  200 train / 50 test, no sentence in both splits

Every company, agency and person is invented. numpy's legacy RandomState is used because its stream is frozen
across numpy versions, so two runs write byte-identical files.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SEED = 4040


class Draw:
    def __init__(self, seed: int):
        self.rng = np.random.RandomState(seed)

    def pick(self, seq):
        return seq[int(self.rng.randint(len(seq)))]

    def chance(self, p: float) -> bool:
        return bool(self.rng.random_sample() < p)

    def num(self, lo: float, hi: float, digits: int = 1) -> str:
        return f"{self.rng.uniform(lo, hi):.{digits}f}"

    def shuffle(self, seq) -> list:
        return [seq[int(i)] for i in self.rng.permutation(len(seq))]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def unique(make, n: int, key=lambda r: r) -> list:
    seen, rows = set(), []
    for _ in range(n * 50):
        row = make()
        if key(row) not in seen:
            seen.add(key(row))
            rows.append(row)
            if len(rows) == n:
                return rows
    raise RuntimeError(f"could only make {len(rows)} distinct rows of {n}")


# ------------------------------------------------------------------------------------ financial headlines
COMPANIES = ["Nordvik Paper", "Halstead Marine", "Corvina Foods", "Brightmoor Telecom", "Elmsford Steel",
             "Kestrel Logistics", "Marrow Bank", "Ostrava Pharma", "Pellucid Software", "Quarry Lane Cement",
             "Solvay Harbour Shipping", "Tamsin Retail", "Umber Energy", "Vantor Mining", "Wexcombe Insurance",
             "Yarrow Textiles", "Zelten Motors", "Ashgrove Media", "Birchfield Chemicals", "Caldera Airlines"]
METRICS = ["net sales", "operating profit", "quarterly revenue", "order intake", "net income", "pre-tax profit",
           "comparable sales", "operating margin", "earnings per share", "cash flow from operations"]
PERIODS = ["in the first quarter", "in the second quarter", "in the third quarter", "in the fourth quarter",
           "in the first half of the year", "for the full year", "in January-September", "year on year"]
UP = ["rose", "increased", "climbed", "grew", "jumped", "improved"]
DOWN = ["fell", "decreased", "dropped", "declined", "slumped", "weakened"]
UNITS = ["EUR {a} million", "USD {a} million", "{a} percent", "EUR {a} billion"]

POSITIVE = [
    "{c}'s {m} {up} to {v} {p}.",
    "{c} reported that {m} {up} by {v} {p}, beating analysts' forecasts.",
    "{c} wins a {n}-year supply contract worth {v} from a Scandinavian utility.",
    "{c} raises its outlook for the year after strong demand in Asia.",
    "Shares in {c} gained {pc} percent after the company announced a record order book.",
    "{c} narrowed its operating loss to {v} {p}.",
    "{c} cut its net loss by half {p} as cost savings took hold.",
    "{c} expects {m} to grow clearly in the coming year.",
    "{c} signs a partnership that will double its production capacity by {y}.",
    "Demand for {c}'s products remained strong, and {m} {up} {p}.",
    "{c} returned to profit {p} after two weak years.",
    "Analysts upgraded {c} to buy, citing a rapid recovery in {m}.",
]
NEGATIVE = [
    "{c}'s {m} {down} to {v} {p}.",
    "{c} reported that {m} {down} by {v} {p}, missing analysts' forecasts.",
    "{c} will cut {n}00 jobs as part of a restructuring programme.",
    "{c} lowers its outlook for the year after orders dried up.",
    "Shares in {c} lost {pc} percent after the company warned on profits.",
    "{c} swung to an operating loss of {v} {p}.",
    "{c}'s net loss widened to {v} {p}.",
    "{c} expects {m} to decline in the coming year.",
    "{c} halts production at its plant in {town} after a fire.",
    "Weak demand pushed {c}'s {m} lower {p}, and the company suspended its dividend.",
    "{c} faces a fine of {v} over late deliveries.",
    "Analysts downgraded {c} to sell, citing a sharp drop in {m}.",
]
NEUTRAL = [
    "{c} will publish its interim report {p2}.",
    "{c} has appointed a new chief financial officer, who starts in {month}.",
    "{c} operates {n} factories and employs about {n}00 people.",
    "The annual general meeting of {c} will be held in {town} in {month}.",
    "{c}'s {m} was {v} {p}, compared with {v2} a year earlier.",
    "{c} is headquartered in {town} and its shares are listed in Helsinki.",
    "{c} said it is reviewing its {m} reporting and will comment later.",
    "The board of {c} proposes that the dividend remain at the previous level.",
    "{c} completed the sale of its office building in {town} as planned.",
    "{c}'s {m} stayed unchanged at {v} {p}.",
    "{c} plans to merge two of its subsidiaries at the start of {y}.",
    "Trading in {c} shares was flat after the company confirmed its earlier guidance.",
]
TOWNS = ["Tampere", "Oulu", "Gdansk", "Tartu", "Aarhus", "Bergen", "Lyon", "Porto", "Graz", "Riga"]
MONTHS = ["March", "April", "June", "August", "October", "November"]


def _headline(d: Draw, template: str) -> str:
    unit = d.pick(UNITS)
    return template.format(c=d.pick(COMPANIES), m=d.pick(METRICS), p=d.pick(PERIODS), up=d.pick(UP),
                           down=d.pick(DOWN), v=unit.format(a=d.num(1, 900)), v2=unit.format(a=d.num(1, 900)),
                           n=d.pick(["2", "3", "4", "5", "6", "8", "12"]), pc=d.num(2, 18),
                           y=d.pick(["2026", "2027", "2028"]), town=d.pick(TOWNS), month=d.pick(MONTHS),
                           p2=d.pick(["on 24 April", "on 18 July", "on 23 October", "next week"]))


def _comparison(d: Draw) -> dict:
    """A figure against last year's: the label depends on the numbers, which a bag of words cannot compare."""
    before = float(d.num(20, 400))
    change = d.pick([-0.3, -0.15, -0.08, 0.0, 0.01, 0.08, 0.15, 0.3])
    now = before * (1 + change) if change else before + float(d.num(-0.4, 0.4))
    label = 2 if now > before * 1.05 else 0 if now < before * 0.95 else 1
    text = (f"{d.pick(COMPANIES)}'s {d.pick(METRICS[:6])} totalled EUR {now:.1f} million {d.pick(PERIODS[:6])}, "
            f"compared with EUR {before:.1f} million a year earlier.")
    return {"text": text, "label": label}


def financial_headlines(d: Draw) -> dict[str, list[dict]]:
    labelled = [(t, 2) for t in POSITIVE] + [(t, 0) for t in NEGATIVE] + [(t, 1) for t in NEUTRAL]
    # Financial PhraseBank leans neutral: keep that (about 45 / 30 / 25 neutral / positive / negative).
    weights = np.array([0.30 / len(POSITIVE)] * len(POSITIVE) + [0.25 / len(NEGATIVE)] * len(NEGATIVE)
                       + [0.45 / len(NEUTRAL)] * len(NEUTRAL))

    def make():
        if d.chance(0.18):
            return _comparison(d)
        template, label = labelled[int(d.rng.choice(len(labelled), p=weights / weights.sum()))]
        return {"text": _headline(d, template), "label": label}

    rows = unique(make, 375, key=lambda r: r["text"])
    return {"train": rows[:300], "test": rows[300:]}


# ------------------------------------------------------------------------------------ bills
AGENCIES = [("Secretary of Agriculture", "the Department of Agriculture"),
            ("Secretary of Transportation", "the Department of Transportation"),
            ("Secretary of Education", "the Department of Education"),
            ("Secretary of Energy", "the Department of Energy"),
            ("Secretary of Health and Human Services", "the Department of Health and Human Services"),
            ("Secretary of Labor", "the Department of Labor"),
            ("Administrator of the Environmental Protection Agency", "the Environmental Protection Agency"),
            ("Secretary of Veterans Affairs", "the Department of Veterans Affairs")]
PROGRAMS = [
    ("rural broadband", "grants to extend broadband service to rural communities that lack it"),
    ("school meals", "grants to schools that buy fresh produce from local farms for school meals"),
    ("bridge repair", "grants to States for the repair of structurally deficient bridges"),
    ("apprenticeship", "grants to employers that start registered apprenticeship programs"),
    ("home energy", "rebates to households that install heat pumps or insulation"),
    ("wildfire", "grants to counties for clearing brush and planning evacuation routes"),
    ("water quality", "loans to small towns for replacing lead service lines"),
    ("nurse training", "scholarships for nursing students who agree to work in underserved areas"),
    ("veteran housing", "grants to nonprofit organizations that house homeless veterans"),
    ("river cleanup", "grants to local governments for removing debris and pollution from rivers"),
    ("transit access", "grants to transit agencies for making stations accessible to people with disabilities"),
    ("soil health", "payments to farmers who adopt cover crops and reduced tillage"),
    ("mental health", "grants to community colleges for counseling services for students"),
    ("coastal flood", "grants to coastal communities for flood barriers and wetland restoration"),
    ("child care", "grants to States for raising the wages of child care workers"),
    ("battery recycling", "grants to companies that recycle batteries from electric vehicles"),
]
NAMES = ["Stronger Communities", "Fair Start", "Safe Roads", "Clean Future", "Healthy Families", "Open Doors",
         "Working Together", "Better Tomorrow", "Main Street", "Heartland", "New Horizons", "Local Roots"]
REQUIREMENTS = [
    ("priority to applicants in areas with high poverty rates", "gives priority to high-poverty areas"),
    ("a report to Congress every year on the results of the program", "requires an annual report to Congress"),
    ("a matching contribution of at least 20 percent from each recipient", "requires recipients to match 20 percent"),
    ("that no more than 5 percent of the funds be used for administration", "caps administrative costs at 5 percent"),
    ("an independent evaluation of the program after three years", "requires an independent evaluation"),
    ("that recipients publish how the money was spent on a public website", "requires public reporting of spending"),
]


def _bill(d: Draw) -> dict:
    officer, department = d.pick(AGENCIES)
    topic, action = d.pick(PROGRAMS)
    name = f"{d.pick(NAMES)} {topic.title()} Act"
    amount = d.pick(["10,000,000", "25,000,000", "50,000,000", "75,000,000", "100,000,000", "250,000,000"])
    years = d.pick(["2026 through 2028", "2026 through 2030", "2027 through 2031"])
    reqs = [REQUIREMENTS[i] for i in sorted(d.rng.choice(len(REQUIREMENTS), size=2, replace=False))]
    finding = d.pick([f"Many communities cannot pay for {topic} projects on their own.",
                      f"Federal support for {topic} has not kept pace with need.",
                      f"Investment in {topic} saves money over time."])
    text = (f"SECTION 1. SHORT TITLE. This Act may be cited as the \"{name}\". "
            f"SEC. 2. FINDINGS. Congress finds that {finding[0].lower() + finding[1:]} "
            f"SEC. 3. PROGRAM. (a) In general. The {officer} shall establish a program to award {action}. "
            f"(b) Requirements. In carrying out the program, the {officer} shall require {reqs[0][0]}, and "
            f"{reqs[1][0]}. SEC. 4. AUTHORIZATION OF APPROPRIATIONS. There is authorized to be appropriated "
            f"${amount} for each of fiscal years {years} to carry out this Act.")
    summary = (f"{name}. This bill directs {department} to award {action}. "
               f"The bill {reqs[0][1]} and {reqs[1][1]}.")
    return {"title": name, "text": text, "summary": summary}


def bills(d: Draw) -> dict[str, list[dict]]:
    rows = unique(lambda: _bill(d), 125, key=lambda r: r["text"])
    return {"train": rows[:100], "test": rows[100:]}


# ------------------------------------------------------------------------------------ Spanish legal
LEGAL = {
    "civil": ["El arrendatario deberá pagar la renta dentro de los cinco primeros días de cada mes.",
              "El contrato de compraventa se perfecciona cuando las partes acuerdan la cosa y el precio.",
              "Los herederos responden de las deudas del causante hasta el valor de la herencia.",
              "El propietario puede reclamar la posesión de la finca a quien la ocupe sin título.",
              "La donación de bienes inmuebles debe hacerse en escritura pública.",
              "El plazo para reclamar los daños causados prescribe al año desde que se conocieron.",
              "Los cónyuges pueden pactar el régimen económico del matrimonio antes o después de casarse.",
              "El testamento ológrafo debe estar escrito y firmado por el propio testador.",
              "El acreedor podrá exigir intereses desde que reclame judicialmente la deuda.",
              "La servidumbre de paso se constituye a favor de la finca que no tiene salida a la vía pública."],
    "penal": ["El que sustrajere bienes muebles ajenos con ánimo de lucro será castigado como reo de hurto.",
              "La pena de prisión podrá suspenderse cuando el condenado carezca de antecedentes penales.",
              "El juez acordará la libertad provisional si no existe riesgo de fuga.",
              "La agravante de reincidencia se aplica cuando el acusado ya fue condenado por un delito similar.",
              "El acusado tiene derecho a no declarar contra sí mismo y a no confesarse culpable.",
              "La acción penal por delitos leves prescribe al año de su comisión.",
              "El tribunal valorará las pruebas practicadas en el juicio oral según su conciencia.",
              "Quien conduzca bajo la influencia de bebidas alcohólicas será castigado con multa.",
              "La víctima podrá personarse como acusación particular en cualquier momento del proceso.",
              "La orden de alejamiento prohíbe al condenado acercarse a la víctima y a su domicilio."],
    "laboral": ["El trabajador tendrá derecho a treinta días naturales de vacaciones retribuidas al año.",
                "El despido deberá comunicarse por escrito, indicando los hechos que lo motivan.",
                "La jornada máxima de trabajo será de cuarenta horas semanales de promedio.",
                "El periodo de prueba no podrá exceder de seis meses para los técnicos titulados.",
                "La empresa deberá registrar diariamente la hora de entrada y salida de cada trabajador.",
                "El salario se abonará puntualmente en la fecha y el lugar convenidos.",
                "Los representantes de los trabajadores serán informados de los despidos colectivos.",
                "La trabajadora tiene derecho a la suspensión del contrato por nacimiento de un hijo.",
                "Las horas extraordinarias se compensarán con descanso o se pagarán en la cuantía pactada.",
                "El convenio colectivo obliga a todos los empresarios y trabajadores de su ámbito."],
    "administrativo": ["El ciudadano podrá interponer recurso de alzada en el plazo de un mes.",
                       "La administración está obligada a dictar resolución expresa en todos los procedimientos.",
                       "El silencio administrativo tendrá efecto estimatorio salvo que una ley disponga lo contrario.",
                       "Los actos administrativos serán motivados cuando limiten derechos subjetivos.",
                       "La licencia de obras deberá solicitarse ante el ayuntamiento antes de iniciar los trabajos.",
                       "El interesado podrá consultar en cualquier momento el estado de tramitación del expediente.",
                       "La sanción de multa se graduará según la gravedad de la infracción cometida.",
                       "Las notificaciones se practicarán preferentemente por medios electrónicos.",
                       "El contrato público se adjudicará a la oferta con la mejor relación calidad-precio.",
                       "La expropiación forzosa requiere una causa de utilidad pública y el pago del justiprecio."],
    "mercantil": ["La sociedad anónima debe tener un capital social mínimo de sesenta mil euros.",
                  "Los administradores responderán frente a la sociedad por los daños causados con culpa.",
                  "La junta general aprobará las cuentas anuales dentro de los seis meses siguientes al cierre.",
                  "El deudor deberá solicitar la declaración de concurso cuando no pueda pagar sus deudas.",
                  "La letra de cambio debe contener la orden pura y simple de pagar una suma determinada.",
                  "Los socios de la sociedad limitada no responden personalmente de las deudas sociales.",
                  "El registro mercantil da publicidad a los actos de los empresarios inscritos.",
                  "La marca registrada confiere a su titular el derecho exclusivo a utilizarla.",
                  "El comerciante está obligado a llevar una contabilidad ordenada de su empresa.",
                  "La fusión de sociedades requiere el acuerdo de la junta general de cada una."],
}


def spanish_legal(d: Draw) -> dict[str, list[dict]]:
    rows = [{"text": text, "area": area} for area, texts in LEGAL.items() for text in texts]
    return {"train": d.shuffle(rows)}


# ------------------------------------------------------------------------------------ Spanish-German
# (Spanish, German, gender of the Spanish noun) -- German forms already declined for nominative use.
SUBJECTS = [("el niño", "das Kind", "m"), ("mi hermana", "meine Schwester", "f"), ("el médico", "der Arzt", "m"),
            ("la profesora", "die Lehrerin", "f"), ("nuestro vecino", "unser Nachbar", "m"),
            ("la abuela", "die Großmutter", "f"), ("mi padre", "mein Vater", "m"), ("la niña", "das Mädchen", "f"),
            ("el cocinero", "der Koch", "m"), ("su amiga", "seine Freundin", "f"),
            ("el estudiante", "der Student", "m"),
            ("la cantante", "die Sängerin", "f")]
ACTIONS = [("lee un libro", "liest", "ein Buch"), ("compra pan", "kauft", "Brot"),
           ("escribe una carta", "schreibt", "einen Brief"), ("bebe café", "trinkt", "Kaffee"),
           ("come una manzana", "isst", "einen Apfel"), ("busca las llaves", "sucht", "die Schlüssel"),
           ("abre la ventana", "öffnet", "das Fenster"), ("lava los platos", "spült", "das Geschirr"),
           ("toca el piano", "spielt", "Klavier"), ("mira una película", "sieht", "einen Film"),
           ("pinta la puerta", "streicht", "die Tür"), ("prepara la sopa", "kocht", "die Suppe")]
PLACES = [("en la cocina", "in der Küche"), ("en el jardín", "im Garten"), ("en la biblioteca", "in der Bibliothek"),
          ("en casa", "zu Hause"), ("en el tren", "im Zug"), ("en la oficina", "im Büro"),
          ("en el parque", "im Park"), ("en el hotel", "im Hotel")]
TIMES = [("hoy", "heute"), ("mañana", "morgen"), ("ahora", "jetzt"), ("por la tarde", "am Nachmittag"),
         ("cada día", "jeden Tag"), ("el domingo", "am Sonntag")]
ADJECTIVES = [("cansado", "cansada", "müde"), ("contento", "contenta", "glücklich"), ("enfermo", "enferma", "krank"),
              ("ocupado", "ocupada", "beschäftigt"), ("nervioso", "nerviosa", "nervös"),
              ("listo", "lista", "bereit")]


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def _pair(d: Draw) -> dict:
    s_es, s_de, gender = d.pick(SUBJECTS)
    kind = d.pick(["action", "action", "action_time", "state", "where", "likes"])
    if kind in ("action", "action_time"):
        act_es, verb_de, obj_de = d.pick(ACTIONS)
        place_es, place_de = d.pick(PLACES)
        if kind == "action":
            return {"es": _cap(f"{s_es} {act_es} {place_es}."), "de": _cap(f"{s_de} {verb_de} {obj_de} {place_de}.")}
        t_es, t_de = d.pick(TIMES)
        return {"es": _cap(f"{t_es} {s_es} {act_es} {place_es}."),
                "de": _cap(f"{t_de} {verb_de} {s_de} {obj_de} {place_de}.")}
    if kind == "state":
        masc, fem, de = d.pick(ADJECTIVES)
        t_es, t_de = d.pick(TIMES[:4])
        return {"es": _cap(f"{s_es} está {masc if gender == 'm' else fem} {t_es}."),
                "de": _cap(f"{s_de} ist {t_de} {de}.")}
    if kind == "where":
        return {"es": f"¿Dónde está {s_es}?", "de": f"Wo ist {s_de}?"}
    return _likes(d, s_es, s_de)


def _likes(d: Draw, s_es: str, s_de: str) -> dict:
    food = d.pick([("el chocolate", "Schokolade"), ("la música", "Musik"), ("el fútbol", "Fußball"),
                   ("el té", "Tee"), ("la lluvia", "Regen"), ("el invierno", "den Winter")])
    return {"es": f"A {s_es} le gusta {food[0]}.".replace("A el ", "Al "),
            "de": _cap(f"{s_de} mag {food[1]}.")}


def es_de_pairs(d: Draw) -> dict[str, list[dict]]:
    rows = unique(lambda: _pair(d), 250, key=lambda r: r["es"])
    return {"train": rows[:200], "test": rows[200:]}


# ------------------------------------------------------------------------------------ main
BUILDERS = {"financial_headlines": financial_headlines, "bills": bills, "spanish_legal": spanish_legal,
            "es_de_pairs": es_de_pairs}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    args = parser.parse_args(argv)
    for offset, (name, build) in enumerate(BUILDERS.items()):
        for split, rows in build(Draw(SEED + offset)).items():
            write_jsonl(args.out / name / f"{split}.jsonl", rows)
            print(f"{name}/{split}.jsonl: {len(rows)} rows")


if __name__ == "__main__":
    main()
