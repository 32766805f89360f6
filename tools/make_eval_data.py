#!/usr/bin/env python3
"""Write the evaluation labs' bundled benchmark sets under data/ (original text composed here, fixed seed).

    python tools/make_eval_data.py            # writes data/<name>/*.jsonl
    python tools/make_eval_data.py --out DIR  # writes DIR/<name>/*.jsonl instead

emotions      (05-5)  {"text", "label"}                      6 classes in dair-ai/emotion's order
                                                              (sadness, joy, love, anger, fear, surprise),
                                                              120 train / 60 test
summaries     (05-6)  {"lang", "document", "summary"}        30 news-style documents with a reference summary:
                                                              20 English, 5 Spanish, 5 Turkish
generations   (05-7)  {"data", "references", "system_a",     30 restaurant records, two human references each,
                       "system_b"}                            and two systems' outputs to score
qa_contexts   (05-8)  {"id", "context", "question",           60 questions over 12 invented contexts; 10 have no
                       "answers"}                             answer in the context (answers = [])

Every person, place and company is invented. Python's ``random.Random`` with a fixed seed makes two runs write
byte-identical files.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 5050
EMOTIONS = ("sadness", "joy", "love", "anger", "fear", "surprise")


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


# ---------------------------------------------------------------------------------------------- emotions

SITUATIONS = [
    "after the meeting with my manager", "when I opened the letter from the bank", "on the train home tonight",
    "since my sister moved abroad", "while cleaning out the garage", "when the results came in",
    "at my cousin's wedding", "after the phone call this morning", "walking past my old school",
    "when the power went out", "reading the messages from last year", "as the plane started to shake",
    "when my neighbour knocked at midnight", "after the vet called", "when I saw the bill",
    "at the end of the match", "when my friend showed up unannounced", "during the job interview",
    "looking at the old photos", "when the package finally arrived", "after three weeks of rain",
    "when the teacher read my essay aloud", "as the storm got closer", "when my grandmother laughed",
]

CUES = {
    "sadness": ["I feel so empty", "I can't stop crying", "everything feels heavy and grey", "I feel lonely",
                "my heart aches", "I feel hopeless", "I miss how things used to be", "I feel gloomy and low",
                "nothing seems worth doing", "I feel completely defeated", "I am heartbroken",
                "I feel miserable"],
    "joy": ["I am so happy", "I feel wonderful", "I could not stop smiling", "I feel cheerful and light",
            "I am delighted", "what a great day it has been", "I feel glad and relaxed", "I am thrilled",
            "I feel on top of the world", "I am in such a good mood", "I feel content", "I am overjoyed"],
    "love": ["I adore them", "I feel so much tenderness", "I feel deeply devoted to my family",
             "my heart is full of affection", "I cherish every moment with her", "I feel loved and caring",
             "I feel close to him", "I feel such warmth towards them", "I am so fond of my friends",
             "I feel romantic", "I treasure our time together", "I feel a gentle longing for him"],
    "anger": ["I am furious", "I feel so irritated", "this makes me absolutely livid", "I am fed up",
              "I feel resentful", "I want to scream at someone", "I am outraged", "I feel annoyed and bitter",
              "I am so mad", "my blood is boiling", "I feel insulted", "I am sick of being ignored"],
    "fear": ["I feel terrified", "I am scared", "my hands are shaking with dread", "I feel anxious and tense",
             "I am afraid something bad will happen", "I feel nervous", "I am frightened", "I feel panicky",
             "I feel uneasy and threatened", "I am worried sick", "I feel paralysed by fear", "I feel jumpy"],
    "surprise": ["I am amazed", "I could not believe my eyes", "I am stunned", "what a shock", "I feel astonished",
                 "I did not see that coming", "I am speechless", "it caught me completely off guard",
                 "I feel dazed", "I am curious what happens next", "that was totally unexpected",
                 "I was taken aback"],
}

# Words one class borrows from another: real feelings are mixed, and a bag of words should not be perfect.
BORROWED = {
    "sadness": "I am not angry", "joy": "I was scared at first", "love": "I was upset yesterday",
    "anger": "I used to adore this place", "fear": "I was happy before", "surprise": "I was not afraid",
}


def _lower_first(text: str) -> str:
    return text if text.startswith(("I ", "I'")) else text[0].lower() + text[1:]


def emotion_rows(rng: random.Random, per_class: int) -> list[dict]:
    rows = []
    for label, name in enumerate(EMOTIONS):
        for _ in range(per_class):
            cue, situation = rng.choice(CUES[name]), rng.choice(SITUATIONS)
            form = rng.randrange(4)
            if form == 0:
                text = f"{cue} {situation}"
            elif form == 1:
                text = f"{situation}, {_lower_first(cue)}"
            elif form == 2:
                text = f"{BORROWED[name]}, but {_lower_first(cue)} {situation}"
            else:   # a weaker, earlier feeling of another class in the same sentence
                other = rng.choice([e for e in EMOTIONS if e != name])
                text = f"{cue} {situation}, although earlier {_lower_first(rng.choice(CUES[other]))}"
            rows.append({"text": text[0].upper() + text[1:] + ".", "label": label})
    return rows


# ---------------------------------------------------------------------------------------------- summaries

EN_TOWNS = ["Marrowby", "Elmstead", "Kestrel Bay", "Port Auden", "Hollin Cross", "Westerfold", "Brackwater",
            "Lindell", "Oakhurst Vale", "Sandmere"]
EN_TOPICS = [
    dict(lead="{town} opened a new public library on {day}, the first in the district for {n} years.",
         body=["The building holds about {k},000 books and a room for children's reading groups.",
               "Mayor {person} said the project cost {m} million pounds, most of it from a regional grant.",
               "Residents had campaigned for a library since the old one closed after a flood.",
               "Opening hours will be extended in the evenings from next month."],
         summary="A new library with {k},000 books opened in {town}, the district's first in {n} years."),
    dict(lead="Heavy rain flooded the main road into {town} on {day}, cutting off {k} homes for most of the day.",
         body=["Firefighters used boats to reach two elderly residents.",
               "The river rose by nearly {n} metres in six hours, according to the weather service.",
               "Council engineer {person} said the drains had not been cleared since spring.",
               "The road reopened in the evening, but a school stayed closed."],
         summary="Floods cut off {k} homes in {town} after the river rose almost {n} metres."),
    dict(lead="The {town} rowing club won the national junior championship on {day} by {n} seconds.",
         body=["It is the club's first national title since it was founded.",
               "Coach {person} praised the crew's training through a cold winter.",
               "About {k} hundred supporters watched from the river bank.",
               "The crew will now race in the European junior regatta in August."],
         summary="{town}'s rowing club won its first national junior title by {n} seconds."),
    dict(lead="A bakery in {town} has started delivering bread by electric bicycle, its owner said on {day}.",
         body=["Owner {person} bought {n} cargo bikes with help from a small business fund.",
               "The bakery expects to cut its fuel bill by {k} percent this year.",
               "Customers can order online until nine in the evening for delivery the next morning.",
               "Two new riders have been hired for the service."],
         summary="A {town} bakery now delivers bread by electric bike, hoping to cut fuel costs by {k} percent."),
    dict(lead="Scientists counted {k} nesting seabirds on the cliffs near {town} this summer, a record.",
         body=["The count was {n} times higher than ten years ago.",
               "Researcher {person} linked the rise to a ban on fishing close to the shore.",
               "Volunteers helped to survey the colony over three weekends.",
               "The results were published on {day}."],
         summary="A record {k} seabirds nested near {town}, a rise researchers link to a fishing ban."),
]
EN_PEOPLE = ["Ada Whitlow", "Tom Brennick", "Priya Castell", "Owen Marsh", "Lena Harcourt", "Sam Okafor",
             "Ruth Penhale", "Joel Ambrose"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

ES_DOCS = [
    ("El ayuntamiento de {town} inauguró el {day} un puente peatonal sobre el río, tras {n} años de obras.",
     ["La estructura mide {k}0 metros y costó casi dos millones de euros.",
      "La alcaldesa {person} agradeció la paciencia de los vecinos durante la construcción.",
      "El puente une el casco antiguo con la nueva estación de autobuses.",
      "Por la noche, una iluminación de bajo consumo acompañará a los peatones."],
     "{town} estrenó un puente peatonal de {k}0 metros después de {n} años de obras."),
    ("Una cooperativa de {town} recogió el {day} su mayor cosecha de aceitunas en {n} años.",
     ["Los socios calculan que producirán unos {k} mil litros de aceite.",
      "El presidente, {person}, atribuyó el resultado a las lluvias de la primavera.",
      "La cooperativa venderá parte de la producción en Alemania y Francia.",
      "Además, contratará a veinte temporeros más durante el otoño."],
     "La cooperativa de {town} logró su mejor cosecha de aceitunas en {n} años, con {k} mil litros de aceite."),
    ("La biblioteca de {town} prestó {k} mil libros el año pasado, según datos publicados el {day}.",
     ["La cifra supera en un {n}0 por ciento la del año anterior.",
      "La directora, {person}, destacó el éxito del club de lectura juvenil.",
      "Los libros más pedidos fueron novelas policíacas y cómics.",
      "El centro ampliará su horario durante los exámenes."],
     "La biblioteca de {town} prestó {k} mil libros, un {n}0 por ciento más que el año anterior."),
    ("Un incendio forestal quemó {k}0 hectáreas cerca de {town} el {day}.",
     ["Más de {n}0 bomberos trabajaron durante toda la noche.",
      "El jefe de emergencias, {person}, confirmó que no hubo heridos.",
      "Los vecinos de dos aldeas tuvieron que dejar sus casas durante unas horas.",
      "La causa del fuego todavía se está investigando."],
     "Un incendio quemó {k}0 hectáreas cerca de {town}; más de {n}0 bomberos lo apagaron sin heridos."),
    ("El equipo de baloncesto de {town} ganó la copa regional el {day} por {n} puntos.",
     ["Es el primer título del club en su historia.",
      "La entrenadora, {person}, dedicó la victoria a la afición.",
      "Unas {k} mil personas llenaron el pabellón municipal.",
      "El equipo jugará la fase nacional en junio."],
     "El equipo de {town} ganó por {n} puntos la copa regional, el primer título de su historia."),
]
ES_TOWNS = ["Villanueva del Cerro", "Santa Olalla", "Peñaranda", "Almazán", "Castrojeriz"]
ES_PEOPLE = ["Lucía Ortega", "Andrés Peñalosa", "Marta Ibáñez", "Jesús Montaño", "Begoña Quirós"]
ES_DAYS = ["lunes", "martes", "miércoles", "jueves", "viernes"]

TR_DOCS = [
    ("{town} belediyesi {day} günü yeni bir halk kütüphanesi açtı.",
     ["Kütüphanede yaklaşık {k} bin kitap bulunuyor.",
      "Belediye başkanı {person}, projenin {n} yıl sürdüğünü söyledi.",
      "Çocuklar için ayrı bir okuma salonu da hazırlandı.",
      "Kütüphane hafta sonları da açık olacak."],
     "{town} belediyesi {k} bin kitaplık yeni bir halk kütüphanesi açtı."),
    ("{town} yakınlarında {day} günü çıkan orman yangınında {k}0 hektar alan yandı.",
     ["Yangına {n}0 itfaiyeci müdahale etti.",
      "Vali {person}, yaralanan kimse olmadığını açıkladı.",
      "İki köyün sakinleri birkaç saatliğine tahliye edildi.",
      "Yangının nedeni araştırılıyor."],
     "{town} yakınlarındaki yangında {k}0 hektar alan yandı, yaralanan olmadı."),
    ("{town} kooperatifi bu yıl {n} yılın en büyük fındık hasadını topladı.",
     ["Üreticiler yaklaşık {k} bin ton ürün bekliyor.",
      "Kooperatif başkanı {person}, bahar yağmurlarının verimi artırdığını belirtti.",
      "Ürünün bir bölümü Almanya'ya satılacak.",
      "Hasat {day} günü sona erdi."],
     "{town} kooperatifi {n} yılın en büyük fındık hasadını topladı."),
    ("{town} basketbol takımı {day} günü bölge kupasını {n} sayı farkla kazandı.",
     ["Bu, kulübün tarihindeki ilk kupa.",
      "Antrenör {person}, galibiyeti taraftarlara adadı.",
      "Salonu yaklaşık {k} bin kişi doldurdu.",
      "Takım haziranda ulusal finallerde oynayacak."],
     "{town} basketbol takımı bölge kupasını {n} sayı farkla kazanarak ilk kupasını aldı."),
    ("{town} limanında {day} günü yeni bir yolcu iskelesi hizmete girdi.",
     ["İskelenin inşaatı {n} yıl sürdü.",
      "Liman müdürü {person}, günde {k} bin yolcuya hizmet verileceğini söyledi.",
      "Yeni iskele sayesinde feribot seferleri artacak.",
      "Açılışa çok sayıda vatandaş katıldı."],
     "{town} limanında günde {k} bin yolcuya hizmet verecek yeni iskele açıldı."),
]
TR_TOWNS = ["Yeşilırmak", "Çamlıdere", "Gökçeada", "Işıklı", "Karaağaç"]
TR_PEOPLE = ["Ayşe Yıldırım", "Mehmet Öztürk", "Zeynep Çelik", "İbrahim Şahin", "Gülşen Aksoy"]
TR_DAYS = ["pazartesi", "salı", "çarşamba", "perşembe", "cuma"]


def summary_rows(rng: random.Random) -> list[dict]:
    rows = []
    for i in range(20):
        topic = EN_TOPICS[i % len(EN_TOPICS)]
        slots = dict(town=EN_TOWNS[i % len(EN_TOWNS)], day=rng.choice(DAYS), person=rng.choice(EN_PEOPLE),
                     n=rng.randint(2, 9), k=rng.randint(3, 9), m=rng.randint(2, 6))
        body = topic["body"][:]
        rng.shuffle(body)
        sentences = [topic["lead"]] + body[:rng.randint(3, 4)]
        rows.append({"lang": "en", "document": " ".join(s.format(**slots) for s in sentences),
                     "summary": topic["summary"].format(**slots)})
    for lang, docs, towns, people, days in (("es", ES_DOCS, ES_TOWNS, ES_PEOPLE, ES_DAYS),
                                            ("tr", TR_DOCS, TR_TOWNS, TR_PEOPLE, TR_DAYS)):
        for i, (lead, body, summary) in enumerate(docs):
            slots = dict(town=towns[i], day=rng.choice(days), person=people[i], n=rng.randint(2, 9),
                         k=rng.randint(3, 9))
            body = body[:]
            rng.shuffle(body)
            rows.append({"lang": lang, "document": " ".join(s.format(**slots) for s in [lead] + body),
                         "summary": summary.format(**slots)})
    return rows


# ---------------------------------------------------------------------------------------------- generations

NAMES = ["The Copper Kettle", "Blue Heron", "Saffron House", "The Old Mill", "Luna Verde", "Harbour Lights",
         "The Green Fig", "Kaya's Table", "Juniper", "The Salt Cellar", "Red Lantern", "Olive & Thyme",
         "The Night Owl", "Brambles", "Casa Sol"]
FOODS = ["Italian", "Thai", "Indian", "French", "Japanese", "Mexican", "Turkish", "vegetarian"]
AREAS = ["the city centre", "the riverside", "the old town", "the harbour"]
PRICES = {"cheap": ("cheap", "inexpensive", "low-priced"), "moderate": ("moderately priced", "mid-range"),
          "expensive": ("expensive", "high-end", "pricey")}
RATINGS = {"5": ("excellent", "outstanding"), "3": ("average", "decent"), "1": ("poor", "disappointing")}


def _a(word: str) -> str:
    return ("an " if word[0].lower() in "aeiou" else "a ") + word


def generation_rows(rng: random.Random) -> list[dict]:
    rows = []
    for i in range(30):
        record = {"name": NAMES[i % len(NAMES)], "food": rng.choice(FOODS), "area": rng.choice(AREAS),
                  "price": rng.choice(sorted(PRICES)), "rating": rng.choice(sorted(RATINGS)),
                  "family_friendly": rng.choice(["yes", "no"])}
        price = PRICES[record["price"]]
        rating = RATINGS[record["rating"]]
        family = "welcomes families" if record["family_friendly"] == "yes" else "is not suited to children"
        refs = [
            f"{record['name']} is {_a(price[0])} {record['food']} restaurant in {record['area']} that {family}. "
            f"Customers rate it {rating[0]}.",
            f"In {record['area']} you will find {record['name']}, {_a(price[-1])} place serving {record['food']} "
            f"food with {rating[-1]} reviews; it {family}.",
        ]
        # system A: a fluent paraphrase close to the references; system B: terse, drops a field, wrong word order
        system_a = (f"{record['name']} is {_a(price[0])} restaurant serving {record['food']} food in {record['area']}. "
                    f"It {family} and has {rating[0]} ratings.")
        dropped = rng.choice(["area", "price", "rating"])
        parts = [f"{record['food']} place {record['name']}"]
        if dropped != "area":
            parts.append(f"near {record['area'].replace('the ', '')}")
        if dropped != "price":
            parts.append(f"{price[-1]}")
        if dropped != "rating":
            parts.append(f"rated {record['rating']} of 5")
        system_b = ", ".join(parts) + "."
        meaning = ", ".join(f"{key}[{value}]" for key, value in record.items())     # E2E-style record
        rows.append({"data": meaning, "references": refs, "system_a": system_a, "system_b": system_b})
    return rows


# ---------------------------------------------------------------------------------------------- QA

QA_PLACES = [
    dict(name="Tarrow Island", kind="island", founded="1842", founder="Captain Elsa Morrow", pop="3,400",
         export="seaweed fertiliser", landmark="the Windward Lighthouse", river=None, language="Tarrish"),
    dict(name="Velmora", kind="mountain town", founded="1611", founder="a guild of silver miners", pop="12,000",
         export="woollen blankets", landmark="the Clock of Nine Bells", river="the Serrin", language=None),
    dict(name="Quillon", kind="river port", founded="1733", founder="the merchant Ansel Quill", pop="48,000",
         export="timber", landmark="the Floating Market", river="the Aubel", language=None),
    dict(name="Norhaven", kind="fishing village", founded="1905", founder=None, pop="760",
         export="smoked herring", landmark="the Net Museum", river=None, language="Old Norhavian"),
    dict(name="Castel Brin", kind="hill fort", founded="1288", founder="Lord Aldric Brin", pop="2,100",
         export="cider", landmark="the Bell Gate", river="the Wend", language=None),
    dict(name="Sunmere", kind="lake resort", founded="1891", founder="the railway engineer Iris Vane",
         pop="9,800", export=None, landmark="the Glass Pier", river=None, language=None),
]
QA_PEOPLE = [
    dict(name="Oren Halvard", job="clockmaker", born="1764", town="Velmora", known="a clock that ran for 90 years "
         "without winding", teacher="his uncle Piet", prize=None, died="1831"),
    dict(name="Mira Castellane", job="botanist", born="1851", town="Quillon", known="classifying 300 species of "
         "river moss", teacher=None, prize="the Aubel Medal", died="1922"),
    dict(name="Tobiah Wrenn", job="cartographer", born="1702", town="Tarrow Island", known="the first complete map "
         "of the northern coast", teacher="the navigator Hale Brisk", prize=None, died=None),
    dict(name="Selin Arkan", job="engineer", born="1888", town="Sunmere", known="designing the Glass Pier",
         teacher=None, prize="the Vane Prize for design", died="1960"),
    dict(name="Jory Penrith", job="composer", born="1799", town="Castel Brin", known="the Bell Gate Suite",
         teacher="the organist Maud Leck", prize=None, died="1870"),
    dict(name="Ilse Dornak", job="chemist", born="1910", town="Norhaven", known="a cheap method for preserving "
         "fish with smoke", teacher=None, prize="the Coastal Science Award", died=None),
]


def qa_rows() -> list[dict]:
    rows = []

    def add(context, question, answers):
        rows.append({"id": f"q{len(rows):03d}", "context": context, "question": question, "answers": answers})

    for p in QA_PLACES:
        founded = (f"It was founded in {p['founded']} by {p['founder']}." if p["founder"]
                   else f"It was founded in {p['founded']}.")
        river = f" The town lies on {p['river']}." if p["river"] else ""
        export = f" Its main export is {p['export']}." if p["export"] else " Most of its income comes from visitors."
        lang = f" Some older residents still speak {p['language']}." if p["language"] else ""
        context = (f"{p['name']} is {_a(p['kind'])} with a population of about {p['pop']}. {founded}{river}{export}"
                   f" Its best-known landmark is {p['landmark']}.{lang}")
        add(context, f"When was {p['name']} founded?", [p["founded"]])
        add(context, f"What is the best-known landmark of {p['name']}?",
            [p["landmark"], p["landmark"].replace("the ", "", 1)])
        add(context, f"How many people live in {p['name']}?", [p["pop"], f"about {p['pop']}"])
        if p["founder"]:
            add(context, f"Who founded {p['name']}?", [p["founder"]])
        else:
            add(context, f"Who founded {p['name']}?", [])
        if p["river"]:
            add(context, f"On which river does {p['name']} lie?", [p["river"], p["river"].replace("the ", "", 1)])
        elif p["export"]:
            add(context, f"Which river flows through {p['name']}?", [])
        else:
            add(context, f"What is the main export of {p['name']}?", [])
    for q in QA_PEOPLE:
        teacher = f" {q['name'].split()[0]} learned the trade from {q['teacher']}." if q["teacher"] else ""
        prize = f" In later life {q['name'].split()[0]} received {q['prize']}." if q["prize"] else ""
        died = f" {q['name'].split()[0]} died in {q['died']}." if q["died"] else ""
        context = (f"{q['name']} was a {q['job']} born in {q['town']} in {q['born']}.{teacher} "
                   f"{q['name'].split()[0]} is remembered for {q['known']}.{prize}{died}")
        add(context, f"In which year was {q['name']} born?", [q["born"]])
        add(context, f"What is {q['name']} remembered for?", [q["known"]])
        add(context, f"Where was {q['name']} born?", [q["town"]])
        if q["teacher"]:
            add(context, f"From whom did {q['name']} learn the trade?", [q["teacher"]])
        else:
            add(context, f"Who taught {q['name']}?", [])
        if q["prize"]:
            add(context, f"Which award did {q['name']} receive?", [q["prize"]])
        elif q["died"]:
            add(context, f"Which award did {q['name']} win?", [])
        else:
            add(context, f"When did {q['name']} die?", [])
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    out = parser.parse_args(argv).out
    rng = random.Random(SEED)
    emotions = emotion_rows(rng, per_class=30)
    rng.shuffle(emotions)
    write_jsonl(out / "emotions" / "train.jsonl", emotions[:120])
    write_jsonl(out / "emotions" / "test.jsonl", emotions[120:])
    write_jsonl(out / "summaries" / "test.jsonl", summary_rows(rng))
    write_jsonl(out / "generations" / "test.jsonl", generation_rows(rng))
    write_jsonl(out / "qa_contexts" / "test.jsonl", qa_rows())


if __name__ == "__main__":
    main()
