#!/usr/bin/env python3
"""Write the bundled NLI dataset (premise / hypothesis / label) under data/nli/ (original text, fixed seed).

    python tools/make_nli_data.py            # writes data/nli/{train,test}.jsonl
    python tools/make_nli_data.py --out DIR  # writes DIR/nli/*.jsonl instead

Why it exists: zero-shot classification with an NLI model asks, for each candidate label, whether the text
*entails* "This example is about {label}.". The tiny stand-in for ``facebook/bart-large-mnli`` is trained on
these pairs at build time (``labkit.zeroshot.train_nli``) so that the zero-shot pipeline ranks topics and
sentiment sensibly on simple texts. Labels follow MNLI's order in the real checkpoint's config:
0 contradiction, 1 neutral, 2 entailment.

Each premise is one sentence composed from a subject and an event written for one of nine topics, with a
positive or negative slant. Hypotheses name a topic or a sentiment through several templates (entailment when
it matches, contradiction when it names another topic or the opposite sentiment), or state an unrelated fact
the premise says nothing about (neutral). Training premises use six subjects per topic; test premises use the two subjects held out. numpy's legacy
RandomState keeps the stream identical across numpy versions, so two runs write byte-identical files.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SEED = 9090
LABELS = ("contradiction", "neutral", "entailment")

# topic -> (names a hypothesis may use, subjects, positive events, negative events)
TOPICS: dict[str, tuple[list[str], list[str], list[str], list[str]]] = {
    "sport": (["sport", "sports", "football"],
              ["The striker", "Our goalkeeper", "The marathon runner", "The tennis champion", "The home team",
               "The young cyclist", "The rugby captain", "The swimming relay squad"],
              ["scored twice in the final minutes of the match", "won the championship after a thrilling race",
               "broke the league record for goals in one season", "lifted the trophy in front of the fans"],
              ["lost the match after a dreadful first half", "was injured and missed the rest of the season",
               "was sent off for a foul in the derby", "finished last in the tournament again"]),
    "cooking": (["cooking", "food", "a recipe"],
                ["The chef", "My grandmother", "The bakery on the corner", "The pastry cook", "Our kitchen team",
                 "The new restaurant", "The street food stall", "The head cook"],
                ["baked a wonderful loaf of bread with a golden crust", "served a delicious soup with fresh herbs",
                 "roasted the vegetables until they were sweet and tender", "made the best pasta sauce in town"],
                ["burnt the onions and the whole stew tasted bitter", "served cold soup and stale bread",
                 "forgot the salt, so the dough was bland", "overcooked the rice into a sticky mess"]),
    "politics": (["politics", "government", "an election"],
                 ["The prime minister", "The senator", "The city council", "The opposition party",
                  "The new mayor", "Parliament", "The governor", "The election committee"],
                 ["passed a popular law on public housing after a long debate",
                  "won the election with a clear majority of the votes",
                  "signed a peace agreement with the neighbouring country",
                  "cut taxes for families in the budget vote"],
                 ["lost the vote of confidence in parliament", "was caught in a corruption scandal before the election",
                  "broke every campaign promise on the budget", "blocked the reform bill and angered voters"]),
    "technology": (["technology", "computers", "software"],
                   ["The new phone", "The laptop", "The software update", "The startup's app", "The web browser",
                    "The cloud server", "The smart watch", "The graphics card"],
                   ["runs twice as fast as the old model and the battery lasts all day",
                    "installed in seconds and fixed every bug in the program",
                    "has a brilliant screen and a fast processor",
                    "made the computer network reliable and quick"],
                   ["crashed every hour and deleted my files", "has a battery that dies after one hour of use",
                    "kept freezing after the latest software update", "overheats and the keyboard stopped working"]),
    "weather": (["weather", "the climate", "the forecast"],
                ["The afternoon forecast", "This morning's sky", "The summer weather", "The coastal wind",
                 "The spring sunshine", "Last night's storm", "The weekend weather", "The mountain air"],
                ["brought warm sunshine and a clear blue sky", "stayed mild and dry for the whole week",
                 "gave us a gentle breeze and pleasant temperatures", "turned bright and sunny after the rain"],
                ["brought heavy rain, hail and flooding to the town", "was freezing, with snow and icy roads",
                 "knocked down trees with strong gales and thunder", "left a thick fog and a cold drizzle all day"]),
    "music": (["music", "a concert", "a song"],
              ["The orchestra", "The jazz trio", "The young pianist", "The rock band", "The choir",
               "The singer", "The violinist", "The folk duo"],
              ["played a beautiful concert to a standing ovation", "released an album full of catchy songs",
               "sang the melody with perfect pitch", "performed a symphony that moved the audience"],
              ["played out of tune and the concert was a disaster", "cancelled the tour and disappointed the fans",
               "released a dull album with forgettable songs", "sang so badly that listeners left the concert hall"]),
    "business": (["business", "finance", "the economy"],
                 ["The bank", "The company", "The retailer", "The stock market", "The investors",
                  "The car maker", "The airline", "The insurance firm"],
                 ["reported record profits and raised its dividend", "saw its shares climb after strong sales",
                  "hired five hundred workers as revenue grew", "closed the quarter with rising earnings"],
                 ["reported a heavy loss and cut thousands of jobs", "saw its share price collapse after weak sales",
                  "went bankrupt with huge debts", "missed its revenue forecast and lowered its outlook"]),
    "health": (["health", "medicine", "a hospital"],
               ["The doctor", "The hospital", "The nurse", "The new vaccine", "The patient",
                "The clinic", "The surgeon", "The medical team"],
               ["cured the infection and the patient recovered quickly", "reduced heart disease in the trial",
                "treated every patient with care and the ward is healthy", "helped the patient heal after surgery"],
               ["caused painful side effects and a high fever", "left patients waiting for hours in the ward",
                "failed to treat the illness and the symptoms got worse", "made a mistake during the operation"]),
    "travel": (["travel", "a holiday", "tourism"],
               ["The flight to the island", "Our holiday", "The train journey", "The hotel by the beach",
                "The cruise", "The tour guide", "The road trip", "The mountain lodge"],
               ["was a relaxing trip with lovely views of the coast", "gave the tourists a wonderful week abroad",
                "arrived on time and the passengers enjoyed the journey", "offered a comfortable room and a sea view"],
               ["was delayed for nine hours and our luggage was lost", "ruined the vacation with dirty rooms",
                "was cancelled and the tourists were stranded at the airport",
                "took us on a long, uncomfortable journey with no food"]),
}

SENTIMENT_NAMES = {"positive": ["positive", "good news", "praise"], "negative": ["negative", "bad news", "a complaint"]}

TEMPLATES = ["This example is about {}.", "This example is {}.", "This text is about {}."]
SENTIMENT_TEMPLATES = ["This example is {}.", "The tone is {}.", "This text is {}."]

# Facts no premise states: a hypothesis made of one of these is neutral.
NEUTRAL_FACTS = [
    "It happened on a Tuesday.", "The writer is over forty years old.", "This took place in a small village.",
    "Someone was wearing a red coat.", "It was written late at night.", "A child was watching.",
    "The event was shown on television.", "Everybody involved lives in the north.", "It cost exactly ten euros.",
    "The author has two brothers.",
]


class Draw:
    def __init__(self, seed: int):
        self.rng = np.random.RandomState(seed)

    def pick(self, seq):
        return seq[int(self.rng.randint(len(seq)))]

    def shuffle(self, seq) -> list:
        return [seq[int(i)] for i in self.rng.permutation(len(seq))]


def premises(draw: Draw, held_out: bool) -> list[tuple[str, str, str]]:
    """(premise, topic, sentiment): training uses the first six subjects of each topic, test the last two."""
    out = []
    for topic, (_, subjects, good, bad) in TOPICS.items():
        subjects = subjects[6:] if held_out else subjects[:6]
        for subject in subjects:
            for sentiment, events in (("positive", good), ("negative", bad)):
                out.append((f"{subject} {draw.pick(events)}.", topic, sentiment))
    return draw.shuffle(out)


def pairs_for(draw: Draw, premise: str, topic: str, sentiment: str) -> list[dict]:
    rows = []
    other = draw.pick([t for t in TOPICS if t != topic])
    rows.append((draw.pick(TEMPLATES).format(draw.pick(TOPICS[topic][0])), "entailment"))
    rows.append((draw.pick(TEMPLATES).format(draw.pick(TOPICS[other][0])), "contradiction"))
    opposite = "negative" if sentiment == "positive" else "positive"
    if draw.rng.random_sample() < 0.5:
        rows.append((draw.pick(SENTIMENT_TEMPLATES).format(draw.pick(SENTIMENT_NAMES[sentiment])), "entailment"))
    else:
        rows.append((draw.pick(SENTIMENT_TEMPLATES).format(draw.pick(SENTIMENT_NAMES[opposite])), "contradiction"))
    if draw.rng.random_sample() < 0.35:
        rows.append((draw.pick(NEUTRAL_FACTS), "neutral"))
    return [{"premise": premise, "hypothesis": h, "label": LABELS.index(label), "topic": topic}
            for h, label in rows]


def build(seed: int = SEED) -> dict[str, list[dict]]:
    draw = Draw(seed)
    files = {}
    for split, held_out in (("train", False), ("test", True)):
        rows = []
        for premise, topic, sentiment in premises(draw, held_out):
            rows.extend(pairs_for(draw, premise, topic, sentiment))
        files[f"nli/{split}.jsonl"] = rows
    return files


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data", help="output folder (default: data/)")
    args = parser.parse_args(argv)
    for rel, rows in build().items():
        write_jsonl(args.out / rel, rows)
        print(f"wrote {args.out / rel} ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
