"""Write the bundled English encyclopedic corpus and the passage-retrieval collection (original text).

    python tools/make_corpus.py            # writes data/english_corpus/ and data/passages/

Deterministic: a fixed seed and fixed phrase pools, so running it twice writes identical bytes. Places, people
and organisations are invented; the general statements are ordinary encyclopedic English. Each paragraph
belongs to one of 14 topics whose vocabulary is used consistently, so word embeddings trained on it (lab 01-6)
can find topical neighbours.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 1821

SYL = ("ar bel cor dan el fen gal har ist jor kel lun mar nor ost pel quin ras sel tor ul ven wil yar zan bra cal "
       "dre fal gor hel ivo kas lor mev nis ora pra rul sta tem var").split()


def name(rng: random.Random, parts=(2, 3)) -> str:
    return "".join(rng.choice(SYL) for _ in range(rng.choice(parts))).capitalize()


def person(rng):
    return f"{name(rng, (2,))} {name(rng, (2, 3))}"


# Each topic: title patterns, slot pools and sentence templates. {N} is the entity, {P} a person, {Y} a year,
# {Q} a number; other {slots} come from the topic's pools.
TOPICS = {
    "rivers": dict(
        titles=["{N} River", "River {N}"],
        pools=dict(source=["a spring in the hills", "a glacier lake", "marshland on the plateau", "two mountain streams",
                           "a chain of small lakes"],
                   mouth=["the sea", "a wide delta", "a shallow bay", "the estuary near the port", "a larger river"],
                   feature=["waterfalls", "gorges", "floodplains", "meanders", "oxbow lakes", "sandbanks", "rapids"],
                   use=["irrigation", "hydroelectric power", "river transport", "fishing", "drinking water"],
                   fish=["trout", "salmon", "carp", "pike", "eels", "perch"]),
        sentences=["The {N} River is {Q} kilometres long and rises in {source}.",
                   "From its source the river flows through a narrow valley before it reaches {mouth}.",
                   "Along its middle course the {N} forms {feature} and {feature}.",
                   "The river basin drains an area of about {Q}00 square kilometres.",
                   "Farmers in the valley use its water for {use}, and a dam built in {Y} supplies {use}.",
                   "Spring floods often cover the floodplain, leaving fertile silt on the fields.",
                   "Its clear tributaries are known for {fish} and {fish}.",
                   "Several bridges cross the river, and a ferry still runs near its mouth.",
                   "The water level falls sharply in late summer, when the tributaries run dry.",
                   "Boats once carried grain and timber downstream to the harbour.",
                   "The delta is a wetland where reeds and willows line the channels.",
                   "Geographers divide the {N} into an upper, a middle and a lower course."]),
    "birds": dict(
        titles=["{N} warbler", "Crested {N}", "{N} heron"],
        pools=dict(habitat=["reed beds", "coastal cliffs", "pine forests", "open meadows", "river banks", "marshes"],
                   food=["insects", "seeds", "small fish", "berries", "worms", "snails"],
                   colour=["brown", "grey", "olive", "black", "white", "chestnut"],
                   trait=["a long curved beak", "a forked tail", "bright eye rings", "a short crest", "barred wings"]),
        sentences=["The {N} is a small songbird that nests in {habitat}.",
                   "Adults have {colour} feathers on the back and {trait}.",
                   "It feeds mainly on {food}, and in winter it also eats {food}.",
                   "The female lays three to five speckled eggs in a nest of grass and feathers.",
                   "Both parents feed the chicks, which leave the nest after about {Q} days.",
                   "In autumn the birds migrate south in large flocks and return in spring.",
                   "Its song is a rapid series of whistles heard at dawn.",
                   "Ornithologists ring the birds to follow their migration routes.",
                   "The species is common in {habitat} but rare in towns.",
                   "Males sing from high perches to defend their territory during the breeding season.",
                   "Young birds have duller plumage than the adults until their first moult."]),
    "astronomy": dict(
        titles=["{N} (comet)", "{N} nebula", "Planet {N}"],
        pools=dict(body=["comet", "planet", "moon", "asteroid", "star"],
                   instrument=["telescope", "radio telescope", "space probe", "observatory camera"],
                   feature=["a bright tail", "icy rings", "a thin atmosphere", "dark craters", "a red surface"]),
        sentences=["{N} is a {body} first observed by the astronomer {P} in {Y}.",
                   "Through a {instrument} it shows {feature}.",
                   "Its orbit around the sun takes about {Q} years.",
                   "At its closest approach it passes within a few million kilometres of the earth.",
                   "Astronomers measured its brightness to estimate its size and distance.",
                   "The light from nearby stars is dimmed by the gas and dust that surround it.",
                   "A {instrument} launched in {Y} sent back the first detailed images.",
                   "Its gravity pulls gently on the orbits of smaller bodies nearby.",
                   "On clear nights it can be seen low in the eastern sky before dawn.",
                   "The spectrum of its light reveals hydrogen, carbon and traces of iron."]),
    "instruments": dict(
        titles=["{N} (instrument)", "The {N} fiddle", "{N} horn"],
        pools=dict(family=["string", "wind", "brass", "percussion", "keyboard"],
                   material=["spruce", "maple", "brass", "bamboo", "ebony", "goat skin"],
                   music=["folk dances", "church music", "orchestral works", "chamber music", "wedding songs"]),
        sentences=["The {N} is a {family} instrument made of {material} and {material}.",
                   "Players hold it against the shoulder and draw a bow across its strings.",
                   "Its warm tone suits {music} and {music}.",
                   "A skilled maker needs several weeks to carve and varnish one instrument.",
                   "The melody is played on the top string while the lower strings sound a drone.",
                   "The composer {P} wrote a concerto for the {N} in {Y}.",
                   "In an orchestra it sits between the violins and the cellos.",
                   "Tuning pegs at the head adjust the pitch of each string.",
                   "Students usually practise scales for months before they play in an ensemble.",
                   "Modern versions use steel strings, which are louder than the old gut strings."]),
    "cooking": dict(
        titles=["{N} bread", "{N} stew", "{N} pastry"],
        pools=dict(grain=["wheat flour", "rye flour", "barley", "oats", "cornmeal"],
                   spice=["cumin", "pepper", "cinnamon", "dill", "garlic", "nutmeg"],
                   method=["baked in a clay oven", "simmered for hours", "fried in butter", "steamed over water"]),
        sentences=["{N} is a traditional dish made from {grain}, salt and water.",
                   "The dough is kneaded, left to rise overnight and {method}.",
                   "Cooks season it with {spice} and {spice}.",
                   "It is served warm with soup, cheese or a bowl of stew.",
                   "Each family keeps its own recipe and passes it to the next generation.",
                   "Bakers in the old market sell several thousand loaves every morning.",
                   "The crust turns golden when the oven is hot enough.",
                   "A festival of bread is held every autumn after the harvest.",
                   "Leftover bread is soaked in milk and eggs and baked again as a pudding.",
                   "The recipe appears in a cookbook printed in {Y}."]),
    "railways": dict(
        titles=["{N} railway", "{N} line", "{N} station"],
        pools=dict(train=["steam locomotives", "electric trains", "diesel railcars", "freight trains", "night trains"],
                   structure=["viaducts", "tunnels", "level crossings", "signal boxes", "platforms"]),
        sentences=["The {N} railway opened in {Y} and runs for {Q} kilometres.",
                   "At first it was worked by {train}; today {train} run every hour.",
                   "Engineers built {structure} and {structure} to carry the track through the hills.",
                   "The main station has six platforms and a glass roof over the tracks.",
                   "Passengers change trains at the junction for the coast.",
                   "Freight wagons carry coal, timber and grain to the port.",
                   "The line was electrified after the signals were modernised.",
                   "A museum near the depot keeps an old locomotive in working order.",
                   "Timetables are arranged so that trains meet at the passing loops.",
                   "The chief engineer {P} surveyed the route on horseback."]),
    "chemistry": dict(
        titles=["{N}ium", "{N}ite (mineral)", "{N} acid"],
        pools=dict(state=["a soft grey metal", "a pale yellow solid", "a colourless gas", "a dense liquid"],
                   reacts=["oxygen", "water", "acids", "chlorine", "sulphur"]),
        sentences=["{N}ium is a chemical element that occurs as {state}.",
                   "Its atoms have {Q} protons in the nucleus.",
                   "It reacts slowly with {reacts} and quickly with {reacts}.",
                   "The element was isolated by the chemist {P} in {Y}.",
                   "Compounds of the element are used in batteries, glass and pigments.",
                   "In the laboratory it is stored under oil to keep it from the air.",
                   "Its melting point is higher than that of most metals in the same group.",
                   "The salts dissolve in water and give the solution a faint colour.",
                   "Small amounts are mined from ores and purified by electrolysis.",
                   "Chemists place it between two lighter elements in the periodic table."]),
    "football": dict(
        titles=["{N} FC", "{N} United", "{N} Athletic"],
        pools=dict(colours=["red and white", "blue", "green and black", "yellow", "claret"],
                   trophy=["the league title", "the national cup", "the regional shield"]),
        sentences=["{N} FC is a football club founded in {Y}.",
                   "The team plays in {colours} shirts at a stadium that holds {Q} thousand spectators.",
                   "The club won {trophy} twice and reached the final of {trophy} once.",
                   "Its greatest striker, {P}, scored more than a hundred goals for the club.",
                   "The coach prefers a defence of four players and a quick counterattack.",
                   "Supporters sing throughout the match and travel to every away game.",
                   "A youth academy trains young players from the age of eight.",
                   "The goalkeeper saved a penalty in the last minute of the derby.",
                   "After relegation the club returned to the top division within two seasons.",
                   "Matches against the neighbouring club are the highlight of the season."]),
    "medicine": dict(
        titles=["{N} fever", "{N} syndrome", "{N} hospital"],
        pools=dict(symptom=["fever", "headache", "a dry cough", "joint pain", "fatigue", "a rash"],
                   treatment=["rest and fluids", "antibiotics", "a vaccine", "physiotherapy", "a change of diet"]),
        sentences=["{N} fever is an infection that causes {symptom} and {symptom}.",
                   "Doctors diagnose it with a blood test and a physical examination.",
                   "Most patients recover with {treatment} within two weeks.",
                   "The disease was first described by the physician {P} in {Y}.",
                   "Nurses monitor the temperature and pulse of patients every few hours.",
                   "Washing hands and clean water reduce the spread of the infection.",
                   "Children and elderly patients are more likely to need a hospital bed.",
                   "A vaccine introduced in {Y} made the illness rare.",
                   "Researchers study the virus to understand how the immune system responds.",
                   "The hospital opened a new ward for infectious diseases."]),
    "painting": dict(
        titles=["{N} (painter)", "The {N} school", "{N} gallery"],
        pools=dict(subject=["landscapes", "portraits", "still lifes", "harbour scenes", "winter fields"],
                   medium=["oil on canvas", "watercolour", "tempera on wood", "charcoal"]),
        sentences=["{P} was a painter known for {subject} in {medium}.",
                   "His early canvases use dark colours, but later works are full of light.",
                   "The artist studied at the academy and travelled to paint {subject}.",
                   "Critics praised the brushwork and the bold use of colour.",
                   "Many of the paintings hang in the {N} gallery, which opened in {Y}.",
                   "The museum restored a large canvas that had darkened with varnish.",
                   "Students copied the pictures to learn the technique of layering paint.",
                   "A portrait of the artist's mother is the most famous work of the collection.",
                   "The painter mixed pigments by hand and stretched each canvas on a wooden frame.",
                   "Exhibitions of the school travelled to several cities."]),
    "weather": dict(
        titles=["Climate of {N}", "{N} wind", "Storm of {Y}"],
        pools=dict(wind=["a dry wind from the mountains", "a cold northern wind", "a warm sea breeze"],
                   season=["winter", "spring", "summer", "autumn"]),
        sentences=["The climate of {N} is mild, with cool summers and wet winters.",
                   "Most of the rain falls in {season}, when clouds arrive from the west.",
                   "In {season} {wind} can raise the temperature by ten degrees in an hour.",
                   "Forecasters use satellites and weather balloons to track storms.",
                   "Thunderstorms bring heavy rain, hail and strong gusts.",
                   "The average temperature in the coldest month is close to freezing.",
                   "Fog often covers the valley in the early morning.",
                   "A severe storm in {Y} flooded the low streets near the harbour.",
                   "The weather station on the hill has recorded rainfall since {Y}.",
                   "Snow rarely settles on the coast but lies for weeks in the mountains."]),
    "computing": dict(
        titles=["{N} (programming language)", "{N} computer", "{N} operating system"],
        pools=dict(kind=["programming language", "database", "operating system", "compiler"],
                   feature=["garbage collection", "static types", "a simple syntax", "fast compilation",
                            "a large standard library"]),
        sentences=["{N} is a {kind} designed by {P} in {Y}.",
                   "It offers {feature} and {feature}.",
                   "Programmers write source code that a compiler translates into machine code.",
                   "The first version ran on a computer with only a few kilobytes of memory.",
                   "Software written in it is used for databases, networks and games.",
                   "A community of developers maintains the libraries and fixes bugs.",
                   "Each new release improves the performance of the interpreter.",
                   "Students learn it because its programs are short and easy to read.",
                   "The processor executes millions of instructions every second.",
                   "Files are stored on disk and loaded into memory when a program starts."]),
    "ships": dict(
        titles=["{N} (ship)", "SS {N}", "{N} lighthouse"],
        pools=dict(ship=["sailing ship", "steamship", "fishing trawler", "cargo vessel", "ferry"],
                   cargo=["wool", "tea", "coal", "passengers", "timber"]),
        sentences=["The {N} was a {ship} launched in {Y} at the harbour shipyard.",
                   "She carried {cargo} and {cargo} across the sea.",
                   "Her crew of {Q} sailors worked the sails in all weather.",
                   "The captain, {P}, kept a detailed log of every voyage.",
                   "A lighthouse on the cape warned ships away from the rocks.",
                   "During a storm the ship lost her mast but reached port safely.",
                   "The hull was built of oak and later covered with copper sheets.",
                   "Tugs guided large vessels through the narrow harbour entrance.",
                   "The wreck lies in shallow water and is visited by divers.",
                   "Sailors loaded the cargo with cranes on the quay."]),
    "forests": dict(
        titles=["{N} forest", "{N} pine", "{N} oak"],
        pools=dict(tree=["oak", "beech", "pine", "birch", "spruce", "ash"],
                   animal=["deer", "foxes", "badgers", "wild boar", "squirrels", "owls"]),
        sentences=["The {N} forest covers the slopes above the valley.",
                   "It is dominated by {tree} and {tree}, with {tree} along the streams.",
                   "{animal} and {animal} live among the trees.",
                   "Foresters plant new seedlings where old trees are cut.",
                   "In autumn the leaves turn yellow and red before they fall.",
                   "Mushrooms grow in the damp soil under the canopy.",
                   "The oldest trees are more than {Q}0 years old.",
                   "A trail leads walkers through the forest to a lake.",
                   "Fires are rare because the ground stays moist for most of the year.",
                   "Timber from the forest was used to build houses and ships."]),
}


def fill(template: str, rng: random.Random, topic: dict, entity: str) -> str:
    out = template
    out = out.replace("{N}", entity)
    while "{P}" in out:
        out = out.replace("{P}", person(rng), 1)
    while "{Y}" in out:
        out = out.replace("{Y}", str(rng.randint(1700, 1990)), 1)
    while "{Q}" in out:
        out = out.replace("{Q}", str(rng.randint(3, 95)), 1)
    for slot, pool in topic["pools"].items():
        key = "{" + slot + "}"
        used = set()
        while key in out:
            choices = [x for x in pool if x not in used] or pool
            pick = rng.choice(choices)
            used.add(pick)
            out = out.replace(key, pick, 1)
    return out[0].upper() + out[1:]


def paragraph(rng: random.Random, topic_name: str) -> dict:
    topic = TOPICS[topic_name]
    entity = name(rng)
    title = rng.choice(topic["titles"]).replace("{N}", entity).replace("{Y}", str(rng.randint(1800, 1990)))
    first, rest = topic["sentences"][0], topic["sentences"][1:]
    chosen = [first] + rng.sample(rest, rng.randint(4, min(8, len(rest))))
    text = " ".join(fill(s, rng, topic, entity) for s in chosen)
    return {"title": title, "text": text}


def corpus(rng: random.Random, min_words: int) -> list[dict]:
    rows, words, names = [], 0, list(TOPICS)
    while words < min_words:
        row = paragraph(rng, names[len(rows) % len(names)])
        rows.append(row)
        words += len(row["text"].split())
    return rows


# ---------------------------------------------------------------------------------------------- passages

QUESTION_FORMS = {
    "rivers": ["Which river starts at {source_q} and ends in {mouth}?", "What waterway is {Q} km long?",
               "river that begins in {source_q}"],
    "birds": ["Which bird lives in {habitat} and eats {food}?", "a songbird with {trait} that nests in {habitat}"],
    "astronomy": ["Which {body} did {P} discover in {Y}?", "a {body} with {feature} seen through a {instrument}"],
    "instruments": ["Which {family} instrument is made from {material}?", "instrument used for {music} built of {material}"],
    "cooking": ["Which dish is {method}?", "a traditional food made with {grain} and flavoured with {spice}"],
    "railways": ["Which railway opened in {Y}?", "rail line first served by {train}"],
    "chemistry": ["Which element did {P} isolate in {Y}?", "element that is {state} and reacts with {reacts}"],
    "football": ["Which club was founded in {Y} and wears {colours}?", "football team whose top scorer was {P}"],
    "medicine": ["Which illness causes {symptom} and is treated with {treatment}?", "disease described by {P} in {Y}"],
    "painting": ["Who painted {subject} in {medium}?", "artist famous for {subject}"],
    "weather": ["Where does {wind} blow in {season}?", "place with a storm in {Y}"],
    "computing": ["Which {kind} did {P} create in {Y}?", "software with {feature}"],
    "ships": ["Which {ship} was launched in {Y}?", "vessel that carried {cargo}, captained by {P}"],
    "forests": ["Which forest has {tree} trees and {animal}?", "woodland where {animal} live among {tree} trees"],
}


def passage_and_query(rng: random.Random, topic_name: str, pid: int) -> tuple[dict, dict]:
    """A passage about an invented entity, and a question about its specific facts (answered by it)."""
    topic = TOPICS[topic_name]
    entity = name(rng, (3,))
    facts = {"P": person(rng), "Y": str(rng.randint(1700, 1990)), "Q": str(rng.randint(11, 950))}
    for slot, pool in topic["pools"].items():
        facts[slot] = rng.choice(pool)
    facts["source_q"] = facts.get("source", "").replace("a ", "", 1)

    def put(template):
        out = template.replace("{N}", entity)
        for key, value in facts.items():
            slot = "{" + key + "}"
            if slot in out:
                out = out.replace(slot, value, 1)
                others = [x for x in topic["pools"].get(key, []) if x != value]
                while slot in out:             # a second mention of the slot names something else
                    out = out.replace(slot, rng.choice(others), 1)
        return out

    template = rng.choice(QUESTION_FORMS[topic_name])
    asked = [key for key in facts if "{" + key + "}" in template]
    asked = ["source" if key == "source_q" else key for key in asked]
    sentences = topic["sentences"]
    needed = [s for s in sentences[1:] if any("{" + key + "}" in s for key in asked)]
    others = [s for s in sentences[1:] if s not in needed]
    chosen = [sentences[0]] + needed + rng.sample(others, max(0, 5 - len(needed)))
    text = " ".join(_cap(put(s)) for s in chosen)
    passage = {"id": pid, "title": put(rng.choice(topic["titles"])).replace("{Y}", facts["Y"]), "text": text}
    question = _cap(put(template))
    asked_values = [facts["source_q"] if key == "source" else facts[key] for key in asked]
    return passage, {"text": question, "topic": topic_name, "facts": asked_values}


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def passages(rng: random.Random, n: int, n_queries: int) -> tuple[list[dict], list[dict]]:
    names = list(TOPICS)
    rows, candidates = [], []
    for pid in range(n):
        passage, query = passage_and_query(rng, names[pid % len(names)], pid)
        rows.append(passage)
        candidates.append((pid, query))
    picked = rng.sample(candidates, n_queries)
    queries = []
    topic_of = {row["id"]: names[row["id"] % len(names)] for row in rows}
    for qid, (pid, query) in enumerate(sorted(picked)):
        # relevant: every passage of the topic that states all the facts the question names (always its own)
        relevant = [r["id"] for r in rows if topic_of[r["id"]] == query["topic"]
                    and all(fact.lower() in r["text"].lower() for fact in query["facts"])]
        assert pid in relevant, (pid, query)
        queries.append({"id": qid, "text": query["text"], "relevant": relevant})
    return rows, queries


def dump(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    rng = random.Random(SEED)
    train = corpus(rng, 31_000)
    validation = corpus(rng, 3_000)
    dump(ROOT / "data/english_corpus/train.jsonl", train)
    dump(ROOT / "data/english_corpus/validation.jsonl", validation)
    rows, queries = passages(rng, 500, 50)
    dump(ROOT / "data/passages/passages.jsonl", rows)
    dump(ROOT / "data/passages/queries.jsonl", queries)
    for name_, data in [("train", train), ("validation", validation)]:
        print(f"english_corpus/{name_}: {len(data)} paragraphs, {sum(len(r['text'].split()) for r in data):,} words")
    print(f"passages: {len(rows)} passages, {len(queries)} queries")


if __name__ == "__main__":
    main()
