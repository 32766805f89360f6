#!/usr/bin/env python3
"""Write the summarization use cases' tiny news sets (original text composed here, fixed seed).

    python tools/make_news_data.py              # writes data/news_highlights/*.jsonl and data/spanish_news/*.jsonl
    python tools/make_news_data.py --out DIR

news_highlights  (summarization-bart)               {"article", "highlights"}       100 train / 25 test
    English news stories (5-8 sentences) with two or three highlight lines joined by "\\n", as in CNN/DailyMail.
spanish_news     (summarization-mt5-xlsum-spanish)  {"title", "text", "summary"}     100 train / 25 test
    Spanish news stories with a one-sentence abstractive summary, as in XL-Sum.

Every town, person and organisation is invented. The highlights restate the lead's facts in other words, and each
story has filler sentences that a summary must leave out, so copying the first sentences is a baseline, not the
answer. numpy's legacy RandomState keeps the stream identical across numpy versions.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SEED = 2024
SIZES = {"train": 100, "test": 25}


class Draw:
    def __init__(self, seed: int):
        self.rng = np.random.RandomState(seed)

    def pick(self, seq):
        return seq[int(self.rng.randint(len(seq)))]

    def int(self, lo: int, hi: int) -> int:
        return int(self.rng.randint(lo, hi + 1))

    def sample(self, seq, k: int) -> list:
        return [seq[int(i)] for i in self.rng.choice(len(seq), size=k, replace=False)]


# ------------------------------------------------------------------------------------ English
TOWNS = ["Harwick", "Loxley Bay", "Dunmore", "Ashbury", "Kelvingate", "Marlow Cross", "Pennfield", "Stourhaven",
         "Briarton", "Caddon Mill", "Wethersby", "Redhollow"]
PEOPLE = ["Mayor Alice Venn", "Chief Inspector Tom Rudd", "Dr Priya Lorne", "Coach Martin Gale", "Professor Ines Holt",
          "Fire officer Sam Oduya", "Councillor Rhea Banks", "Director Paul Marsh"]
DAYS = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "at the weekend"]

EVENTS_EN = [
    dict(lead="A fire destroyed a {n}-year-old warehouse in {town} {day}, and {k} families living nearby were moved "
              "to a school hall for the night.",
         detail="Firefighters needed {h} hours to bring the flames under control.",
         quote="'{person}' said the cause was still unknown.",
         highlights=["Fire destroys old warehouse in {town}", "{k} families spend the night in a school hall",
                     "Cause of the blaze is still unknown"]),
    dict(lead="The new footbridge over the river in {town} opened {day} after {h} months of work costing "
              "{k} million pounds.",
         detail="About {n} hundred people crossed it in the first hour.",
         quote="'{person}' said the bridge would cut the walk to the station by half.",
         highlights=["New footbridge opens in {town}", "Work took {h} months and cost {k} million pounds",
                     "Walk to the station will be twice as fast"]),
    dict(lead="{town} Rovers beat their neighbours {k}-{m} {day} to reach the county cup final for the first time "
              "in {n} years.",
         detail="The winning goal came {h} minutes from the end.",
         quote="'{person}' said the players had earned a quiet week of rest.",
         highlights=["{town} Rovers win {k}-{m} and reach the cup final", "First final for the club in {n} years",
                     "Winning goal came late in the match"]),
    dict(lead="Scientists at the {town} institute have found a new species of beetle living only in the old "
              "lime caves, they announced {day}.",
         detail="The insect is {h} millimetres long and has no eyes.",
         quote="'{person}' said {k} more caves would now be surveyed.",
         highlights=["New blind beetle species found in {town} caves", "The insect is {h} millimetres long",
                     "{k} more caves will be surveyed"]),
    dict(lead="A storm brought down trees and cut power to {n} hundred homes in {town} {day}.",
         detail="Wind speeds reached {k}0 miles per hour on the coast.",
         quote="'{person}' said power should return within {h} days.",
         highlights=["Storm cuts power to {n} hundred homes in {town}", "Winds reached {k}0 mph on the coast",
                     "Power expected back within {h} days"]),
    dict(lead="The {town} library reopened {day} after a renovation that added a children's wing and "
              "{k} thousand new books.",
         detail="It had been closed for {h} months.",
         quote="'{person}' said visitor numbers were already double the usual.",
         highlights=["{town} library reopens with a children's wing", "{k} thousand new books on the shelves",
                     "Building was closed for {h} months"]),
    dict(lead="Lifeboat crews rescued {k} walkers cut off by the tide near {town} {day}.",
         detail="The group had ignored warning signs on the sand for {h} hours.",
         quote="'{person}' urged visitors to check the tide tables before setting out.",
         highlights=["{k} walkers rescued from the tide near {town}", "Group had ignored warning signs",
                     "Visitors urged to check tide tables"]),
    dict(lead="A bakery in {town} won the national bread prize {day} with a rye loaf made from a "
              "{n}-year-old recipe.",
         detail="The family business employs {k} people and bakes {h} hundred loaves a day.",
         quote="'{person}' said the prize would bring tourists to the high street.",
         highlights=["{town} bakery wins national bread prize", "Winning rye loaf uses a {n}-year-old recipe",
                     "Family firm employs {k} people"]),
]
FILLER_EN = [
    "Local shops stayed open as usual.", "The council will discuss the matter at its next meeting.",
    "Residents have been asked to share photographs with the town newspaper.",
    "It was the busiest day of the year at the railway station.", "A market was held in the square the same morning.",
    "The weather is expected to stay mild for the rest of the week.",
    "Tickets for the summer fair go on sale next month.", "Road works on the high street continue until spring.",
    "The town celebrated its founding day last month.", "A new bus timetable begins in the autumn.",
]


def english_story(d: Draw) -> dict:
    event = d.pick(EVENTS_EN)
    slots = dict(town=d.pick(TOWNS), day=d.pick(DAYS), person=d.pick(PEOPLE), n=d.int(2, 9), k=d.int(2, 9),
                 m=d.int(0, 1), h=d.int(2, 9))
    quote = event["quote"].format(**slots).replace("'", "")
    body = [event["lead"], event["detail"]]
    fillers = d.sample(FILLER_EN, d.int(2, 4))
    sentences = [s.format(**slots) for s in body] + fillers[:1] + [quote] + fillers[1:]
    highlights = [h.format(**slots) for h in event["highlights"][: d.int(2, 3)]]
    return {"article": " ".join(sentences), "highlights": "\n".join(highlights)}


# ------------------------------------------------------------------------------------ Spanish
PUEBLOS = ["Valdemora", "San Ciprián del Río", "Almenara Alta", "Puerto Lucena", "Torrecilla", "Villaserena",
           "Montejaral", "Cañaveral de Arriba", "Peñablanca", "Río Seco"]
PERSONAS = ["la alcaldesa Lucía Ferrán", "el concejal Andrés Moya", "la doctora Begoña Ríos", "el entrenador Íñigo Sanz",
            "la investigadora Marta Olmedo", "el bombero Raúl Esteve", "la directora Nuria Campos"]
DIAS = ["el lunes", "el martes", "el miércoles", "el jueves", "el viernes", "el fin de semana"]

EVENTOS_ES = [
    dict(title="Un incendio arrasa una nave en {p}",
         lead="Un incendio destruyó {d} una nave industrial de {p} y obligó a desalojar a {k} familias de los "
              "edificios cercanos.",
         detail="Los bomberos tardaron {h} horas en controlar las llamas.",
         quote="Según {persona}, todavía se desconoce el origen del fuego.",
         summary="Un incendio destruyó una nave en {p} y {k} familias tuvieron que abandonar sus casas."),
    dict(title="{p} inaugura su nuevo puente",
         lead="El nuevo puente sobre el río de {p} se abrió al tráfico {d} tras {h} meses de obras que costaron "
              "{k} millones de euros.",
         detail="Cerca de {n} cientos de vecinos lo cruzaron durante la primera hora.",
         quote="Para {persona}, el puente reducirá a la mitad el trayecto hasta la estación.",
         summary="{p} abrió un puente que costó {k} millones de euros y acortará el camino a la estación."),
    dict(title="El equipo de {p} llega a la final",
         lead="El club de fútbol de {p} ganó {k} a {m} a su vecino {d} y jugará la final de la copa regional por "
              "primera vez en {n} años.",
         detail="El gol de la victoria llegó a {h} minutos del final.",
         quote="{persona} afirmó que los jugadores se han ganado unos días de descanso.",
         summary="El club de {p} se clasificó para su primera final de copa en {n} años."),
    dict(title="Descubren una especie de escarabajo en {p}",
         lead="Un equipo de biólogos ha descubierto en las cuevas de {p} una nueva especie de escarabajo que no "
              "tiene ojos, según se anunció {d}.",
         detail="El insecto mide {h} milímetros de largo.",
         quote="{persona} explicó que ahora se estudiarán otras {k} cuevas de la comarca.",
         summary="Científicos hallaron en las cuevas de {p} un escarabajo ciego desconocido hasta ahora."),
    dict(title="Un temporal deja sin luz a {p}",
         lead="Un fuerte temporal derribó árboles y dejó sin electricidad a {n} cientos de hogares de {p} {d}.",
         detail="El viento alcanzó los {k}0 kilómetros por hora en la costa.",
         quote="Según {persona}, el suministro volverá en un plazo de {h} días.",
         summary="El temporal cortó la luz a {n} cientos de casas de {p}, que la recuperarán en {h} días."),
    dict(title="La biblioteca de {p} reabre sus puertas",
         lead="La biblioteca municipal de {p} reabrió {d} tras una reforma que añadió una sala infantil y "
              "{k} mil libros nuevos.",
         detail="El edificio llevaba {h} meses cerrado.",
         quote="{persona} aseguró que ya recibe el doble de visitantes que antes.",
         summary="La biblioteca de {p} volvió a abrir con una sala infantil y {k} mil libros más."),
    dict(title="Una panadería de {p}, premio nacional",
         lead="Una panadería familiar de {p} ganó {d} el premio nacional del pan con una hogaza de centeno hecha "
              "según una receta de hace {n} generaciones.",
         detail="El negocio da trabajo a {k} personas y hornea {h} cientos de panes al día.",
         quote="Para {persona}, el premio atraerá turistas al centro del pueblo.",
         summary="Una panadería de {p} obtuvo el premio nacional del pan con una receta antigua de centeno."),
]
RELLENO_ES = [
    "Los comercios del centro abrieron con normalidad.", "El pleno municipal tratará el asunto en su próxima sesión.",
    "La estación de autobuses registró la mayor afluencia del año.", "El mercado semanal se celebró en la plaza.",
    "Se espera que el tiempo siga siendo suave durante el resto de la semana.",
    "Las entradas para las fiestas de verano saldrán a la venta el mes que viene.",
    "Las obras de la calle mayor continuarán hasta la primavera.", "El pueblo celebró el mes pasado su día fundacional.",
    "Los vecinos pueden enviar fotografías al periódico local.", "En otoño entrará en vigor un nuevo horario de trenes.",
]


def spanish_story(d: Draw) -> dict:
    event = d.pick(EVENTOS_ES)
    slots = dict(p=d.pick(PUEBLOS), d=d.pick(DIAS), persona=d.pick(PERSONAS), n=d.int(2, 9), k=d.int(2, 9),
                 m=d.int(0, 1), h=d.int(2, 9))
    fillers = d.sample(RELLENO_ES, d.int(2, 4))
    quote = event["quote"].format(**slots)
    quote = quote[0].upper() + quote[1:]
    sentences = [event["lead"].format(**slots), event["detail"].format(**slots)] + fillers[:1] + [quote] + fillers[1:]
    return {"title": event["title"].format(**slots), "text": " ".join(sentences),
            "summary": event["summary"].format(**slots)}


def make(fn, seed: int, key: str) -> dict[str, list[dict]]:
    d, seen, rows = Draw(seed), set(), []
    total = sum(SIZES.values())
    for _ in range(total * 50):
        row = fn(d)
        if row[key] not in seen:
            seen.add(row[key])
            rows.append(row)
            if len(rows) == total:
                break
    else:
        raise RuntimeError(f"could only make {len(rows)} distinct stories of {total}")
    return {"train": rows[:SIZES["train"]], "test": rows[SIZES["train"]:]}


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    out = parser.parse_args().out
    for name, fn, seed, key in (("news_highlights", english_story, SEED, "article"),
                                ("spanish_news", spanish_story, SEED + 1, "text")):
        for split, rows in make(fn, seed, key).items():
            write_jsonl(out / name / f"{split}.jsonl", rows)
            print(f"wrote {out / name / f'{split}.jsonl'} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
