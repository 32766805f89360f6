#!/usr/bin/env python3
"""Write the bundled tiny datasets under data/ (the labs' offline "tiny" profile).

Every text is original: it is composed here from phrase pools written for this project, with a fixed seed,
so running the script twice writes byte-identical files::

    python tools/make_tiny_data.py            # writes data/*/*.jsonl
    python tools/make_tiny_data.py --out DIR  # writes DIR/*/*.jsonl instead
    python tools/make_tiny_data.py --only movie_reviews,passages   # just those datasets

Datasets (see data/README.md): movie_reviews, programming_questions, english_corpus (plus topics.json: the
keywords of each of its 14 topics, for lab 01-6), passages. Each is drawn from its own seed, so writing one
never changes another.
Only the standard library and numpy are used. numpy's legacy ``RandomState`` is used on purpose: its stream
is frozen across numpy versions.

Template syntax used by the phrase pools below:
    «name»        a slot: replaced by a random entry of pool ``name`` (or by a per-record value)
    ⟨a|b|c⟩       an inline choice between alternatives (may be empty: ⟨, really|⟩)
Both are expanded recursively. Code snippets are protected from the prose clean-up (articles, spacing).
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240917

SLOT = re.compile(r"«([A-Za-z0-9_]+)»")
ALT = re.compile(r"⟨([^⟨⟩]*)⟩")
CODE = re.compile(r"\x00(\d+)\x00")


def L(block: str) -> list[str]:
    """A pool written as one entry per line (blank lines and lines starting with # are skipped)."""
    out = []
    for line in block.strip("\n").split("\n"):
        s = line.strip()
        if s and not s.startswith("#"):
            out.append(s)
    return out


def W(block: str) -> list[str]:
    """A pool of single words or short phrases separated by commas and/or newlines."""
    return [w.strip() for w in re.split(r"[,\n]", block) if w.strip()]


# ------------------------------------------------------------------------------------------- engine
class Grammar:
    """Expands templates from phrase pools with one seeded random stream."""

    def __init__(self, seed: int, pools: dict):
        self.rng = np.random.RandomState(seed)
        self.pools = pools
        self.code: list[str] = []
        self.zipf = 0.0

    # random helpers (all draws go through self.rng so the output is reproducible)
    def randint(self, lo: int, hi: int) -> int:
        """An integer in [lo, hi] (both ends included)."""
        return int(self.rng.randint(lo, hi + 1))

    def chance(self, p: float) -> bool:
        return bool(self.rng.random_sample() < p)

    def pick(self, seq):
        return seq[int(self.rng.randint(len(seq)))]

    def weighted(self, pairs):
        """pairs: [(item, weight), ...]"""
        total = float(sum(w for _, w in pairs))
        r = self.rng.random_sample() * total
        for item, w in pairs:
            r -= w
            if r < 0:
                return item
        return pairs[-1][0]

    def zpick(self, seq):
        """Pick with Zipf-like weights 1/rank**self.zipf (earlier entries are commoner); uniform when zipf=0."""
        if not self.zipf:
            return self.pick(seq)
        w = 1.0 / np.arange(1, len(seq) + 1) ** self.zipf
        return seq[int(self.rng.choice(len(seq), p=w / w.sum()))]

    def sample(self, seq, k: int) -> list:
        idx = self.rng.permutation(len(seq))[:k]
        return [seq[int(i)] for i in idx]

    def shuffled(self, seq) -> list:
        return [seq[int(i)] for i in self.rng.permutation(len(seq))]

    # expansion
    def x(self, template: str, ctx: dict | None = None) -> str:
        ctx = ctx or {}

        def alt(m):
            return self.pick(m.group(1).split("|"))

        def slot(m):
            name = m.group(1)
            if name in ctx:
                val = ctx[name]
                return val(self) if callable(val) else val
            if name.startswith("code_"):           # protected code snippet
                val = self.pools[name]
                snippet = self.x(val(self) if callable(val) else self.pick(val), ctx)
                self.code.append(snippet)
                return f"\x00{len(self.code) - 1}\x00"
            val = self.pools[name]
            return val(self) if callable(val) else self.pick(val)

        for _ in range(60):
            new = ALT.sub(alt, template)
            new = SLOT.sub(slot, new)
            if new == template:
                break
            template = new
        return template

    def restore_code(self, text: str) -> str:
        return CODE.sub(lambda m: self.code[int(m.group(1))], text)


# --------------------------------------------------------------------------------------- clean-up
_CONS_SOUND = ("uni", "use", "usu", "uti", "ure", "one", "once", "eu", "ewe", "ufo")
_VOWEL_SOUND = ("hour", "honest", "honou", "heir")


def fix_articles(s: str) -> str:
    """a/an before the next word (lower-case 'a'/'an' anywhere, capitalised ones at a sentence start)."""

    def rep(m):
        pre, art, word = m.group(1), m.group(2), m.group(3)
        if art[0].isupper() and not (pre == "" or pre.endswith((". ", "! ", "? ", "\n", "> "))):
            return m.group(0)
        w = word.lower()
        if len(word) > 1 and word.isupper():          # acronyms: leave as written
            return m.group(0)
        vowel = (w[0] in "aeiou" and not w.startswith(_CONS_SOUND)) or w.startswith(_VOWEL_SOUND)
        new = "an" if vowel else "a"
        if art[0].isupper():
            new = new.capitalize()
        return f"{pre}{new} {word}"

    return re.sub(r"(^|[\s\"'(]+)\b([Aa]n?) ([A-Za-z][\w'-]*)", rep, s)


def tidy(s: str) -> str:
    s = re.sub(r"[ \t]+", " ", s).strip()
    s = re.sub(r" ([,.;:!?])(?=\s|$)", r"\1", s)
    s = re.sub(r",,+", ",", s)
    s = re.sub(r"\.\.+", ".", s) if "..." not in s else s
    s = fix_articles(s)
    return s


def cap(s: str) -> str:
    for i, ch in enumerate(s):
        if ch.isalpha():
            return s[:i] + ch.upper() + s[i + 1:]
        if ch not in "\"'(":
            return s
    return s


def sentence(g: Grammar, template: str, ctx: dict) -> str:
    s = cap(tidy(g.x(template, ctx)))
    if s and s[-1] not in ".!?\"')":
        s += "."
    return s


def nwords(s: str) -> int:
    return len(s.split())


# ----------------------------------------------------------------------------------------- names
FIRST = W("""
Mara, Tomas, Lena, Osei, Priya, Janek, Sunniva, Delphine, Ruben, Anouk, Kofi, Mireille, Hakon, Yara, Benedikt,
Calla, Emeric, Farrah, Goran, Helka, Ines, Jory, Kasimir, Liesel, Matteo, Nadia, Orla, Pavel, Quinn, Rosalind,
Soren, Talia, Ulric, Vesna, Wren, Yusuf, Zelda, Aurelio, Bettina, Cormac, Dagny, Elio, Fenna, Gideon, Hester,
Ilse, Jovan, Katya, Leopold, Marisol, Nils, Odette, Piers, Ramona, Silas, Thea, Viggo, Amara, Bastian, Celeste,
Dario, Esme, Florian, Greta, Hamish, Isolde, Jasper, Kirsi, Lucian, Maeve, Nico, Oona, Philippa, Rafael, Saskia,
Tobias, Una, Vittoria, Wendell, Ximena, Yannick, Zora, Agnes, Bram, Cosima, Desmond, Elowen, Felix, Gwendolyn,
Henrik, Imogen, Joaquin, Klara, Lorcan, Magnus, Noor, Otto, Petra, Rowan, Sabine, Teodor, Ursula, Valentin
""")
LAST = W("""
Velde, Ashcombe, Marrin, Quist, Oduya, Halloran, Brenneck, Castellane, Dunmore, Ekwall, Farrow, Grisby, Varga,
Ingersley, Jarnach, Kestrel, Moravec, Orrin, Pellow, Quarrie, Rask, Sandoval, Tolland, Ungar, Wexley, Yarrow,
Zabel, Ashgrove, Belcourt, Carrow, Deverell, Elstow, Fairlie, Gantry, Harwick, Jessup, Kilbride, Larkin, Mabry,
Norwood, Ostrander, Penhale, Quennell, Rookwood, Strand, Tremaine, Upham, Vardy, Whitlock, Yelland, Zorn,
Abernant, Brisco, Coldwell, Dallow, Everard, Fenwick, Gorse, Hollis, Idris, Juniper, Keele, Lockyer, Merriweather,
Nettle, Oakes, Prentice, Radley, Sollis, Thistlewood, Vane, Wainright, Achterberg, Bjornstad, Cavanagh, Duarte,
Esposito, Falkner, Gallo, Haugen, Iversen, Kowalczyk, Lindgren, Maalouf, Nakamura, Okafor, Petrakis, Rautio,
Santoro, Takahashi, Uriarte, Vasquez, Wojcik, Yilmaz, Zeller
""")


def person(g: Grammar) -> str:
    return f"{g.pick(FIRST)} {g.pick(LAST)}"


# ================================================================================== movie reviews
# Sentiment adjectives: a few common ones (drawn half of the time) and a long tail of rarer ones, so that a
# bag-of-words model meets test words it never saw in training while a pretrained encoder still knows them.
POS_HEAD = W("""wonderful, great, brilliant, excellent, beautiful, fantastic, superb, amazing, terrific, lovely,
perfect, delightful, outstanding, marvellous""")
POS_TAIL = W("""
magnificent, exquisite, glorious, stellar, sensational, phenomenal, sparkling, triumphant, sublime, dazzling,
stunning, breathtaking, masterful, enchanting, captivating, thrilling, exhilarating, uplifting, inspiring, charming,
touching, powerful, impressive, remarkable, extraordinary, exceptional, splendid, top-notch, inventive, clever,
witty, hilarious, joyful, gorgeous, radiant, elegant, graceful, heartfelt, compelling, absorbing, engrossing,
mesmerising, irresistible, refreshing, satisfying, rewarding, memorable, astonishing, majestic, lively, vibrant,
fabulous, intelligent, thoughtful, profound, magical, sweet, entertaining, enjoyable, charismatic, accomplished,
polished, fresh, smart, life-affirming, good, nice, strong, pleasing, exciting, fun, joyous, incredible, awesome,
engaging, fascinating, delicious, pitch-perfect, heavenly, divine, cheerful, lovable, vivid
""")
POS_ADJ = POS_HEAD + POS_TAIL
NEG_HEAD = W("""awful, terrible, boring, dreadful, dull, bad, poor, horrible, weak, stupid, tedious, lazy, painful,
disappointing""")
NEG_TAIL = W("""
abysmal, atrocious, dire, wretched, horrendous, lousy, pathetic, dismal, excruciating, insufferable, unwatchable,
pitiful, clumsy, lifeless, flat, muddled, incoherent, bland, forgettable, sloppy, shrill, hollow, tiresome, dreary,
stale, messy, limp, listless, lacklustre, uninspired, soulless, clunky, bloated, exhausting, sluggish, feeble,
embarrassing, mind-numbing, half-baked, shapeless, cringeworthy, pointless, senseless, confused, annoying,
irritating, obnoxious, ugly, cheap, shoddy, overwrought, overblown, cloying, lame, empty, frustrating, maddening,
tacky, drab, miserable, horrid, inept, incompetent, botched, shambolic, rubbish, humourless, witless, numbing,
ham-fisted, useless, confusing, unbearable, unpleasant, nasty, depressing, mindless, brainless, idiotic, dumb,
awkward, unconvincing, unfunny, worthless, rotten, hopeless, disastrous, catastrophic, shabby, overlong
""")
NEG_ADJ = NEG_HEAD + NEG_TAIL

MOVIE = {
    "person": person,
    "title": L("""
The «t_adj» «t_noun»
«t_noun» of the «t_noun2»
The «t_noun» at «t_place»
Before the «t_noun»
After the «t_noun»
«t_num» «t_nouns»
A «t_noun» for «t_name»
Last «t_noun» in «t_place»
«t_place» «t_noun»
The «t_noun» Also Rises Twice
Where the «t_nouns» Sleep
«t_name» and the «t_noun»
Under a «t_adj» «t_noun»
The Long «t_noun»
Nobody Knows «t_name»
The «t_nouns» of «t_place»
"""),
    "t_adj": W("""Silent, Crimson, Hollow, Last, Broken, Quiet, Painted, Drowned, Borrowed, Golden, Paper, Northern,
Burning, Velvet, Salt, Winter, Glass, Lonely, Restless, Iron, Secret, Midnight, Wandering, Faded, Electric"""),
    "t_noun": W("""Harbour, Orchard, Lighthouse, Ferryman, Kingdom, Letter, Winter, Garden, Stranger, Signal, Bridge,
Comet, Fever, Tide, Cartographer, Parade, Ballroom, Station, Heist, Promise, Echo, Circus, Archive, Alibi, Monsoon,
Orbit, Inheritance, Masquerade, Lantern, Verdict"""),
    "t_noun2": W("""Deep, Marsh, Lost Year, Hollow Hills, Eighth Day, Empty House, Drowned City, Last Summer, Blue Hour,
Northern Line, Open Sea"""),
    "t_nouns": W("""Rivals, Sparrows, Widows, Strangers, Thieves, Brothers, Lanterns, Seasons, Orchards, Ghosts,
Letters, Sisters, Winters, Islands"""),
    "t_num": W("Two, Three, Seven, Nine, Twelve, Forty, A Hundred"),
    "t_place": W("""Varnholt, Osk Bay, Millbrook, Tessaly, Corran Falls, Dunmere, Port Alder, Kestwick, Halden Reach,
Saltmarsh, Brevik, the Edge of Town"""),
    "t_name": W("Ottoline, Bruno, Maisie, Albrecht, Cassius, Dora, Ezra, Frida, Ivo, Lottie, Moss, Perpetua"),
    "genre": W("""thriller, comedy, drama, horror film, western, science-fiction film, romantic comedy, war film, musical,
heist film, animated feature, period drama, crime drama, family adventure, mystery, road movie, sports drama,
political thriller, ghost story, coming-of-age story, courtroom drama, disaster movie, spy film, musical comedy"""),
    "genre_pl": W("""thrillers, comedies, dramas, horror films, westerns, science-fiction films, romantic comedies,
war films, musicals, heist films, animated features, period dramas, crime dramas, mysteries, road movies,
spy films, ghost stories, courtroom dramas"""),
    "role": L("""
a retired boxer
the weary detective
a small-town pharmacist
an ambitious young lawyer
the ship's cook
a grieving widower
a charming con artist
a lighthouse keeper
a disgraced surgeon
the villain
a teenage runaway
an ageing rock star
a schoolteacher with a secret
a hired gun
a lonely astronaut
the corrupt mayor
a jazz pianist
a night-shift nurse
a failed magician
the youngest of three sisters
a stubborn farmer
a forger of old maps
a radio host
a cynical journalist
an exhausted single father
a chess prodigy
the gang's getaway driver
a retired spy
a village priest
a country vet
"""),
    "premise": L("""
two brothers trying to save a failing bakery
a stolen painting and the insurance clerk who tracks it down
a village preparing for a flood that may never come
a chess tournament in a snowed-in hotel
a missing dog and the whole street that goes looking for it
a family reunion that goes badly wrong
a radio station on the edge of closing
a long night train journey between two capitals
a group of students lost on a mountain
a ghost that haunts an old seaside hotel
a heist at a stamp auction
a marriage quietly falling apart
a boxer preparing for one last fight
a remote island with a single lighthouse
an unlikely friendship between a postman and a retired spy
a small orchestra touring half-empty concert halls
a teenager who finds a map in her grandmother's attic
a detective investigating a murder at a wedding
a crew stranded on a drifting research ship
a town where it has not rained for three years
a translator who overhears something she should not
a cook who opens a restaurant in a disused railway station
a rivalry between two families of glassblowers
an astronaut who returns home to find everything changed
a bank clerk who accidentally becomes a local hero
a girl who trains pigeons to carry secret messages
a football team of misfits chasing an impossible promotion
a brother and sister driving their father's ashes across the country
"""),
    "setting": L("""
a fishing village in the far north
a crumbling seaside hotel
a mining town in the nineteen-fifties
a space station orbiting a dying star
the fictional port city of Varnholt
a sleepy island off the coast
a boarding school in the hills
an endless desert highway
a snowbound mountain pass
a run-down suburb
a floating market city
the backstreets of a busy capital
a vineyard during a heatwave
"""),
    "bad_line": L("""
I never wanted any of this, Dad!
The storm is coming, and so am I.
Love is just a word until you say it.
We finish this together, or not at all.
Some doors are better left closed, detective.
You were the chosen one, and you chose wrong.
This town has secrets, and I am one of them.
It's not about the money. It was never about the money.
If you walk out that door, don't come back!
"""),
    "pos_adj": lambda g: g.zpick(POS_ADJ),
    "neg_adj": lambda g: g.zpick(NEG_ADJ),
    "pos_feel": W("""loved, adored, really enjoyed, savoured, was gripped by, was moved by, treasured, was charmed by,
had a blast with"""),
    "neg_feel": W("""hated, was bored by, could not stand, regretted, sat through, endured, was irritated by,
struggled through, was baffled by"""),
    "minutes": W("forty, fifty, sixty, twenty, thirty, forty-five"),
    "pos_score": W("7/10, 8/10, 9/10, 10/10, 8 out of 10, 9 out of 10, four stars, five stars, 8.5/10, 7 out of 10"),
    "neg_score": W("1/10, 2/10, 3/10, 4/10, 2 out of 10, 3 out of 10, one star, two stars, 1 out of 10, 4 out of 10"),
    "year": lambda g: str(g.randint(1994, 2023)),
    "friend": W("""my sister, my brother, a friend, my partner, my dad, my mum, a colleague, my flatmate, my
grandmother, my film club, my neighbour, my son"""),
}

# aspect sentences: MOVIE_ASPECTS[aspect] = (positive templates, negative templates)
MOVIE_ASPECTS = {
    "acting": (L("""
«A1» is «pos_adj» as «R1», ⟨and never strikes a false note|finding layers I did not expect|and makes every scene feel lived-in|giving the film its beating heart⟩.
«A1» gives ⟨a career-best|a quietly brilliant|a fearless|a «pos_adj»⟩ performance as «R1».
As «R1», «A1» is «pos_adj», saying more with a glance than most actors manage with a whole monologue.
The ⟨supporting|whole⟩ cast is «pos_adj», and «A2» ⟨steals every scene|is a «pos_adj» discovery|is simply wonderful⟩.
«A1» and «A2» have ⟨real|wonderful|crackling|lovely⟩ chemistry, and ⟨their scenes together are «pos_adj»|you believe every word they say to each other⟩.
The acting is «pos_adj» across the board, and «A2» is ⟨superb|a delight|terrific|«pos_adj»⟩ as «R2».
I have never been a fan of «A1», but ⟨this «pos_adj» performance changed my mind|the work here is «pos_adj»⟩.
The performances are «pos_adj», especially «A1» as «R1».
"""), L("""
«A1» is «neg_adj» as «R1», ⟨delivering every line in the same flat tone|reciting dialogue as if reading it off a cue card|and never once convinced me|mugging through every scene⟩.
«A1» looks ⟨lost|bored|uncomfortable|half asleep⟩ as «R1», and the performance is «neg_adj».
The cast ⟨try their best|do what they can⟩, but the acting is «neg_adj» ⟨and nobody feels real|across the board⟩.
«A2» ⟨overacts wildly|chews the scenery|shouts most of the lines⟩ as «R2», and «A1» is ⟨just as bad|«neg_adj»|worse⟩.
There is ⟨zero|no|not a spark of⟩ chemistry between «A1» and «A2», and their scenes together are «neg_adj».
I have liked «A1» in other films, but here the performance is «neg_adj».
The performances are «neg_adj», especially «A1» as «R1».
Casting «A1» as «R1» was a ⟨terrible|baffling|costly⟩ mistake: the result is «neg_adj».
""")),
    "plot": (L("""
The ⟨plot|story|script⟩ is «pos_adj», ⟨full of surprises that feel earned|with twists I genuinely did not see coming|building patiently to a wonderful final act⟩.
«D»'s screenplay is «pos_adj»: it ⟨juggles three timelines without ever losing the thread|treats its audience as intelligent|knows exactly when to reveal what⟩.
What starts as a simple story about «premise» grows into something ⟨far richer|much deeper|genuinely surprising⟩ and «pos_adj».
Every thread of the story ⟨pays off|comes together⟩ ⟨beautifully|in the last twenty minutes|with real elegance⟩, and the writing is «pos_adj».
The script takes a familiar idea, «premise», and makes it feel ⟨brand new|urgent|completely fresh⟩.
The writing is «pos_adj», and the story of «premise» ⟨had me hooked|kept me guessing|held me from the first scene⟩.
"""), L("""
The ⟨plot|story|script⟩ is «neg_adj», ⟨lurching from one contrivance to the next|full of holes you could drive a bus through|built on coincidences nobody would accept⟩.
The story about «premise» is «neg_adj» and ⟨goes nowhere|never finds its footing|is stretched so thin it snaps⟩.
Every twist is ⟨predictable|obvious|telegraphed⟩ and can be seen coming ⟨a mile away|from the opening credits|long before the characters notice⟩.
The screenplay is «neg_adj»: it ⟨introduces subplots and then forgets about them|keeps explaining things we already understood|confuses being complicated with being clever⟩.
A story about «premise» should be ⟨exciting|moving|fun⟩, yet somehow this one is «neg_adj».
The writing is «neg_adj», and the story of «premise» ⟨bored me stiff|made no sense|lost me within minutes⟩.
""")),
    "pacing": (L("""
The pacing is «pos_adj»: ⟨two hours fly by|it never outstays its welcome|quiet scenes are given room to breathe⟩.
At ⟨ninety|a hundred|a brisk eighty-five⟩ minutes it ⟨moves like a train|doesn't waste a second|is as tight as a drum⟩, and it is «pos_adj» all the way.
Even the slower ⟨middle section is|stretches are⟩ «pos_adj» and ⟨full of tension|absorbing|beautifully paced⟩.
The editing is ⟨razor sharp|lean and confident|superb|«pos_adj»⟩, cutting ⟨right on the beat|out every ounce of fat⟩.
"""), L("""
The pacing is «neg_adj»; ⟨scenes go on long after they have made their point|the middle hour crawls|it feels twice its length⟩.
At ⟨almost three hours|two hours and forty minutes|a punishing length⟩, it is «neg_adj» and ⟨badly needed an editor|drags terribly|tests the patience of even devoted fans⟩.
The editing is «neg_adj», and whole ⟨scenes|subplots⟩ could be cut without anyone noticing.
The first «minutes» minutes are ⟨slow|boring|tedious⟩, spent on characters who ⟨never matter again|do nothing⟩.
""")),
    "music": (L("""
The score by «C» is «pos_adj», ⟨all strings and sad piano|pulsing under every chase|swelling at exactly the right moments⟩.
The ⟨soundtrack|music⟩ is «pos_adj» and ⟨deserves its own album|had me humming for days|lifts every scene⟩.
«C»'s music is «pos_adj» and ⟨does a lot of quiet work|never tells you what to feel|fits every scene⟩.
The songs are ⟨catchy|lovely|clever|«pos_adj»⟩, and the big number near the end ⟨brought the house down|gave me goosebumps⟩.
"""), L("""
The score ⟨by «C»|⟩ is «neg_adj», ⟨blaring over every emotional beat|telling us what to feel in every scene|so loud that it drowns out the dialogue⟩.
The ⟨soundtrack|music⟩ is «neg_adj» and ⟨sounds like stock music from a car advert|is wall-to-wall and exhausting|never stops, not even for a second⟩.
The songs are ⟨forgettable|grating|«neg_adj»⟩, and ⟨there are far too many of them|every one stops the story dead⟩.
""")),
    "visuals": (L("""
The cinematography is «pos_adj»; ⟨every frame could hang in a gallery|«S» has never looked so beautiful|the night scenes glow⟩.
«P» shoots «S» ⟨with real patience|in warm, golden light|like a fever dream⟩, and the result is «pos_adj».
Visually it is «pos_adj» from start to finish.
There is a «pos_adj» long take ⟨in the middle|near the end|at the wedding⟩ that ⟨left me breathless|is worth the ticket alone|I will remember for years⟩.
"""), L("""
The cinematography is «neg_adj»: ⟨everything is murky and grey|half the scenes are too dark to follow|the shaky camera made me feel seasick⟩.
Visually it is «neg_adj», ⟨like a cheap television movie|all grey filters and flat lighting|with effects that look unfinished⟩.
The camera work is «neg_adj»: it ⟨shakes so much|cuts so quickly⟩ that ⟨the action scenes are impossible to follow|I had no idea who was hitting whom⟩.
""")),
    "dialogue": (L("""
The dialogue is «pos_adj», ⟨sharp and funny without ever showing off|full of lines I want to quote|natural enough to feel overheard⟩.
There are more ⟨great lines|laughs⟩ in ⟨the first ten minutes|a single dinner scene⟩ than most «G_pl» manage in two hours.
The dialogue is «pos_adj»: people ⟨talk like real people|interrupt and contradict each other|sound like they have known each other for years⟩.
"""), L("""
The dialogue is «neg_adj»; ⟨characters announce their feelings out loud|nobody talks like a real person|every line sounds like a greeting card⟩.
The dialogue is «neg_adj», and lines like "«bad_line»" ⟨made the audience laugh for the wrong reasons|had me groaning|are delivered with a straight face⟩.
Half the dialogue is ⟨exposition|characters explaining the plot to each other|speeches about destiny⟩, and the other half is «neg_adj».
""")),
    "ending": (L("""
The ending is «pos_adj», ⟨quiet and devastating|both surprising and inevitable|exactly the right note to go out on⟩.
⟨I won't spoil the final scene|Without spoiling anything⟩, but it is «pos_adj» and ⟨left the whole audience silent|I am still thinking about it|made me want to start the film again⟩.
The last ten minutes are ⟨perfect|unforgettable|«pos_adj»⟩ and had me ⟨in tears|cheering|smiling⟩.
"""), L("""
The ending is «neg_adj», ⟨tying everything up far too neatly|coming out of nowhere|leaving every question unanswered for no good reason⟩.
⟨Without giving anything away,|I won't spoil it, but⟩ the final ⟨twist|scene⟩ is «neg_adj» and ⟨undoes everything that came before|made me groan out loud|feels like it belongs in a different film⟩.
The ending is «neg_adj»: the film ⟨simply stops|ends three times|just fizzles out⟩ ⟨rather than ending|and the lights come up on a baffled audience⟩.
""")),
    "direction": (L("""
«D» directs with ⟨real confidence|a light touch|a steady hand|an eye for detail⟩, and the result is «pos_adj».
This is «D»'s ⟨best film yet|most personal film|most assured work⟩, and it is «pos_adj».
«D» has ⟨made|crafted|pulled off⟩ a «pos_adj» «G» that ⟨feels both old-fashioned and modern|is as smart as it is entertaining|respects its audience⟩.
The direction is «pos_adj»: «D» ⟨never rushes a scene|trusts the actors|lets silence do the work⟩.
"""), L("""
«D» never decides whether this is a «G» or a «G2», and the film ends up being «neg_adj».
«D»'s direction is «neg_adj», ⟨staging every scene like a school play|throwing in slow motion for no reason|more interested in style than in story⟩.
The direction is «neg_adj»; it feels as if «D» ⟨lost interest halfway through|had three different films in mind|was never on set⟩.
""")),
    "effects": (L("""
The ⟨effects|production design|costumes|sets⟩ are «pos_adj», and ⟨you never see the seams|the world feels completely real|every room tells a story⟩.
The ⟨creature|storm|battle|flood⟩ effects are «pos_adj» for a film of this budget.
"""), L("""
The ⟨effects|computer-generated monsters|green-screen backgrounds⟩ are «neg_adj» and look ⟨cheap|unfinished|like a video game from years ago⟩.
The production design is «neg_adj»: ⟨the sets wobble|the costumes look rented|the wigs are distracting⟩, and ⟨it is hard to take anything seriously|it pulls you right out of the story⟩.
""")),
    "humour": (L("""
It is also ⟨very|genuinely|surprisingly⟩ funny; ⟨the audience I saw it with was howling|I laughed more than I have in months|even the running gags land⟩.
The jokes are ⟨«pos_adj»|hilarious|clever and kind⟩, and ⟨none of them are cheap|the timing is perfect⟩.
"""), L("""
The jokes are «neg_adj» and ⟨land with a thud|are painfully obvious|are repeated until they stop being funny⟩.
It is not funny at all: I ⟨laughed once|smiled twice|did not laugh once⟩ in ⟨two hours|the whole film⟩.
""")),
    "characters": (L("""
The characters are «pos_adj», ⟨real people|people you could meet on the street|people with lives beyond the frame⟩, ⟨flawed and lovable|messy and human|easy to root for⟩.
I cared about ⟨every one of these characters|the whole family|even the minor characters⟩, and that is a «pos_adj» achievement.
"""), L("""
I didn't care about ⟨a single one of|any of⟩ the characters, who are «neg_adj» ⟨cardboard cut-outs|walking clichés|sketches⟩.
The characters are «neg_adj» and ⟨make baffling decisions|exist only to move the plot along|change personality from scene to scene⟩.
""")),
}

MOVIE_OPENERS_NEUTRAL = L("""
I saw «F» ⟨last night|on Sunday afternoon|at a late screening|on a long flight|at a festival|with «friend»⟩.
«F» is the ⟨new|latest|second⟩ «G» from ⟨director|writer-director⟩ «D».
I ⟨went into|started|put on⟩ «F» ⟨knowing nothing about it|because «friend» insisted|on a rainy evening⟩.
After all the ⟨buzz|festival hype|arguments online⟩, I finally ⟨caught|sat down to watch⟩ «F».
This was my ⟨second|third|first⟩ time watching «F», ⟨this time|now⟩ with «friend».
«F» ⟨stars|features⟩ «A1» as «R1» and «A2» as «R2».
I rented «F» ⟨on a whim|for a quiet night in|because of the poster⟩.
""")
MOVIE_OPENERS_PLOT = L("""
«D»'s «F» ⟨tells the story of|follows|is about⟩ «premise».
⟨Set in|Taking place in⟩ «S», «F» ⟨follows|centres on⟩ «premise».
«F» (⟨«year»⟩) is a «G» about «premise».
""")
# Polarity-neutral frames: the sentiment is carried by the «adj» slot alone (filled per review).
MOVIE_FRAMES = L("""
The «asp» ⟨is|was|feels⟩ «deg»«adj».
«asp_cap»: «adj».
I found the «asp» «deg»«adj» and the «asp2» «adj».
«asp_cap» «adj», «asp2» «adj», «asp3» «adj».
In a word: «adj».
My verdict: «adj».
«F» is «deg»«adj», ⟨from start to finish|from the first scene to the last|all the way through⟩.
⟨Honestly|Frankly|Simply put|All in all|On balance⟩, it is «deg»«adj».
«A1»'s performance ⟨is|was⟩ «deg»«adj».
The ⟨script|screenplay⟩ by «D» is «adj», and so is ⟨the rest|everything else⟩.
What did I think of the «asp»? It was «deg»«adj».
The «asp» struck me as «deg»«adj».
I would describe the «asp» as «adj» and the «asp2» as «adj».
As a «G», it is «deg»«adj».
⟨The whole thing|The film|It⟩ is «adj» and «adj».
«A1» and «A2» are both «adj».
⟨Everything|Every part of it⟩, from the «asp» to the «asp2», is «adj».
""")
MOVIE_ASP = W("""acting, plot, script, pacing, music, score, cinematography, dialogue, ending, direction, editing,
casting, soundtrack, screenplay, lead performance, supporting cast, camera work, story, humour, set design,
costumes, action scenes, final act, opening, central twist, villain, lighting, sound design, romance, finale""")
MOVIE_DEG = ["", "", "", "utterly ", "simply ", "truly ", "frankly ", "quite ", "absolutely ", "consistently ",
             "really ", "just ", "thoroughly ", "rather "]
MOVIE_OPENERS = {
    1: L("""
What a ⟨pleasant surprise|treat|joy⟩ «F» turned out to be.
I ⟨went in|started it⟩ with low expectations and came out ⟨delighted|beaming|a fan⟩.
«F» is ⟨easily|by far|without doubt⟩ the best «G» I have seen ⟨this year|in a long while|since I was a teenager⟩.
"""),
    0: L("""
I ⟨really|so|desperately⟩ wanted to like «F».
I went in with high hopes for «F» and came out ⟨disappointed|annoyed|half asleep⟩.
«F» is ⟨easily|by far|without doubt⟩ the worst «G» I have seen ⟨this year|in a long while|in a decade⟩.
"""),
}
MOVIE_GENERAL = {
    1: L("""
I «pos_feel» every minute of it.
It is a «pos_adj» piece of filmmaking.
I ⟨can't wait|want⟩ to see it again.
«friend» and I talked about it ⟨all the way home|for hours afterwards|over dinner⟩.
It's the kind of «G» they rarely make any more: «pos_adj» and ⟨sincere|generous|confident⟩.
"""),
    0: L("""
Frankly it was a chore to sit through.
What a waste of ⟨a talented cast|an interesting premise|an evening|a good idea⟩.
I «neg_feel» ⟨every minute of it|most of it|the whole thing⟩.
«friend» ⟨fell asleep|left halfway through|kept asking when it would end⟩, and I ⟨don't blame them|was jealous⟩.
It is a «neg_adj» piece of filmmaking from start to finish.
"""),
}
MOVIE_NEGATION = {   # polarity expressed through negation, hedging or under-statement
    1: L("""
It is not a perfect film, but it is a ⟨very|really⟩ good one.
Not bad at all for a «G» made on ⟨such a small|a shoestring⟩ budget; in fact, it is ⟨terrific|better than most of this year's big releases⟩.
Not once did I ⟨check my phone|look at my watch|feel the length⟩.
It is never boring, ⟨not even for a minute|even in its quieter stretches⟩.
I can't think of a single scene I would cut.
There isn't a wasted ⟨moment|shot|line⟩ in it.
You won't regret ⟨seeing it|giving it a chance⟩.
I wasn't expecting much, and I couldn't have been more wrong.
Nobody ⟨phones it in|is wasted⟩ here, ⟨not even in the smallest parts|from the leads down to the extras⟩.
Don't let the ⟨silly title|dull poster|slow trailer⟩ put you off.
I didn't want it to end.
Hard to find fault with ⟨any of it|a film this generous|a single performance⟩.
It doesn't ⟨reinvent the genre|break new ground⟩, but it doesn't need to: it is ⟨pure pleasure|hugely enjoyable|a treat⟩.
My only complaint is that it ⟨ended|wasn't longer⟩.
The worst thing about it is that I now have to wait ⟨years|ages⟩ for «D»'s next film.
"""),
    0: L("""
It is not worth ⟨the ticket price|your time|the hype|the rental|the popcorn⟩.
Not ⟨once|for a single moment⟩ did I care what happened to anyone on screen.
It's not ⟨funny|scary|clever|exciting⟩, and it is certainly not ⟨as deep as it thinks|original⟩.
I can't recommend it, ⟨not even to fans of «A1»|not even as a guilty pleasure⟩.
There is nothing here you haven't seen done better ⟨elsewhere|a dozen times⟩.
Nothing really happens for the first «minutes» minutes, and not much more happens after that.
No amount of ⟨gorgeous scenery|good music|star power⟩ can ⟨save|rescue⟩ a script this ⟨thin|lazy|confused⟩.
It never ⟨earns|justifies⟩ its ⟨running time|ending|big emotional climax⟩.
I wouldn't ⟨watch it again|sit through it a second time⟩ ⟨if you paid me|for any money⟩.
It isn't ⟨the disaster people say|a total failure⟩; it is something worse: ⟨boring|forgettable|pointless⟩.
Not ⟨good|funny|clever⟩ enough to ⟨recommend|forgive|bother with⟩.
I didn't hate it; I just didn't feel anything at all.
Don't believe ⟨the trailer|the poster quotes|the hype⟩.
"""),
}
MOVIE_SARCASM = {
    0: L("""
If you have always wanted to watch ⟨paint dry|people sigh at windows|a kettle boil⟩ for two hours, ⟨congratulations|good news⟩: this is your film.
⟨Hats off|Credit|Bravo⟩ to the editor for making ninety minutes feel like ⟨an entire weekend|three hours|a long-haul flight⟩.
The best thing I can say is that the ⟨seats were comfortable|popcorn was fresh|credits were short⟩.
I ⟨checked my watch|looked at the exit sign⟩ so often that ⟨the usher asked if I was waiting for someone|«friend» thought I was late for a train⟩.
What a ⟨triumph|treat⟩: I have never been so ⟨happy|relieved⟩ to see the end credits.
Apparently ⟨nobody told the writers|the producers forgot⟩ that a «G» is supposed to ⟨be exciting|have a story|make sense⟩.
Sure, «A1» ⟨cries|runs|broods⟩ very beautifully, ⟨if that is all you need|for whatever that is worth⟩.
Great news for insomniacs: ⟨I was asleep within twenty minutes|the cure has arrived⟩.
"""),
    1: L("""
Be warned: you will ⟨miss your bus|forget to eat your popcorn|want to call your mother⟩ afterwards.
I am annoyed at how much I enjoyed it, because I ⟨expected to hate it|promised «friend» I would hate it⟩.
Somebody ⟨please|urgently⟩ give «A1» every award going.
"""),
}
MOVIE_TURN = {   # the overall verdict arriving after aspects of the other polarity
    1: L("""
⟨Still|Even so|And yet|That said⟩, by the ⟨end|final scene⟩ I was ⟨completely won over|wiping my eyes|grinning like an idiot⟩.
But stick with it: the last ⟨half hour is|forty minutes are|act is⟩ worth every ⟨minute|second⟩.
Despite ⟨these flaws|all of that|its rough edges⟩, I ⟨left the cinema smiling|had a wonderful time|would happily watch it again⟩.
The first hour drags, but once it ⟨gets going|finally clicks⟩, it ⟨is terrific|never lets go|becomes something special⟩.
These are small complaints about a film that ⟨mostly soars|gets the important things right|I ended up loving⟩.
None of that stopped me from ⟨loving|enjoying⟩ it ⟨enormously|far more than I expected⟩.
Overall, though, the good ⟨far outweighs|easily outweighs⟩ the bad.
"""),
    0: L("""
⟨Unfortunately|Sadly|Alas⟩, ⟨good looks|a strong cast|a great score⟩ cannot carry ⟨two hours|a film with nothing to say⟩.
But none of that matters when the ⟨story|final act|script⟩ ⟨falls apart|collapses|runs out of ideas⟩.
It starts promisingly, but the second half throws ⟨it all|every good idea⟩ away.
A few good moments don't make a good film, and this is not one.
I wanted to like it ⟨so much|far more than I did⟩, but ⟨in the end|by the halfway mark⟩ ⟨I was simply bored|it had lost me completely⟩.
Overall, though, the bad ⟨far outweighs|easily outweighs⟩ the good.
Still, ⟨pretty pictures|a couple of good scenes|one fine performance⟩ cannot ⟨hide|make up for⟩ how ⟨empty|dull|muddled⟩ the rest is.
"""),
}
MOVIE_CONCESSION = {   # mild points against the overall verdict (so 1: minor complaints in a positive review)
    1: L("""
The middle section ⟨is a little slow|sags a bit|could lose ten minutes⟩.
Not every joke lands, ⟨admittedly|to be fair⟩.
The ⟨score|music⟩ is ⟨occasionally|now and then⟩ a touch too loud.
A subplot about ⟨a rival|an old debt|a feud between neighbours⟩ ⟨goes nowhere|feels unnecessary⟩.
Some of the ⟨effects|sets⟩ look ⟨a bit|slightly⟩ cheap.
«A2» is ⟨underused|given too little to do⟩.
The opening ⟨is clumsy|takes a while to find its feet⟩.
It is ⟨perhaps|probably⟩ twenty minutes too long.
The ending ⟨is a little too neat|ties things up a bit too tidily⟩.
Yes, the premise ⟨is silly|sounds ridiculous on paper⟩.
A couple of scenes ⟨feel rushed|are too dark to see properly⟩.
The title is ⟨awful|terrible|forgettable⟩, ⟨I admit|sure⟩.
"""),
    0: L("""
The cinematography is ⟨pretty enough|nice to look at⟩.
There are ⟨a couple of|one or two⟩ ⟨nice|decent|funny⟩ moments.
«A1» ⟨does what they can|is fine|tries hard⟩.
The ⟨opening scene is|first ten minutes are⟩ ⟨promising|quite good⟩.
The ⟨music|score⟩ is ⟨decent|pleasant enough⟩.
The costumes are ⟨lovely|nice⟩, ⟨I suppose|for what that is worth⟩.
The premise ⟨has potential|is interesting⟩.
«A2» ⟨has a good scene or two|is the best thing in it⟩.
The poster is ⟨great|beautiful⟩, ⟨I admit|to be fair⟩.
"""),
}
MOVIE_VERDICT = {
    1: L("""
«pos_score».
⟨Highly|Warmly|Strongly⟩ recommended.
Go and see it on the biggest screen you can find.
One of the best films of «year».
I will be buying it the day it comes out.
A must for anyone who loves «G_pl».
See it, and take «friend».
«pos_score», and I don't give those out lightly.
Well worth your time.
"""),
    0: L("""
«neg_score».
Avoid.
Save your money.
Wait until it turns up on a free channel, and even then, maybe not.
One of the weakest «G_pl» in years.
«neg_score», and that is generous.
Give this one a miss.
Skip it and watch something else.
A real disappointment.
"""),
}
MOVIE_ASPECT_NAMES = list(MOVIE_ASPECTS)


def movie_context(g: Grammar) -> dict:
    genre = g.pick(MOVIE["genre"])
    genre2 = g.pick([x for x in MOVIE["genre"] if x != genre])
    ctx = {
        "F": g.x(g.pick(MOVIE["title"])),
        "D": person(g), "A1": person(g), "A2": person(g), "C": person(g), "P": person(g),
        "R1": g.pick(MOVIE["role"]), "R2": g.pick(MOVIE["role"]),
        "G": genre, "G2": genre2, "S": g.pick(MOVIE["setting"]),
    }
    ctx["G_pl"] = g.pick(MOVIE["genre_pl"])
    ctx["asp"] = lambda g: g.pick(MOVIE_ASP)
    ctx["asp2"] = ctx["asp3"] = ctx["asp"]
    ctx["asp_cap"] = lambda g: cap(g.pick(MOVIE_ASP))
    ctx["deg"] = lambda g: g.pick(MOVIE_DEG)
    return ctx


def movie_review(g: Grammar, label: int):
    """One review of polarity ``label``; returns (text, kind)."""
    opp = 1 - label
    while True:
        ctx = movie_context(g)
        ctx["adj"] = (lambda g: g.zpick(POS_ADJ)) if label == 1 else (lambda g: g.zpick(NEG_ADJ))
        kind = g.weighted([("clear", 0.52), ("terse", 0.24), ("mixed", 0.15), ("indirect", 0.09)])
        sents: list[str] = []
        aspects = g.shuffled(MOVIE_ASPECT_NAMES)

        def aspect(pol):
            name = aspects.pop()  # noqa: B023 (used within this iteration only)
            return g.pick(MOVIE_ASPECTS[name][1 - pol])  # (positive, negative)

        if g.chance(0.5):
            r = g.randint(0, 9)
            if r < 6 or kind in ("mixed", "terse"):
                sents.append(g.pick(MOVIE_OPENERS_NEUTRAL if r < 8 else MOVIE_OPENERS_PLOT))
            else:
                sents.append(g.pick(MOVIE_OPENERS[label]))
        if kind == "clear":
            body = [aspect(label) if g.chance(0.6) else g.pick(MOVIE_FRAMES) for _ in range(g.randint(2, 4))]
            if g.chance(0.3):
                body.insert(g.randint(1, len(body)), g.pick(MOVIE_CONCESSION[label]))
            if g.chance(0.5):
                body.insert(g.randint(0, len(body)), g.zpick(MOVIE_GENERAL[label]))
            if g.chance(0.2):
                body.insert(g.randint(0, len(body)), g.zpick(MOVIE_NEGATION[label]))
            sents += body
            if g.chance(0.6):
                sents.append(g.zpick(MOVIE_VERDICT[label]))
        elif kind == "terse":
            sents += [g.pick(MOVIE_FRAMES) for _ in range(g.randint(2, 5))]
        elif kind == "mixed":
            # the other side first, then the turn and a verdict that outweighs it
            if g.chance(0.35):
                sents.append(aspect(opp))
            else:
                sents += g.sample(MOVIE_CONCESSION[label], g.randint(1, 2))
            sents.append(g.zpick(MOVIE_TURN[label]))
            tail = [aspect(label) if g.chance(0.5) else g.pick(MOVIE_FRAMES), g.pick(MOVIE_FRAMES)]
            tail.append(g.zpick(MOVIE_GENERAL[label]) if g.chance(0.5) else g.pick(MOVIE_FRAMES))
            sents += g.shuffled(tail)
            if g.chance(0.8):
                sents.append(g.zpick(MOVIE_VERDICT[label]))
        else:
            pool = MOVIE_NEGATION[label] + (MOVIE_SARCASM[label] * (3 if label == 0 else 1))
            body = [g.pick(pool) for _ in range(g.randint(1, 2))]
            body.insert(g.randint(0, len(body)), g.zpick(MOVIE_GENERAL[label]))
            body.insert(g.randint(0, len(body)), g.pick(MOVIE_FRAMES))
            if g.chance(0.4):
                body.insert(g.randint(0, len(body)), aspect(label))
            sents += body
            if g.chance(0.6):
                sents.append(g.zpick(MOVIE_VERDICT[label]))
        sents = [sentence(g, s, ctx) for s in sents]
        if len(set(sents)) != len(sents) or not 2 <= len(sents) <= 7:
            continue
        # IMDB-style HTML line breaks between some sentences
        parts = [sents[0]]
        use_br = g.chance(0.3)
        for s in sents[1:]:
            parts.append(" <br /><br />" if use_br and g.chance(0.45) else " ")
            parts.append(s)
        text = "".join(parts).replace("  ", " ")
        text = text.replace(" <br /><br />", "<br /><br />") if g.chance(0.5) else text
        if 30 <= nwords(text) <= 150:
            return text, kind


# How skewed the choice of sentiment wording is: training reviews favour the common phrasings, test reviews
# draw evenly from the long tail (other reviewers, other words), which a pretrained encoder handles better
# than a bag of words that never saw them.
MOVIE_ZIPF = {"train": 1.4, "test": 0.0}


def make_movie_reviews(seed: int, sizes=(("train", 400), ("test", 100))) -> dict:
    g = Grammar(seed, MOVIE)
    seen: set = set()
    out: dict = {"kinds": {}}
    for split, n in sizes:
        g.zipf = MOVIE_ZIPF[split]
        labels = [0] * (n // 2) + [1] * (n // 2)
        labels = g.shuffled(labels)
        rows, kinds = [], []
        for y in labels:
            while True:
                t, kind = movie_review(g, y)
                if t not in seen:
                    break
            seen.add(t)
            rows.append({"text": t, "label": y})
            kinds.append(kind)
        out[split] = rows
        out["kinds"][split] = kinds      # for diagnostics only; not written
    return out


# ========================================================================== programming questions
# Label order as in the Stack Overflow 16k archive: alphabetical.
PROG_LABELS = ["csharp", "java", "javascript", "python"]
PROG_SHARED = {
    "var": W("items, users, orders, rows, names, scores, products, records, lines, values, results, cities, books, "
             "events, tickets, files, prices, players, tasks, messages"),
    "Type": W("User, Order, Product, Invoice, Customer, Ticket, Book, Player, Employee, Student, Account, Item, "
              "Message, Booking, Vehicle, Report"),
    "Field": W("Name, Age, Price, Date, Id, Score, Total, City, Email, Status, Title, Count, Category, Amount"),
    "field": W("name, age, price, date, id, score, total, city, email, status, title, count, category, amount"),
    "route": W("users, orders, login, api/items, search, products, health, upload, reports"),
    "key": W("settings, token, cart, theme, user, lastVisit, draft"),
    "n": lambda g: str(g.pick([2, 3, 5, 10, 18, 21, 42, 100, 250, 1000])),
    "num": ["ten thousand", "a million", "200", "50,000", "a few hundred", "two million", "5000"],
    "file": W("data.csv, input.txt, config.json, log.txt, users.json, report.xlsx, words.txt, settings.ini"),
    "closer": L("""
Any ideas?
Thanks in advance.
What am I missing?
What am I doing wrong?
Is this a bug or am I misunderstanding something?
Any help is appreciated.
I have searched but found nothing that works.
Thanks!
⟨I'm|I am⟩ stuck on this for hours.
Can someone point me in the right direction?
"""),
    "gtask": L("""
parse a date string like "2021-03-04"
read a text file line by line
sort a «coll» of objects by one of their fields
remove duplicates from a «coll»
convert a string to an integer
make an HTTP GET request and read the response
reverse a string
check whether a key exists in a «map»
format a number with two decimal places
split a string on commas
measure how long a «unit» takes to run
merge one «map» into another
generate a random number between 1 and «n»
read a JSON file into an object
write rows to a CSV file
count how often each word appears in a text
find the largest value in a «coll»
round a number to the nearest integer
check if a string contains another string
join a «coll» of strings into one string
get the current date and time
pad a number with leading zeros
compare two dates
flatten a nested «coll»
trim whitespace from the start and end of a string
replace all occurrences of a substring
check if a file exists before opening it
get the file extension from a path
validate an email address with a regular expression
loop over a «map» and print each key and value
calculate the number of days between two dates
shuffle a «coll» randomly
group «var» by a property
download a file from a URL
wait a few seconds before retrying
run two tasks at the same time
catch an exception and log it
read a number typed by the user
write a unit test for a small «unit»
convert a Unix timestamp to a readable date
sum the numbers in a «coll»
get the last element of a «coll»
check whether a number is prime
encode a string as Base64
hash a password before saving it
copy a «coll» without changing the original
remove an item from a «coll» while looping over it
convert a string to title case
send an email from code
call a REST API that needs a bearer token
"""),
    "symptom": L("""
is very slow
returns the wrong value
hangs forever
works locally but fails on the server
gives different results each time
runs out of memory
prints nothing at all
works the first time and then fails
"""),
    "cond": L("""
the «coll» is empty
I run it a second time
the input has a comma in it
the file is large
two users do it at the same time
the date is in a different format
I deploy it
the «coll» has more than «num» items
"""),
    "generr": L("""
something about a null value
index out of range
a timeout
permission denied
invalid format
an unexpected end of input
"""),
    "shared_env": W("app, program, project, backend, school assignment, side project, microservice, tool, "
                    "little utility, homework, prototype, test project"),
    "shared_coll": W("list, array, collection"),
    "shared_map": W("map, dictionary, lookup table"),
    "shared_unit": W("function, method, routine"),
}
PROG_LANG = {
    "csharp": {
        "tool": W("Visual Studio, Visual Studio 2022, Rider, the dotnet CLI, the Package Manager Console, LINQPad"),
        "blank": W("blank, blank, blank, blank 10, blank 8"),
        "env": W("console app, WinForms app, .NET service, Unity game, ASP.NET Core app, Blazor page, class library, "
                 "Visual Studio solution, WPF app, Azure Function, .NET 6 project"),
        "coll": W("List<string>, List<T>, array, IEnumerable, List<int>"),
        "map": ["Dictionary", "Dictionary<string, int>", "Dictionary<string, object>"],
        "unit": W("method, method, static method, async method"),
        "lib": W("LINQ, Entity Framework, Entity Framework Core, HttpClient, System.Text.Json, Newtonsoft.Json, "
                 "async/await, Task.Run, dependency injection in ASP.NET Core, WPF data binding, XAML, NuGet, "
                 "StringBuilder, DateTime.ParseExact, IQueryable, Moq, xUnit, NUnit, Razor pages, DbContext, "
                 "the dotnet CLI, extension methods, MonoBehaviour, a Parallel.ForEach loop"),
        "task": L("""
use LINQ to group «var» by «field» and count them
call an async method from a constructor
inject a service into a controller
map a one-to-many relationship in Entity Framework
deserialize JSON into a class with System.Text.Json
bind a WPF DataGrid to an ObservableCollection
return a 404 from an ASP.NET Core controller
write an extension method for string
read appsettings.json values in a .NET 6 app
mock an interface with Moq
run a query with Entity Framework without tracking
make a property read-only from outside the class
raise an event from a background thread in WinForms
move a GameObject smoothly in Unity
publish a self-contained executable with the dotnet CLI
"""),
        "concept": L("""
the difference between IEnumerable and IQueryable
why ConfigureAwait(false) is recommended in libraries
what the using statement actually does
how delegates and events relate to each other
when to use a struct instead of a class
what the ? after a type name means
how garbage collection works with IDisposable
what the virtual and override keywords do
"""),
        "pair": L("""
IEnumerable and IQueryable
Task.Run and Task.Factory.StartNew
a struct and a record
string and String
== and .Equals()
ref and out parameters
First() and FirstOrDefault()
AddScoped and AddSingleton
"""),
        "err": L("""
a NullReferenceException
"Object reference not set to an instance of an object"
an InvalidOperationException: Sequence contains no elements
"Cannot implicitly convert type 'string' to 'int'"
"The type or namespace name could not be found"
an ArgumentOutOfRangeException
"Collection was modified; enumeration operation may not execute"
a FormatException
"There is already an open DataReader associated with this Connection"
"A second operation was started on this context before a previous operation completed"
"""),
        "pkg": L("""
the Newtonsoft.Json NuGet package
Entity Framework Core 7
the latest Microsoft.Extensions packages
Serilog from NuGet
"""),
        "code_snip": L("""
var result = «var».Where(x => x.«Field» > «n»).ToList();
var json = await client.GetStringAsync(url);
public async Task<«Type»> Get«Type»Async(int id)
Dictionary<string, int> counts = new Dictionary<string, int>();
foreach (var item in «var») { Console.WriteLine(item.«Field»); }
var d = DateTime.ParseExact(input, "dd/MM/yyyy", CultureInfo.InvariantCulture);
if (int.TryParse(text, out var number)) { total += number; }
services.AddScoped<I«Type»Service, «Type»Service>();
var sb = new StringBuilder(); sb.Append(line);
string joined = string.Join(", ", «var»);
public string «Field» { get; set; }
using var stream = File.OpenRead(path);
var groups = «var».GroupBy(o => o.«Field»).Select(g => new { g.Key, Count = g.Count() });
var «field» = _context.«Type»s.FirstOrDefault(x => x.Id == id);
Console.WriteLine($"Total: {total:F2}");
var data = JsonSerializer.Deserialize<List<«Type»>>(json);
"""),
    },
    "java": {
        "tool": W("IntelliJ, Eclipse, IntelliJ IDEA, the JDK 17 command line, NetBeans, Android Studio"),
        "blank": W("blank, blank, blank, blank 17, blank 8, blank 11"),
        "env": W("Android app, Spring Boot service, Maven project, servlet, Swing app, Minecraft plugin, Gradle build, "
                 "Tomcat web app, Spring MVC controller, Android activity, Jakarta EE app"),
        "coll": W("ArrayList, List<Integer>, array, List<String>, LinkedList"),
        "map": ["HashMap", "Map<String, Integer>", "TreeMap", "HashMap<String, List<String>>"],
        "unit": W("method, method, static method, void method"),
        "lib": W("streams, Collectors.groupingBy, Optional, Spring Boot, Spring Data JPA, Hibernate, Maven, Gradle, "
                 "JUnit 5, Mockito, Jackson's ObjectMapper, Lombok, JDBC, CompletableFuture, ExecutorService, "
                 "LocalDate and DateTimeFormatter, Scanner, BufferedReader, RecyclerView, Retrofit, the pom.xml, "
                 "Comparator.comparing, synchronized blocks, try-with-resources"),
        "task": L("""
collect a stream into a Map
group «var» by «field» with Collectors.groupingBy
make a REST endpoint return JSON in Spring Boot
map a one-to-many relationship with Hibernate
read a properties file from the classpath
use Optional instead of checking for null
sort an ArrayList with a Comparator
run tasks in parallel with an ExecutorService
mock a repository in a JUnit test with Mockito
add a dependency to the pom.xml
pass data between two Android activities
convert a LocalDate to a String with a pattern
make a class immutable
override equals and hashCode correctly
read from standard input with Scanner without skipping lines
"""),
        "concept": L("""
the difference between checked and unchecked exceptions
why generics use type erasure
what the static keyword means for a nested class
how the volatile keyword works
what an interface default method is for
why Strings are immutable
how the JVM decides when to run the garbage collector
what a functional interface is
"""),
        "pair": L("""
an abstract class and an interface
ArrayList and LinkedList
HashMap and Hashtable
== and equals()
map() and flatMap() on a stream
@Component and @Service
Integer and int
StringBuilder and StringBuffer
"""),
        "err": L("""
a NullPointerException
a ConcurrentModificationException
"cannot find symbol"
"non-static method cannot be referenced from a static context"
"OutOfMemoryError: blank heap space"
a NumberFormatException
"unreported exception IOException; must be caught or declared to be thrown"
an ArrayIndexOutOfBoundsException
"incompatible types: String cannot be converted to int"
a ClassNotFoundException
a BeanCreationException when Spring starts
"""),
        "pkg": L("""
Spring Boot 3
the Jackson databind dependency
Hibernate 6
a new Gradle plugin
"""),
        "code_snip": L("""
List<String> names = «var».stream().map(«Type»::get«Field»).collect(Collectors.toList());
Map<String, Integer> counts = new HashMap<>();
for (int i = 0; i < arr.length; i++) { sum += arr[i]; }
Scanner sc = new Scanner(System.in); int n = sc.nextInt();
LocalDate date = LocalDate.parse(text, DateTimeFormatter.ofPattern("dd/MM/yyyy"));
int value = Integer.parseInt(input.trim());
@Autowired private «Type»Repository repository;
try (BufferedReader br = new BufferedReader(new FileReader("«file»"))) { ... }
System.out.println(«var».size());
«var».sort(Comparator.comparing(«Type»::get«Field»));
CompletableFuture<«Type»> f = CompletableFuture.supplyAsync(() -> load«Type»(id));
String s = String.format("%.2f", value);
Optional<«Type»> found = repository.findById(id);
public static void main(String[] args) { new App().run(); }
for («Type» x : «var») { if (x.get«Field»() == null) «var».remove(x); }
"""),
    },
    "javascript": {
        "tool": W("Chrome DevTools, the browser console, VS Code with Node 18, Firefox, the npm scripts, Node 20"),
        "blank": W("blank, blank, blank, vanilla blank, plain blank"),
        "env": W("web page, Node script, React app, browser extension, Express server, Vue component, Electron app, "
                 "Angular app, Next.js page, single-page app, npm package"),
        "coll": W("array, array, array of objects, NodeList"),
        "map": W("object, Map, plain object"),
        "unit": W("function, arrow function, async function, callback"),
        "lib": W("promises, async/await, fetch, the DOM, addEventListener, npm, Express, React's useEffect, "
                 "React's useState, Vue, jQuery, Array.prototype.reduce, JSON.parse, localStorage, setTimeout, "
                 "webpack, Babel, axios, ES modules, Node streams, the event loop, template literals, "
                 "destructuring, the spread operator"),
        "task": L("""
wait for several promises to finish before continuing
update state in a React component after a fetch
add a click handler to every button on the page
export a function from an ES module
read a request body in Express
debounce an input field
deep clone an object
store an array in localStorage
call an API with axios and handle errors
render a list of «var» with map in JSX
stop a form from reloading the page on submit
bundle my code with webpack
run a Node script with command line arguments
change the text of an element with querySelector
filter an array of objects by «field»
"""),
        "concept": L("""
how "this" works inside an arrow function
what closures are
how the event loop decides what runs next
the difference between let, const and var
why hoisting makes my variable undefined
how prototypes are related to classes
what a promise actually is
why useEffect runs twice in development
"""),
        "pair": L("""
== and ===
null and undefined
let and var
map() and forEach()
async/await and .then()
require and import
a Map and a plain object
slice() and splice()
"""),
        "err": L("""
"Uncaught TypeError: Cannot read properties of undefined (reading 'map')"
"TypeError: «var».map is not a function"
"Unexpected token < in JSON at position 0"
"No 'Access-Control-Allow-Origin' header is present on the requested resource"
"ReferenceError: «field» is not defined"
"Uncaught (in promise) TypeError: Failed to fetch"
"Maximum call stack size exceeded"
"SyntaxError: Cannot use import statement outside a module"
NaN
"Cannot set headers after they are sent to the client"
"""),
        "pkg": L("""
React 18
the latest version of webpack
axios from npm
a new major version of Express
"""),
        "code_snip": L("""
const res = await fetch(url); const data = await res.json();
document.querySelector('#«field»').addEventListener('click', () => { count++; });
const «field»s = «var».map(item => item.«field»);
const [«var», set«Type»s] = useState([]);
const total = «var».reduce((sum, x) => sum + x.«field», 0);
app.get('/«route»', (req, res) => { res.json(«var»); });
for (var i = 0; i < 3; i++) { setTimeout(() => console.log(i), 1000); }
const saved = JSON.parse(localStorage.getItem('«key»'));
console.log(typeof «field»);
const { «field», id } = props;
const d = new Date('2023-04-05');
npm install «key»-utils --save-dev
$('.«field»').hide();
module.exports = { get«Type» };
useEffect(() => { load«Type»s(); }, []);
Promise.all(«var».map(x => save(x))).then(() => done());
"""),
    },
    "python": {
        "tool": W("PyCharm, the terminal, a Jupyter notebook, IDLE, VS Code with a venv, Anaconda"),
        "blank": W("blank, blank, blank, blank 3, blank 3.11, blank 2"),
        "env": W("script, Jupyter notebook, Django app, Flask API, data pipeline, Raspberry Pi project, "
                 "command-line tool, Airflow job, FastAPI service, pandas notebook, scraping script"),
        "coll": W("list, list, tuple, list of dicts, list of lists"),
        "map": W("dict, dictionary, defaultdict"),
        "unit": W("function, function, def, generator function"),
        "lib": W("pandas, numpy, list comprehensions, pip, virtualenv, Django models, Flask, requests, BeautifulSoup, "
                 "matplotlib, decorators, generators, f-strings, datetime.strptime, the csv module, asyncio, "
                 "collections.Counter, defaultdict, pytest, dataclasses, type hints, scikit-learn, tkinter, "
                 "the re module, itertools, SQLAlchemy"),
        "task": L("""
group a DataFrame by «field» and sum another column
flatten a list of lists with a list comprehension
install a package with pip inside a virtual environment
add a computed column to a pandas DataFrame
scrape a table with BeautifulSoup
plot two lines on the same matplotlib figure
write a decorator that times a function
read a CSV with pandas and skip the first rows
make a Django model field optional
return JSON from a Flask route
run several requests concurrently with asyncio
count words with collections.Counter
create a numpy array of zeros with a given shape
filter DataFrame rows where «field» is missing
write a pytest fixture for a temporary file
"""),
        "concept": L("""
what self means in a class
what *args and **kwargs do
how generators and yield work
why a mutable default argument keeps its value
what if __name__ == "__main__" is for
how the GIL affects threads
what a virtual environment actually changes
how list slicing with negative numbers works
"""),
        "pair": L("""
a list and a tuple
append() and extend()
is and ==
a generator and a list comprehension
loc and iloc in pandas
pip and conda
deepcopy and copy
@staticmethod and @classmethod
"""),
        "err": L("""
"TypeError: 'NoneType' object is not subscriptable"
"IndentationError: unexpected indent"
a KeyError
"ModuleNotFoundError: No module named '«key»'"
"AttributeError: 'list' object has no attribute '«field»'"
"ValueError: invalid literal for int() with base 10"
a SettingWithCopyWarning
"UnboundLocalError: local variable referenced before assignment"
"RecursionError: maximum recursion depth exceeded"
"ImportError: attempted relative import with no known parent package"
"""),
        "pkg": L("""
pandas 2.0
the latest numpy
Django 4
requests with pip
"""),
        "code_snip": L("""
df.groupby('«field»')['«field»'].sum()
doubled = [x * 2 for x in «var» if x > «n»]
with open('«file»') as f: lines = f.readlines()
d = datetime.strptime(s, '%d/%m/%Y')
«var».sort(key=lambda p: p['«field»'])
pip install «key»
r = requests.get(url, timeout=10)
for i, row in df.iterrows(): total += row['«field»']
def __init__(self, «field»): self.«field» = «field»
counts = Counter(words)
grid = np.zeros((«n», «n»))
@app.route('/«route»')
print(f"{«field»} = {total:.2f}")
lookup = {k: v for k, v in pairs}
def add(item, «var»=[]): «var».append(item); return «var»
df['«field»'] = df['«field»'].fillna(0)
"""),
    },
}
PROG_SPECIFIC = L("""
How do I «task» ⟨in blank|with «lib»|using «lib»|⟩?
I'm trying to «task» with «lib», but I keep getting «err». «code_snip» «closer»
What is the ⟨difference|practical difference|real difference⟩ between «pair»⟨ in blank|⟩? ⟨When should I use which?|The docs did not make it clear to me.|⟩
Is there a ⟨cleaner|simpler|more idiomatic|faster⟩ way to write this? «code_snip»
«code_snip» ⟨This line|The line above|This⟩ throws «err» when «cond». Why?
I am new to «blank» and ⟨I don't understand|I'm confused about⟩ «concept». Can someone explain it with a simple example?
After ⟨upgrading to|installing⟩ «pkg», ⟨my project no longer builds|I get «err» on startup⟩. ⟨How do I fix this|What changed|Should I downgrade⟩?
My «unit» «symptom» when «cond». «code_snip» «closer»
Can «lib» be used to «task», or do I need ⟨a third-party library|something else|to write it by hand⟩?
⟨Quick question about «lib»|Question about «lib»⟩: how do I «task»?
I keep getting «err» ⟨in my «env»|when I «task»⟩. «closer»
⟨In|Using⟩ «blank», what is the ⟨right|usual|recommended⟩ way to «task»?
Why does «lib» behave differently ⟨in tests|on the build server|in production⟩? «code_snip» «symptom».
I have this line: «code_snip» It ⟨works|compiles|runs⟩, but ⟨a colleague said it is bad practice|it looks ugly to me|it is slow for «num» «var»⟩. How would you ⟨write it|improve it⟩?
""")
PROG_GENERIC = L("""
How do I «gtask» in my «env»?
What's the ⟨best|easiest|recommended|most efficient⟩ way to «gtask»? ⟨I'm working on|This is for⟩ a «env».
⟨I need to|I want to|I have to⟩ «gtask». ⟨Right now|Currently⟩ I loop over the «coll», but ⟨it feels clumsy|it is slow|there must be a better way⟩.
Why is my loop so slow when I «gtask»? The «coll» has about «num» items.
⟨Is there a built-in «unit» to|Do I have to write my own «unit» to⟩ «gtask»?
My «env» ⟨crashes|hangs|freezes⟩ when I try to «gtask». The error only says «generr».
⟨Simple question|Beginner here|Quick question⟩: how can I «gtask» ⟨without a library|using only the standard library|in one line⟩?
I wrote a «unit» to «gtask», but it «symptom» when «cond». «closer»
⟨How would you|What is the cleanest way to⟩ «gtask» ⟨in «blank»|in a «env»|⟩?
⟨Is it possible|Is there a way⟩ to «gtask» ⟨in «blank»|⟩ without ⟨a loop|an extra «coll»|a third-party package⟩?
""")


PROG_ZIPF_KEYS = ("tool", "env", "coll", "map", "unit", "lib", "code_snip", "err", "task")


def prog_question(g: Grammar, lang: str, kind: str) -> str:
    pools = dict(PROG_SHARED)
    pools.update(PROG_LANG[lang])
    if kind == "vague":            # only cues shared by all four languages
        pools.update(env=PROG_SHARED["shared_env"], coll=PROG_SHARED["shared_coll"],
                     map=PROG_SHARED["shared_map"], unit=PROG_SHARED["shared_unit"], blank=["blank"])
    for k in PROG_ZIPF_KEYS:     # a few very common cues per language and a long tail of rarer ones
        pools[k] = (lambda seq: (lambda gg: gg.zpick(seq)))(pools[k])
    g.pools = pools
    g.code = []
    template = g.pick(PROG_SPECIFIC if kind == "specific" else PROG_GENERIC)
    if kind != "vague":
        if g.chance(0.35):
            template += " ⟨I'm using|I use|Running it from|Debugging it in|I test it in⟩ «tool»."
        if "«env»" not in template and g.chance(0.7):
            template += " ⟨This is for|It's for|I'm working on|Context:⟩ a «env»."
        if "«code_snip»" not in template and g.chance(0.55):
            template += " ⟨Here is what I have:|My attempt:|So far:|Current code:⟩ «code_snip»"
        if "«lib»" not in template and kind == "specific" and g.chance(0.4):
            template += " ⟨I'm using|I already use|We use⟩ «lib» ⟨elsewhere in the project|for the rest of it|if that matters⟩."
    text = cap(tidy(g.x(template)))
    return g.restore_code(text)


def make_programming_questions(seed: int, sizes=(("train", 400), ("test", 100))) -> dict:
    g = Grammar(seed, {})
    g.zipf = 1.0
    seen: set = set()
    out = {}
    for split, n in sizes:
        labels = g.shuffled([i for i in range(4) for _ in range(n // 4)])
        rows = []
        for y in labels:
            kind = g.weighted([("specific", 0.46), ("generic", 0.48), ("vague", 0.06)])
            while True:
                t = prog_question(g, PROG_LABELS[y], kind)
                if t not in seen:
                    break
            seen.add(t)
            rows.append({"text": t, "label": y})
        out[split] = rows
    return out


# =============================================================================== english corpus
_PLACE_A = W("""Ash, Bel, Brin, Cal, Carra, Dorn, Elm, Fal, Gran, Hal, Isen, Kel, Lyn, Mor, Nor, Oss, Pel, Quar, Rav,
Sel, Tarn, Ul, Ven, Wyr, Yar, Zel, Thal, Bryn, Cor, Drav, Esk, Fenn, Gil, Hul, Ivel, Jor, Kess, Lorn, Mael, Nethe""")
_PLACE_B = W("""holt, mere, wick, esk, orn, avel, enna, ara, ith, oth, wen, ast, ine, ow, und, stow, garth, haven,
ridge, combe, thorpe, brook, water, dal""")


def place(g: Grammar) -> str:
    return g.pick(_PLACE_A) + g.pick(_PLACE_B)


CORPUS_SHARED = {
    "person": person,
    "year": lambda g: str(g.randint(1620, 1935)),
    "later_year": lambda g: str(g.randint(1950, 1985)),
    "num": lambda g: str(g.pick([g.randint(12, 95), g.randint(100, 900), g.randint(1000, 9000)])),
    "num_small": W("two, three, four, five, six, seven, eight, nine, twelve"),
    "region": W("""northern uplands, western lowlands, eastern coastal plain, southern hills, central valleys, far north,
rainy west, island provinces, border country, inland plateau"""),
    "month": W("January, February, March, April, May, June, July, August, September, October, November, December"),
    "season": W("spring, summer, autumn, winter, late autumn, early spring"),
    "century": W("sixteenth, seventeenth, eighteenth, nineteenth, early twentieth"),
    "many": W("many, several, a number of, dozens of, a few"),
    "also": ["", "", "also ", "still ", "often "],
}

# Each topic: title templates, an intro, body sentences (a few drawn per paragraph), optional history and closing
# sentences, its own phrase pools, and keywords (frequent topic words, written to topics.json for lab 01-6).
TOPICS: dict[str, dict] = {}

TOPICS["rivers"] = dict(
    title=["River «P»", "River «P»", "«P» (river)"],
    intro=L("""
The River «P» is a river in the «region» that rises among «r_land» and flows «dir» for about «num» kilometres to the sea.
The «P» is a ⟨long|short|swift|slow⟩ river whose source lies among «r_land» above the town of «P2».
The River «P» drains a wide basin of «r_land» and farmland, and its mouth forms «r_mouth».
The «P» is the main river of the «region», rising at a spring in «r_land» and entering the sea through «r_mouth».
"""),
    body=L("""
Along its middle course the river forms «r_feature», and the valley floor is covered in fertile silt left by ⟨seasonal|winter|spring⟩ floods.
Its largest tributary, the «P3» ⟨Beck|Brook|Water⟩, joins the main channel ⟨just below|a few kilometres above⟩ «P2».
The current is strongest in spring, when meltwater from the hills swells the river and floods the water meadows.
In dry summers the water level falls so low that gravel bars appear in the channel and the rapids can be crossed on foot.
The river has cut a ⟨deep|narrow|steep⟩ gorge through the limestone, and several springs emerge from caves in the valley walls.
Much of its catchment is «r_land», so the water is often stained brown with peat.
Below «P2», the river widens into «r_feature», where anglers fish for trout and salmon.
Engineers built a weir and a series of locks so that barges could carry grain and timber ⟨upstream|up the valley⟩.
The floodplain is crossed by old drainage ditches and embankments built to protect farmland from high water.
After heavy rain the river carries a large load of sediment, and the estuary is slowly filling with mud and sand.
Several stone bridges cross the river at «P2», the oldest of which has «num_small» arches.
The river is fed by «num_small» tributaries, most of them short streams that tumble down from the surrounding ridges.
The watershed between the «P» and the neighbouring «P3» runs along a line of low hills.
In its upper reaches the river flows through a narrow valley with ⟨steep banks|wooded slopes⟩ and many small waterfalls.
Near the mouth the tide reaches «num_small» kilometres inland, and the water becomes brackish.
Water mills once lined the banks, ⟨grinding corn|sawing timber|fulling cloth⟩ and powering small workshops.
A reservoir in the upper valley ⟨now supplies|has supplied⟩ drinking water to the towns downstream since «later_year».
The lower course meanders across a flat plain, and over the centuries the channel has shifted many times, leaving oxbow lakes behind.
Otters and kingfishers have returned to the river since the water quality improved.
The river freezes in hard winters, and the ice once carried away a wooden footbridge at «P2».
"""),
    history=L("""
The surveyor «person» mapped the course of the river in «year», measuring its depth at every bend.
A great flood in «year» swept away the mills at «P2» and changed the course of the lower river.
The first bridge over the river at «P2» was built in the «century» century, replacing a ford and a ferry.
"""),
    closing=L("""
Today the valley of the «P» is popular with walkers, and a footpath follows the river from its source to the sea.
The river and its banks are now a nature reserve, protected for their rare plants and fish.
"""),
    pools={
        "r_land": W("moorland, chalk hills, a granite plateau, wooded hills, limestone uplands, peat bogs, high fells"),
        "r_feature": W("""broad meanders, a chain of deep pools, a wide floodplain, gravel banks and islands, reed-fringed
backwaters, a series of shallow rapids"""),
        "r_mouth": W("a broad tidal estuary, a marshy delta, a narrow sandy inlet, a wide bay of mudflats"),
        "dir": W("north, south, east, west, south-east, north-west, south-west, north-east"),
    },
    keywords=W("""river, tributary, valley, estuary, floodplain, channel, banks, current, rapids, gorge, meanders, source,
mouth, flood, silt, weir, catchment, waterfalls, tide, reservoir"""),
)

TOPICS["birds"] = dict(
    fixed=["bird", "b_color", "b_part"],
    title=["«b_color»-«b_part» «bird»", "«b_color»-«b_part» «bird»", "«P» «bird»"],
    intro=L("""
The «E» is a species of «bird» that breeds in «habitat» and spends the winter in «habitat2».
The «E» is a ⟨small|medium-sized|slender|stocky⟩ bird with «b_colour_l» plumage, a «bill» bill and a ⟨thin|loud|harsh|sweet⟩ call.
The «E» is a ⟨common|scarce|local|declining⟩ bird of «habitat» in the «region», where it is present all year.
The «E» is a migratory ⟨songbird|wading bird|bird⟩ that nests in «habitat» and feeds on insects and seeds.
"""),
    body=L("""
Males sing from a high perch in early spring to defend their territory and attract a mate.
The nest is a neat cup of grass, moss and feathers, built low in «nest_site».
The female lays a clutch of «num_small» eggs, which are «egg» and hatch after about two weeks of incubation.
Both parents feed the chicks on insects, caterpillars and spiders until they ⟨fledge|leave the nest⟩.
Outside the breeding season the birds gather in loose flocks and feed on seeds and berries.
Its song is a «song» that can be heard from far away on a calm morning.
In autumn most of the population migrates south, flying at night and resting by day in «habitat2».
Juveniles have duller plumage than adults and lack the «b_colour_l» patch on the «bodypart».
The species moults once a year after breeding, replacing its worn flight feathers one at a time.
Its «bill» bill is used to probe mud and soft soil for worms and small shellfish.
Hawks and owls take many adults, and crows often raid the nests for eggs.
Birdwatchers recognise it by the «b_colour_l» bar on its wings and its habit of flicking its tail.
Ringing studies have shown that individual birds return to the same nesting site year after year.
Numbers have fallen where hedgerows were removed, but the bird has recovered where farmers leave wild margins.
Pairs often raise two broods in a good summer, and the young of the first brood sometimes help to feed the second.
During courtship the male ⟨bows and spreads his tail|performs a fluttering song flight|offers the female food⟩.
Its wings are long and pointed, and it ⟨hovers|glides|flies low⟩ over «habitat» when hunting for insects.
The species is ⟨shy|secretive|bold|noisy⟩, and it is more often heard than seen in thick cover.
"""),
    history=L("""
The naturalist «person» first described the species in «year» from a specimen collected near «P2».
Early bird books from the «century» century called it the «P2» ⟨finch|lark|warbler⟩, a name still used by older birdwatchers.
"""),
    closing=L("""
The bird is now protected, and several reserves have been created to safeguard its breeding grounds.
Volunteers count the nesting pairs each spring, and the results are published in the annual bird report.
"""),
    pools={
        "b_color": W("Grey, Russet, Amber, Slate, Pale, Black, Olive, Chestnut, Speckled, White, Rufous, Dusky, Yellow"),
        "b_colour_l": W("grey, russet, amber, slate-blue, pale, black, olive, chestnut, speckled, white, rufous, yellow"),
        "b_part": W("crowned, throated, winged, billed, tailed, breasted, capped, rumped"),
        "bird": W("warbler, finch, plover, thrush, lark, wren, sandpiper, bunting, pipit, wagtail, flycatcher, shrike"),
        "habitat": W("""reed beds, upland moors, coastal marshes, open woodland, hedgerows and farmland, mountain forests,
river shingle, salt marshes, heathland, damp meadows"""),
        "habitat2": W("""coastal marshes, river valleys, farmland, the warm south, estuaries, scrub and gardens, open
grassland"""),
        "bill": W("short, thin, long, slender, stout, curved, pointed, conical"),
        "nest_site": W("a thick hedge, a reed bed, a bramble bush, a hollow in the ground, a gorse bush, an ivy-covered wall"),
        "egg": W("pale blue with brown spots, creamy white, olive with dark speckles, glossy white, buff with grey blotches"),
        "song": W("""rapid, scratchy warble, series of clear, fluting notes, dry, rattling trill, sweet, descending whistle,
long, bubbling phrase"""),
        "bodypart": W("throat, crown, breast, rump, nape, tail"),
    },
    keywords=W("""bird, birds, nest, eggs, plumage, species, song, wings, feathers, chicks, bill, breeding, flocks,
insects, migrates, clutch, incubation, moults, birdwatchers, perch"""),
)

TOPICS["astronomy"] = dict(
    fixed=["tel"],
    title=["«P» Observatory"],
    intro=L("""
«P» Observatory is an astronomical observatory built on a hilltop above «P2», where the night sky is dark and the air is dry.
The «P» Observatory houses a «tel» telescope with a mirror «num» centimetres across.
«P» Observatory is a ⟨university|national|private⟩ observatory devoted to the study of stars, planets and comets.
The «P» Observatory stands on a mountain ridge in the «region», far from the lights of towns.
"""),
    body=L("""
Its astronomers study variable stars, whose brightness rises and falls over days or weeks.
From the dome, observers have tracked comets as they swing around the Sun on long, elliptical orbits.
The telescope's mirror gathers faint light from distant galaxies, and a spectrograph splits that light into a spectrum.
By measuring the spectrum of a star, astronomers can estimate its temperature and the elements in its atmosphere.
Observers photograph the craters of the Moon at each lunar phase and compare the images across the years.
On clear nights the observatory records meteors, most of which are grains of dust burning up high in the atmosphere.
Students use a smaller telescope to observe the planets, including the rings of Saturn and the moons of Jupiter.
A catalogue of «num» stars, with their positions and magnitudes, was compiled here over several decades.
The observatory took part in observing a total solar eclipse, when the Moon passed in front of the Sun and the corona became visible.
Astronomers at «P» discovered a faint nebula, a cloud of gas and dust in which new stars are forming.
Light pollution from the growing town has made faint objects harder to see, so the newest instruments observe in infrared.
The dome rotates on rails so that its slit can be turned towards any part of the sky.
Observers once noted the exact moment at which each star crossed the meridian, a method used to keep accurate time.
Several asteroids, small rocky bodies orbiting the Sun, were first detected on plates taken at the observatory.
A radio telescope was added ⟨later|in «later_year»⟩ to study signals from pulsars and the centre of the galaxy.
The brightest star in the observatory's catalogue is a red giant about «num» light-years away.
A double star in the constellation of the ⟨Swan|Lyre|Hunter|Plough⟩ was measured here every year to calculate the orbit of its two stars.
The telescope is mounted on a heavy axis aligned with the pole, so that it can follow the stars as the Earth turns.
"""),
    history=L("""
The astronomer «person» founded the observatory in «year» with money raised by the people of «P2».
In «year» the astronomer «person» used the great telescope to discover a faint moon orbiting one of the outer planets.
"""),
    closing=L("""
The observatory opens its doors to the public on clear evenings, when visitors can look through the telescope.
Its archive of photographic plates is still used by astronomers studying how stars change over time.
"""),
    pools={"tel": W("reflecting, refracting, large reflecting, solar, twin, historic refracting")},
    keywords=W("""telescope, stars, star, observatory, astronomers, planets, comets, orbit, galaxy, nebula, eclipse, moon,
sun, spectrum, meteors, asteroids, sky, light-years, dome, constellation"""),
)

TOPICS["instruments"] = dict(
    title=["«P» «inst»"],
    intro=L("""
The «E» is a «family» instrument traditionally played in the «region», especially around the town of «P».
The «E» is a folk instrument of the «inst» family, known for its ⟨bright|warm|mellow|reedy|haunting⟩ tone.
The «E» is a regional form of the «inst», made by craftsmen in «P» since the «century» century.
"""),
    body=L("""
Musicians play it at weddings, harvest festivals and village dances.
Makers carve the body from «wood», which gives the instrument a warm, resonant tone.
The instrument often accompanies singers, playing the melody in unison or holding a steady drone beneath the tune.
In an ensemble it usually takes the lead, while other instruments supply rhythm and harmony.
Apprentices learn to play by ear, copying tunes from older players rather than reading printed music.
Modern versions have been adapted for the concert hall, with a wider range and a louder sound.
A good instrument takes a maker several months to build and may last for generations.
Composers in «P2» wrote sonatas and dance suites for it, and some of these are still performed.
The player holds it ⟨across the knees|against the chest|under the chin|upright between the knees⟩ and ⟨sits|stands⟩ while performing.
Its range covers about two octaves, and skilled performers can play fast ornaments and trills.
Tunes for the instrument are usually in a major key, with a lively rhythm suited to dancing.
Each region has its own tuning, so players travelling to other festivals must retune before joining an ensemble.
"""),
    body_string=L("""
It has «num_small» strings of gut or wire, stretched over a bridge that carries their vibration to the soundboard.
Players pluck the strings with the fingertips or a quill, and frets on the neck mark the notes.
The soundboard is made of thin spruce, and a carved rose covers the sound hole.
Tuning pegs at the head let the player adjust the tension of each string before a concert.
Some players use a bow strung with horsehair, rubbed with rosin so that it grips the strings.
"""),
    body_wind=L("""
The player blows into the mouthpiece, and the column of air inside the bore vibrates to produce a note.
Finger holes along the body change the length of the vibrating air column and so the note that sounds.
Its reed is cut from cane, and players spend many hours shaping reeds to suit their breath and style.
Good breath control allows a player to sustain long phrases and to play softly or loudly at will.
Keys and valves were added in the «century» century, allowing the instrument to play in every key.
"""),
    body_drum=L("""
The skin is stretched over a wooden frame and tightened with cords to raise or lower its tone.
Players strike it with the hand or with a padded beater, keeping the rhythm for the dancers.
Small metal jingles set into the frame rattle with every beat.
"""),
    history=L("""
The oldest surviving example, made by «person» in «year», is kept in the music museum at «P2».
The composer «person» wrote a famous concerto for the instrument in «year», which made it popular in the concert hall.
"""),
    closing=L("""
Today the instrument is taught at the music school in «P», and a festival for players is held there every summer.
A revival of folk music in the twentieth century brought it back into dance bands and recordings.
"""),
    pools={"wood": W("maple and spruce, pear wood, walnut, boxwood, cherry wood, willow, ebony and spruce")},
    keywords=W("""instrument, strings, tone, melody, player, players, tune, tunes, music, rhythm, ensemble,
concert, bow, reed, composers, octaves, drone, performers"""),
)
INSTRUMENT_KINDS = [("lute", "string"), ("fiddle", "string"), ("harp", "string"), ("zither", "string"),
                    ("dulcimer", "string"), ("flute", "wind"), ("shawm", "wind"), ("pipe", "wind"),
                    ("horn", "wind"), ("clarinet", "wind"), ("drum", "drum"), ("tambourine", "drum")]

TOPICS["cooking"] = dict(
    fixed=["dish", "main"],
    title=["«P» «dish»", "«P» «dish»", "«P»-style «dish»"],
    intro=L("""
«E» is a traditional «dish» from the town of «P», made with «main» and «veg».
«E» is a «meal» dish of «main» slowly cooked with «veg» and «spice».
«E» is a ⟨simple|rich|famous|humble⟩ «dish» of the «region», where every family has its own recipe.
"""),
    body=L("""
The «main» is first browned in butter in a heavy pan, then covered with stock and left to simmer for several hours.
Cooks season it with «spice» and «spice2», and a splash of vinegar is added just before serving.
The dough is kneaded until smooth, left to rise in a warm kitchen and then baked in a hot oven until golden.
Families prepare it for «festival», when large pots are shared among neighbours.
It is traditionally served with «side» and a glass of «drink».
Each household has its own recipe, and cooks argue about adding «veg» to the dish.
Leftovers are often fried the next morning and eaten with eggs.
The sauce is thickened with flour and enriched with cream, giving it a smooth texture.
Slow roasting over a wood fire gives the meat a smoky flavour and a crisp crust.
Older recipes call for salt pork and dried herbs, since fresh ingredients were scarce in winter.
The broth must be stirred often and never allowed to boil too fast, or it turns cloudy.
Restaurants in «P2» serve a lighter version, with less fat and more fresh herbs.
Bakers brush the top with beaten egg and sprinkle it with poppy seeds before it goes into the oven.
The flavour improves if the stew rests overnight, so many cooks make it a day ahead.
Pickled «veg» and a sharp mustard are the usual accompaniments.
The «veg» are chopped finely and fried gently in oil until soft and sweet.
A pinch of «spice» and a spoonful of honey balance the sourness of the sauce.
"""),
    history=L("""
A recipe for the dish appears in a cookery book written by «person» in «year».
The dish was first sold at the market of «P» in the «century» century, when travellers needed a cheap and filling meal.
"""),
    closing=L("""
It is now served in restaurants across the region, and a cooking competition is held in «P» every autumn.
Food writers regard it as one of the classic dishes of the «region».
"""),
    pools={
        "dish": W("stew, pie, flatbread, broth, dumpling soup, pudding, porridge, cake, soup, pancake, hotpot, casserole"),
        "main": W("lamb, mutton, barley, lentils, smoked fish, pork, beans, chicken, rye flour, chickpeas, mushrooms, beef"),
        "veg": W("onions, leeks, carrots, turnips, cabbage, potatoes, beetroot, parsnips, garlic, peppers"),
        "spice": W("""cumin, caraway, saffron, black pepper, dill, coriander, bay leaves, juniper berries, thyme, smoked
paprika, nutmeg, cinnamon"""),
        "spice2": W("parsley, marjoram, sage, fennel, garlic, chilli, allspice"),
        "meal": W("hearty winter, festive, everyday, simple summer, breakfast, Sunday"),
        "side": W("rye bread, boiled potatoes, buttered noodles, rice, dumplings, a green salad, flatbread, sour cream"),
        "drink": W("cider, dark beer, buttermilk, red wine, herbal tea, apple juice"),
        "festival": W("the autumn harvest, midwinter, weddings, the spring fair, the new year, market days"),
    },
    keywords=W("""dish, recipe, cooks, flour, butter, onions, garlic, oven, pan, simmer, sauce, dough, herbs, stew,
broth, flavour, served, baked, kitchen"""),
)

TOPICS["railways"] = dict(
    fixed=["gauge"],
    title=["«P» and «P2» Railway", "«P» and «P2» Railway", "«P» Branch Line"],
    intro=L("""
The «E» was a «gauge» railway line that linked the market town of «P» with the port of «P2», a distance of «num» kilometres.
The «E» is a «gauge» railway in the «region», opened in «year» to serve the quarries and farms of the valley.
The «E» was a branch line that left the main line at «P3» junction and ran to a terminus at «P2».
"""),
    body=L("""
The line was built to carry coal and slate from the quarries to the coast, but it soon attracted passengers as well.
Its steepest section climbed through a long cutting and a tunnel of «num» metres beneath the ridge.
A stone viaduct of «num_small» arches carries the track across the valley near «P3».
Steam locomotives hauled goods trains of up to «num_small» wagons, with a second engine added on the steep gradient.
Stations were built at every village, each with a wooden platform, a signal box and a small goods yard.
The timetable offered «num_small» passenger trains a day in each direction, with an express on market days.
Signals were worked by levers in the signal box, and a single-line token prevented two trains from entering the same section.
At the junction with the main line, passengers changed trains for the capital.
The engine shed and repair works at «P» employed hundreds of fitters, drivers and firemen.
Carriages were lit by oil lamps until electric lighting was installed.
Oak sleepers supported the rails, and gangs of platelayers walked the track each day to check for damage.
Heavy snow sometimes blocked the cuttings, and a plough fitted to the locomotive was used to clear the line.
Freight traffic declined as lorries took over, and the line closed to passengers in «later_year».
Part of the route now carries a heritage railway, where volunteers run restored steam engines in summer.
The terminus at «P2» had a glass roof over three platforms and sidings that ran down to the quay.
The railway company bought ⟨four|six|eight⟩ tank engines from a locomotive works in «P3».
A level crossing in the centre of «P» was controlled by a keeper who lived in a cottage beside the track.
Milk churns, livestock and parcels were carried in vans attached to the passenger trains.
"""),
    history=L("""
The engineer «person» surveyed the route in «year», and the first train ran a few years later.
An act of parliament authorised the railway in «year», after a long dispute with the canal company.
"""),
    closing=L("""
The trackbed of the closed section has become a cycle path, and several station buildings survive as houses.
A museum at the old station displays tickets, lamps and a restored carriage.
"""),
    pools={"gauge": W("standard-gauge, narrow-gauge, single-track, double-track, light")},
    keywords=W("""railway, line, station, stations, locomotives, steam, engine, track, trains, passengers, wagons, signal,
platform, viaduct, tunnel, junction, goods, timetable, carriages, rails"""),
)

TOPICS["chemistry"] = dict(
    fixed=["element"],
    title=["«P»ite", "«P»ite", "«P» salt"],
    intro=L("""
«E» is a mineral composed mainly of «element» and oxygen, first found in the mines near «P».
«E» is a chemical compound of «element» and sulfur that occurs as «color» crystals in the rocks of the «region».
«E» is an ore of «element», named after the town of «P», where it was first analysed.
"""),
    body=L("""
It forms «color» crystals that dissolve slowly in dilute acid, releasing bubbles of carbon dioxide.
When heated strongly in air, the mineral gives off sulfur dioxide and leaves a residue of «element» oxide.
Chemists extract «element» from the ore by roasting it and then reducing the oxide with carbon in a furnace.
In the laboratory, the compound reacts with hydrochloric acid to form a soluble chloride and water.
Its chemical formula shows two atoms of «element» bonded to three atoms of oxygen.
A solution of the compound turns «color» when a few drops of ammonia are added, a test used to detect «element».
The crystals contain water molecules bound within their structure, which are lost as steam when the mineral is warmed.
Analysis with a spectroscope reveals traces of «element2», which give the mineral its unusual colour.
The compound is insoluble in water but dissolves readily in a strong alkali.
In the periodic table, «element» is one of the metals that often form coloured compounds.
Electrolysis of the molten compound deposits pure metal at the cathode and releases gas at the anode.
The reaction is exothermic, and the flask becomes warm as the acid is added drop by drop.
Samples are weighed before and after heating to measure how much water and gas they contain.
The mineral is a source of «element», which is used to make alloys, pigments and batteries.
Because the dust is toxic, chemists handle the powdered ore in a fume cupboard.
Each atom of «element» in the crystal is surrounded by six oxygen atoms arranged in an octahedron.
A catalyst made from the compound speeds up the reaction between hydrogen and nitrogen.
The density of the crystals is about «num_small» times that of water.
"""),
    history=L("""
The chemist «person» first analysed the mineral in «year» and determined the proportions of its elements.
In «year» the chemist «person» showed that the compound could be made in the laboratory by mixing two solutions.
"""),
    closing=L("""
Fine specimens are displayed in the geological collection of the university at «P2».
The compound is still studied by chemists interested in how metals bond with oxygen.
"""),
    pools={
        "element": W("copper, iron, zinc, lead, tin, calcium, magnesium, manganese, nickel, cobalt, chromium, barium"),
        "element2": W("copper, iron, zinc, manganese, nickel, cobalt, chromium, vanadium, titanium"),
        "color": W("green, blue, violet, pale yellow, deep red, colourless, black, pink"),
    },
    keywords=W("""compound, mineral, crystals, acid, oxygen, atoms, reaction, chemists, elements, oxide, solution,
sulfur, metal, laboratory, dissolve, ore, alkali, formula, electrolysis"""),
)

TOPICS["football"] = dict(
    fixed=["suffix"],
    title=["«P» «suffix» F.C.", "«P» «suffix»", "«P» «suffix» F.C."],
    intro=L("""
«P» «suffix» is a professional football club based in «P», which plays its home matches at «ground».
«P» «suffix» Football Club was founded in «year» and competes in the second division of the national league.
«P» «suffix» is an amateur football club from the «region», known for its loyal supporters and its youth academy.
"""),
    body=L("""
The club was founded by a group of «founders» and joined the regional league a few years later.
Its supporters are known for their loud singing, and the home end of the stadium holds about «num» fans.
The team plays in «kit» shirts and white shorts, colours chosen at the very first meeting of the club.
Its greatest season ended with promotion to the top division and a cup final, which it lost on penalties.
The club's record goalscorer, the striker «person», scored «num» league goals in eleven seasons.
Its fiercest rivalry is with «P2» «suffix2», and the local derby regularly sells out.
The manager favours a patient passing game, with the midfielders pressing high and the full-backs joining the attack.
The team was relegated after losing its final match of the season to a late header.
The youth academy has produced several internationals, including a goalkeeper famous for saving penalties.
On match days crowds fill the streets around the ground, where supporters gather before kick-off.
A new stand was built after the club won the league title, raising the capacity of the stadium.
The captain lifted the trophy after a tense final that was decided by a single goal in extra time.
Financial trouble forced the club to sell its best players, and the squad struggled near the bottom of the table.
The referee sent off two players in a famous cup tie, but the ten men still won the match.
The club's training ground lies on the edge of town, with six pitches and a small gym.
The defenders kept «num_small» clean sheets in a row, a club record that still stands.
The winger «person» was transferred to a bigger club for a record fee.
A draw on the last day of the season was enough to win the championship on goal difference.
"""),
    history=L("""
The founder «person» served as chairman for thirty years and paid for the first stand out of his own pocket.
In «year» the club reached the cup final for the first time, beating three teams from the top division on the way.
"""),
    closing=L("""
The club museum displays old shirts, match programmes and the cup won in «year».
The club remains a source of pride for the town, and its matches are followed closely on local radio.
"""),
    pools={
        "suffix": W("United, Rovers, Athletic, Town, Wanderers, City, Albion, Rangers"),
        "suffix2": W("United, Rovers, Athletic, Town, Wanderers, City, Albion, Rangers"),
        "ground": ["«P» Park", "the «P3» Stadium", "«P3» Road", "«P» Lane"],
        "founders": W("railway workers, miners, schoolteachers, factory workers, students, dock workers, cricketers"),
        "kit": W("red, blue, green, amber, claret, black and white striped, sky-blue, yellow"),
    },
    keywords=W("""club, team, match, matches, league, season, goal, goals, striker, goalkeeper, manager, stadium,
supporters, fans, cup, final, penalties, players, promotion, trophy"""),
)

TOPICS["medicine"] = dict(
    title=["«P» fever", "«Last»'s disease", "«P» fever"],
    intro=L("""
«E» is an infectious disease first recorded around «P», causing fever, headache and a persistent cough.
«E» is a rare condition that affects the «organ», described by the physician «First» «Last» in «year».
«E» is a bacterial illness of the «region» that spreads mainly in late summer.
"""),
    body=L("""
The illness is caused by a bacterium that spreads through contaminated water.
Symptoms usually appear within a week of infection and include fever, chills, fatigue and aching muscles.
Doctors make the diagnosis from a blood test, which shows antibodies against the infection.
Most patients recover with rest, fluids and a course of antibiotics lasting ten days.
Without treatment, the infection may spread to the «organ», causing serious complications.
A vaccine developed at the medical school in «P2» has greatly reduced the number of cases.
During the epidemic of «year», hospitals opened extra wards and nurses worked long shifts.
Physicians once treated the disease with herbal remedies and bed rest, with little success.
The patient's pulse and temperature are checked every few hours until the fever breaks.
Children and elderly patients are most at risk, and they are often admitted to hospital for observation.
Surgeons may need to drain an abscess if the infection becomes localised.
Clean water, good sanitation and hand washing are the most effective ways to prevent infection.
Researchers are studying why some patients develop chronic symptoms months after the initial illness.
The dose of medicine is adjusted according to the patient's weight and kidney function.
Public health officers trace the contacts of each case to stop the disease from spreading.
A mild rash on the chest is an early sign that helps doctors distinguish it from ordinary influenza.
Nurses in the isolation ward wear masks and gowns to protect themselves from infection.
The immune system usually clears the virus within a fortnight, but a dry cough may linger.
"""),
    history=L("""
The physician «person» identified the cause in «year» after examining samples under a microscope.
The first hospital devoted to the disease opened in «P2» in «year», with «num_small» wards and a laboratory.
"""),
    closing=L("""
Cases are now rare, although small outbreaks still occur after floods.
The disease is on the list of illnesses that doctors must report to the health authorities.
"""),
    pools={"organ": W("lungs, liver, kidneys, heart, joints, skin, nervous system, blood")},
    keywords=W("""disease, patients, patient, fever, infection, symptoms, doctors, hospital, treatment, vaccine, diagnosis,
antibiotics, nurses, illness, epidemic, physician, blood, cough, wards, medicine"""),
)

TOPICS["painting"] = dict(
    title=["«E»"],
    intro=L("""
«E» was a painter from «P», known for «pgenre» and for a ⟨subtle|bold|luminous|sombre⟩ use of colour.
«E» was a ⟨portrait|landscape|religious|court⟩ painter who worked in «P» and later in «P2».
«E» was an artist of the «century» century whose paintings of «pgenre» are admired for their light and detail.
"""),
    body=L("""
«Last» trained as an apprentice in the workshop of a master in «P2», grinding pigments and preparing canvases.
The artist worked mainly in oil paint, building up thin layers of glaze to give the colours depth.
«Last»'s portraits are admired for their soft light and careful attention to the sitter's hands and eyes.
Early works were painted on wooden panels, but «Last» later moved to large canvases.
The landscapes show wide skies, low horizons and small figures working in the fields.
A palette of earth colours, ochre and umber, and a rare ultramarine blue, appears in almost every painting.
Brushstrokes are loose and visible in the later works, which critics at first called unfinished.
«Last» made hundreds of sketches in charcoal and ink before beginning each composition.
Wealthy patrons commissioned altarpieces and family portraits, and the studio employed several assistants.
A major exhibition of «Last»'s work was held at the gallery in «P2», drawing large crowds.
The use of perspective in the interiors creates a striking sense of depth.
Restorers removing darkened varnish discovered a second figure that had been painted over.
Many of the watercolours were made outdoors, directly in front of the subject.
«Last» also painted frescoes on the walls of the town hall, working quickly on wet plaster.
The self-portrait, painted in old age, is considered «Last»'s masterpiece.
Still lifes of fruit, glass and pewter show «Last»'s skill at painting reflections.
The painter's pupils copied «Last»'s compositions, and several copies were long mistaken for originals.
Shadows in «Last»'s pictures are never black but mixed from blue, brown and green.
"""),
    history=L("""
«Last» was born in «P» in «year» and spent the last years of life in «P2».
In «year» «Last» received a commission to paint the altarpiece of the cathedral at «P2».
"""),
    closing=L("""
Works by «Last» hang in several museums, and the studio has been preserved as a small gallery.
Art historians regard «Last» as one of the finest painters of the region.
"""),
    pools={"pgenre": W("""landscapes, portraits, still lifes, religious frescoes, scenes of village life, interiors, views of
the harbour"""), },
    keywords=W("""painter, painting, paintings, canvases, portraits, pigments, oil, paint, artist, gallery,
exhibition, studio, sketches, brushstrokes, colours, landscapes, varnish, frescoes, composition"""),
)

TOPICS["weather"] = dict(
    title=[("«P» wind", L("""
The «P» wind is a dry, gusty wind that blows down from the mountains into the valleys around «P2», mostly in «season».
The «P» wind is a cold north-easterly wind of the «region» that can blow for several days at a time.
""")), ("Climate of «P»", L("""
The climate of «P» is mild and damp, with cool summers, frequent rain and few days of frost.
The climate of «P» is shaped by its position between the mountains and the sea, which brings rain in every season.
""")), ("Great storm of «year»", L("""
The great storm of «year» was one of the most violent storms recorded in the «region», bringing gales, rain and hail.
""")), ("Weather of the «region_cap»", L("""
The «region» has a changeable climate, and the weather around «P» can shift from sunshine to rain within an hour.
"""))],
    intro=[],
    body=L("""
Before a storm arrives, the barometer falls sharply and a bank of cloud forms over the ridge.
Temperatures can rise by ten degrees in a few hours, melting the snow and raising the risk of avalanches.
Autumn brings long periods of drizzle and fog, while winter is cold, with frequent frosts.
Thunderstorms are common on summer afternoons, when warm, humid air rises and forms towering clouds.
Rainfall is highest on the western slopes, which face the prevailing wind.
Meteorologists at the weather station record the temperature, humidity, air pressure and wind speed every hour.
A cold front crossing the region brings heavy showers, gusty winds and a sudden drop in temperature.
In a dry year, drought can last for months, and the reservoirs fall to their lowest levels.
Hail sometimes damages crops and greenhouses during violent summer storms.
Fog forms in the valleys on calm, clear nights, when the ground cools quickly and the moist air above it condenses.
The forecast for farmers is broadcast each morning, with warnings of frost, gales and heavy rain.
Snow usually falls between «month» and «month2», and drifts can block the mountain roads.
Records show that the climate has grown warmer and wetter over the past century.
Strong gales from the west bring salt spray far inland and bend the trees on exposed ground.
On still winter mornings, a thick layer of frost covers the fields and dew freezes on the hedges.
Lightning strikes are frequent on the exposed summit, where a small weather station stands.
A ridge of high pressure can bring a week of sunshine, light winds and cold, clear nights.
The average temperature in «month» is about «num_small» degrees, and the sky is often overcast.
"""),
    history=L("""
In «year» gusts of over «num» kilometres an hour flattened forests and damaged thousands of roofs.
Daily weather observations at «P» began in «year», when a local doctor set up a rain gauge and a thermometer.
"""),
    closing=L("""
The local weather service now issues warnings when strong winds or heavy rain are expected.
Farmers and sailors in the region still pay close attention to the daily forecast.
"""),
    pools={"month2": W("November, December, January, February, March, April")},
    keywords=W("""weather, wind, winds, rain, rainfall, storm, storms, clouds, fog, snow, frost, temperature, humidity,
pressure, forecast, gales, drought, hail, climate, thunderstorms"""),
)

TOPICS["computing"] = dict(
    title=[("«P» Mark «roman»", L("""
The «P» Mark «roman» was an early electronic computer designed at the university of «P2».
The «P» Mark «roman» was a computer built for business use, sold to banks, insurance companies and government offices.
""")), ("«Lang» (programming language)", L("""
«Lang» is a programming language created by «person» in «year» for teaching and for writing small utilities.
«Lang» is a general-purpose programming language designed at the university of «P2» in «year».
"""))],
    intro=[],
    body=L("""
Programs were written in assembly code and loaded from punched paper tape.
Its processor could execute about «num» instructions per second, which was considered fast at the time.
Memory was limited to a few thousand bytes, so programmers had to write compact code.
The machine was used to calculate payrolls, statistical tables and the results of scientific experiments.
A compiler translated programs written in a high-level language into machine code.
Data was stored on magnetic tape and later on removable disks.
Users typed commands at a terminal and received the output on a printer or screen.
Engineers replaced the valves with transistors, making the computer smaller, cheaper and more reliable.
The operating system allowed several users to share the processor at the same time.
Software for the system included a text editor, a database and a simple spreadsheet.
A bug in the floating-point routine caused rounding errors that took programmers months to find.
A network connected the computer to terminals in other buildings, so that files could be shared.
Its keyboard, screen and disk drive were built into a single case, an unusual design for its time.
Programmers wrote algorithms for sorting and searching that are still taught to students.
The language uses indentation to mark blocks of code, and its syntax is designed to be easy to read.
Variables do not need to be declared, and the interpreter checks types while the program runs.
Its standard library includes functions for handling files, text and network connections.
Each instruction was stored as a word of «num_small» bytes, with the first byte giving the operation.
The source code of the compiler was published so that users could fix bugs themselves.
"""),
    history=L("""
The engineer «person» led the team that designed the processor, and the first program ran in «year».
The first version was released in «year», and a larger version with more memory followed later.
"""),
    closing=L("""
A working replica of the machine is on display in the computing museum at «P2».
Many of its ideas, including the way it handled memory and files, were copied by later systems.
"""),
    pools={"roman": W("I, II, III, IV, V"), "Lang": lambda g: g.pick(_PLACE_A) + g.pick(W("ol, ix, ark, el, on, ista, o, ic"))},
    keywords=W("""computer, program, programs, programmers, software, processor, memory, code, data, compiler, terminal,
instructions, bytes, disk, operating, system, language, files, algorithms, machine"""),
)

TOPICS["ships"] = dict(
    fixed=["shipname", "stype"],
    title=["«shipname» (ship)", "«shipname»", "«shipname» (ship)"],
    intro=L("""
The «shipname» was a «stype» built at the shipyard in «P» and launched in «year».
The «shipname» was a «stype» that sailed between «P» and the islands for more than «num_small» decades.
The «shipname» was a wooden «stype» owned by a merchant company of «P2», famous for her fast voyages.
"""),
    body=L("""
Her hull was built of oak planks on an iron frame, and she measured «num» metres from bow to stern.
She carried a crew of about twenty sailors, including a cook, a carpenter and two mates.
On her maiden voyage she sailed to «P2» with a cargo of timber, wool and dried fish.
The captain kept a detailed log of every voyage, recording the wind, the course and the ship's position.
In heavy seas the ship rolled badly, and the cargo had to be lashed to the deck.
Her engines drove a single propeller, giving a top speed of about twelve knots.
Her sails were set on three masts, and in a fair wind she could outrun most steamships of her day.
She ran aground on a sandbank off «P3» in fog, and the crew were rescued by the lifeboat.
After twenty years of service she was sold to a new owner and renamed.
The navigator used a sextant and a compass to fix the ship's position at sea.
Passengers travelled in cabins on the upper deck, while emigrants crowded into the hold below.
In port, dockers unloaded her cargo with cranes along the quay.
The keel was laid in spring, and shipwrights worked for two years to complete the vessel.
Her anchor and figurehead were recovered by divers and are now in the harbour museum.
The rudder was damaged in a storm, and the crew steered with a spare oar until they reached harbour.
Her voyages took her across the ocean to ports where she loaded coffee, sugar and tea.
The mast was struck by lightning off «P3», but the crew repaired the rigging at sea.
"""),
    history=L("""
The shipowner «person» commissioned her for the trade between «P» and «P2».
She was wrecked in «year» on the rocks near «P3», and her crew reached the shore in the ship's boats.
"""),
    closing=L("""
The wreck lies in shallow water and is visited by divers.
A model of the ship, built by one of her sailors, is displayed in the maritime museum at «P».
"""),
    pools={
        "shipname": ["«sadj» «snoun»", "«P» «snoun»", "Queen of «P»", "«First» «Last»"],
        "sadj": W("Silver, Morning, Northern, Golden, Swift, Bright, Western, Evening, Faithful"),
        "snoun": W("Tide, Star, Trader, Belle, Venture, Crest, Promise, Harvest, Spray, Current"),
        "First": FIRST, "Last": LAST,
        "stype": W("""three-masted schooner, steamship, cargo ship, paddle steamer, fishing trawler, passenger ship,
clipper, coastal ferry, brig"""),
    },
    keywords=W("""ship, vessel, hull, deck, mast, crew, captain, harbour, port, voyage, voyages, cargo,
keel, rudder, sailors, shipyard, anchor, quay"""),
)

TOPICS["trees"] = dict(
    fixed=["tree"],
    title=["«P» «tree»", "«P» «tree»", "«tadj» «tree»"],
    intro=L("""
The «E» is a variety of «tree» grown in the orchards and gardens around «P».
The «E» is a ⟨tall|small|spreading|slow-growing⟩ deciduous tree native to the woodland of the «region».
The «E» is a hardy «tree» that grows on poor soils and is often planted in hedges and parks.
"""),
    body=L("""
Its leaves are broad and lobed, turning yellow and red before they fall in autumn.
The tree flowers in late spring, and its pale blossom attracts bees and other pollinators.
Gardeners prune the branches in winter to encourage new growth and a good crop of fruit.
It grows best in deep, well-drained soil and tolerates light shade.
The roots spread widely near the surface, so it should be planted well away from buildings.
Seeds are sown in pots of compost in autumn and left outside over winter to germinate in spring.
The bark is smooth and grey on young trees but becomes deeply furrowed with age.
Its timber is hard and close-grained, and was once used for tool handles and furniture.
Young trees are grafted onto a hardy rootstock to control their size.
Moss and ferns grow on the trunks of old trees in damp woodland.
The fruit ripens in «month», and a mature tree can produce several baskets of it.
Aphids and fungal diseases can damage the leaves, but the variety is generally hardy.
Nurseries in «P2» propagate it from cuttings taken in early summer.
In hedges it is cut back every few years, which keeps it dense and bushy.
Old orchards of the tree are valued for wildlife, and several have been replanted by volunteers.
A mature tree reaches a height of about «num_small» metres, with a broad, rounded crown.
The seedlings need regular watering in their first summer and protection from rabbits and deer.
Mulching the roots with compost in spring keeps the soil moist and adds nutrients.
"""),
    history=L("""
The gardener «person» raised the first tree from seed in «year», in a walled garden near «P».
An avenue of the trees was planted in «year» along the road from «P» to «P2».
"""),
    closing=L("""
It is widely available from nurseries and is recommended for large gardens.
The oldest known specimen, more than three hundred years old, still grows in the churchyard at «P».
"""),
    pools={
        "tree": W("oak, beech, apple, pear, ash, lime, maple, cherry, plum, hazel, birch, rowan"),
        "tadj": W("Weeping, Dwarf, Golden, Red, Late, Early, Upright, Silver"),
    },
    keywords=W("""tree, trees, leaves, roots, bark, branches, soil, fruit, seeds, orchards, gardens, timber, woodland,
blossom, prune, compost, hedges, nurseries, grafted, gardeners"""),
)


def corpus_paragraph(g: Grammar, topic: str, n_body: tuple[int, int], max_words: int, min_words: int):
    """(title, text) of one encyclopedia-style paragraph about a made-up subject of ``topic``."""
    spec = TOPICS[topic]
    pools = dict(CORPUS_SHARED)
    pools.update(spec["pools"])
    g.pools = pools
    while True:
        names = [place(g) for _ in range(3)]
        if len(set(names)) < 3:
            continue
        ctx = {"P": names[0], "P2": names[1], "P3": names[2]}
        first, last = g.pick(FIRST), g.pick(LAST)
        ctx["Last"] = last
        body_pool = list(spec["body"])
        if topic == "instruments":
            inst, family = g.pick(INSTRUMENT_KINDS)
            ctx["inst"] = inst
            ctx["family"] = {"string": "string", "wind": "wind", "drum": "percussion"}[family]
            body_pool += spec["body_" + family]
        if topic == "computing":
            ctx["Lang"] = g.x("«Lang»")
            ctx["roman"] = g.x("«roman»")
        if topic == "painting":
            ctx["E"] = f"{first} {last}"
        ctx["First"] = first
        ctx["region"] = g.x("«region»")
        ctx["region_cap"] = ctx["region"].title()
        for slot in spec.get("fixed", []):       # chosen once, so title and sentences agree
            ctx[slot] = g.x(f"«{slot}»", ctx)
        choice = g.pick(spec["title"])
        title_tpl, intro = choice if isinstance(choice, tuple) else (choice, spec["intro"])
        title = cap(g.x(title_tpl, ctx))
        ctx.setdefault("E", title)
        sents = [g.pick(intro)]
        k = g.randint(*n_body)
        sents += g.sample(body_pool, k)
        if g.chance(0.5):
            sents.insert(g.randint(1, len(sents)), g.pick(spec["history"]))
        if g.chance(0.4):
            sents.append(g.pick(spec["closing"]))
        text = " ".join(sentence(g, s, ctx) for s in sents)
        if min_words <= nwords(text) <= max_words:
            return title, text



CORPUS_TOPICS = list(TOPICS)


def make_english_corpus(seed: int, targets=(("train", 40000), ("validation", 3000))) -> dict:
    """Paragraphs cycling through the topics (in a shuffled order each round) until each split has its words."""
    g = Grammar(seed, {})
    seen_titles: set = set()
    seen_texts: set = set()
    out: dict = {"topics": {}}
    for split, target in targets:
        rows, topics, words = [], [], 0
        order: list = []
        while words < target:
            if not order:
                order = g.shuffled(CORPUS_TOPICS)
            topic = order.pop()
            while True:
                title, text = corpus_paragraph(g, topic, (3, 7), 200, 60)
                if title not in seen_titles and text not in seen_texts:
                    break
            seen_titles.add(title)
            seen_texts.add(text)
            rows.append({"title": title, "text": text})
            topics.append(topic)
            words += nwords(text)
        out[split] = rows
        out["topics"][split] = topics
    return out


def corpus_topic_keywords() -> dict:
    return {name: spec["keywords"] for name, spec in TOPICS.items()}


# ====================================================================================== passages
# Hand-written question/answer pairs: each question is answered by 1-3 passages, worded differently from the
# question. The rest of the collection is made of distractor paragraphs from the corpus topics above.
QA: list[dict] = [
    {"q": "why does foliage go red and gold as the year draws to a close", "p": [
        ("Autumn leaf colour", "In autumn, deciduous plants stop producing chlorophyll, the pigment that makes leaves look green and captures light for photosynthesis. As the chlorophyll breaks down, yellow and orange pigments that were present all summer become visible. Some species also make red pigments in the autumn sunshine, which is why maples and cherries can turn scarlet before their leaves drop."),
        ("Leaf fall", "Shortening days and cooler nights signal to broadleaved plants that it is time to shed their foliage. A layer of cells forms at the base of each leaf stalk, cutting off the supply of water, and the pigment chlorophyll is broken down and its nutrients are drawn back into the branches before the leaf finally falls."),
    ]},
    {"q": "how do honey bees tell the hive where to find flowers", "p": [
        ("Waggle dance", "A forager returning to the colony performs a waggle dance on the vertical comb. The angle of the straight run relative to vertical shows the direction of the food source relative to the sun, and the length of the waggle run indicates how far away the nectar lies. Other workers follow the dancer and then fly out to the same patch of blossom."),
    ]},
    {"q": "what makes the sky look blue during the day", "p": [
        ("Scattering of sunlight", "Sunlight contains all the colours of the rainbow. When it passes through the atmosphere, the short blue wavelengths are scattered in every direction by molecules of nitrogen and oxygen far more strongly than the long red wavelengths. Blue light therefore reaches our eyes from all parts of the heavens, giving a clear daytime sky its colour."),
        ("Red sunsets", "At sunrise and sunset, light from the sun travels through a much thicker layer of air before it reaches an observer. Most of the blue light is scattered out of the beam along the way, leaving the oranges and reds. During the middle of the day the same scattering spreads blue light across the whole sky."),
    ]},
    {"q": "what causes the sea level to rise and fall twice a day", "p": [
        ("Tides", "Tides are produced mainly by the gravitational pull of the Moon, with a smaller contribution from the Sun. The pull creates two bulges of ocean water, one facing the Moon and one on the opposite side of the Earth. As the planet rotates, most coasts pass through both bulges, so they experience two high waters and two low waters roughly every day."),
        ("Spring and neap tides", "When the Sun and Moon are lined up, at new moon and full moon, their pulls combine and the difference between high and low water is greatest; these are called spring tides. When they pull at right angles, during the quarter moons, the range is smallest, giving neap tides."),
    ]},
    {"q": "how does a vaccination protect you from getting ill", "p": [
        ("Vaccines", "A vaccine exposes the immune system to a harmless version or a fragment of a germ, such as an inactivated virus or a single protein. The body responds by making antibodies and memory cells. If the real pathogen arrives later, these memory cells recognise it quickly and the defences act before the infection can cause serious disease."),
    ]},
    {"q": "why does dough get bigger before it goes in the oven", "p": [
        ("Yeast and rising bread", "Yeast is a living fungus that feeds on the sugars in flour. As it ferments, it releases carbon dioxide gas and a little alcohol. Kneading develops stretchy gluten strands, which trap the bubbles of gas, so the loaf swells while it proves in a warm place. The heat of baking then sets the structure."),
    ]},
    {"q": "why can the full moon look blood coloured on some nights", "p": [
        ("Lunar eclipse", "A lunar eclipse happens when the Earth passes directly between the Sun and the Moon, so that our planet's shadow falls across the lunar surface. During a total eclipse the Moon does not vanish: sunlight bent through the Earth's atmosphere still reaches it, and because the blue light has been scattered away, the Moon glows a coppery red."),
    ]},
    {"q": "where do the coloured arcs that appear after rain come from", "p": [
        ("Rainbows", "A rainbow appears when sunlight enters falling raindrops, is bent, reflects off the back of each drop and is bent again as it leaves. Because each colour bends by a slightly different amount, white light is spread into a band of red, orange, yellow, green, blue and violet. To see one, the observer must stand with the sun behind them."),
        ("Double rainbows", "Sometimes a fainter second arc appears outside the main bow. It is produced by light that reflects twice inside the water droplets before leaving them, which reverses the order of the colours, so the secondary bow has red on the inside and violet on the outside."),
    ]},
    {"q": "why do swallows and geese leave for warmer countries each year", "p": [
        ("Bird migration", "Many birds leave their breeding grounds when the days shorten because insects and other food become scarce in the cold months. They travel to warmer regions where food is plentiful and return in spring to raise their young, taking advantage of long days and abundant prey. The journey is triggered by changes in day length and hormones."),
        ("How migrating birds navigate", "Birds on long journeys find their way using several cues. They can sense the Earth's magnetic field, use the position of the sun by day and the patterns of the stars at night, and recognise landmarks such as coastlines and mountain ranges. Young birds of some species make their first journey alone, guided by instinct."),
    ]},
    {"q": "what causes the booming you hear in a storm", "p": [
        ("Thunder", "A bolt of lightning heats the air along its path to tens of thousands of degrees in a fraction of a second. The air expands so violently that it creates a shock wave, which we hear as a crack or a long rumble. Because light travels much faster than sound, the flash is seen before the rumble arrives."),
    ]},
    {"q": "what made the wheels of a puffing railway engine go round", "p": [
        ("Steam locomotive", "In a steam locomotive, a coal fire in the firebox heats water in the boiler until it turns to steam under high pressure. The steam is fed into cylinders, where it pushes pistons back and forth. Connecting rods turn this motion into the rotation of the driving wheels, and the used steam escapes up the chimney with a characteristic puff."),
    ]},
    {"q": "when does the linesman raise the flag against a forward in soccer", "p": [
        ("Offside rule", "A player is in an offside position if, when a teammate plays the ball forward, they are in the opponents' half and nearer to the goal line than both the ball and the second-last defender. Being in that position is only penalised if the player becomes involved in play. A player cannot be offside directly from a goal kick, a throw-in or a corner."),
    ]},
    {"q": "why does ice stay on top of water instead of sinking", "p": [
        ("Density of ice", "When water freezes, hydrogen bonds lock the molecules into an open hexagonal lattice that takes up more space than the liquid. Solid water is therefore about nine per cent less dense than liquid water, so it floats. This is why ponds freeze from the top down, leaving liquid water below where fish can survive the winter."),
    ]},
    {"q": "how do plants make their own food from sunlight", "p": [
        ("Photosynthesis", "Green plants capture light energy with chlorophyll in their leaves. They use it to combine carbon dioxide taken from the air with water drawn up from the roots, producing sugars that fuel growth and releasing oxygen as a by-product. The process, called photosynthesis, takes place inside small structures called chloroplasts."),
        ("Leaves as food factories", "The broad, flat shape of a leaf exposes a large surface to the sun. Tiny pores on the underside let carbon dioxide in and oxygen out, while veins bring water from the roots and carry away the sugar made in the cells. Plants store spare sugar as starch in roots, tubers and seeds."),
    ]},
    {"q": "what do you call murals made on damp walls", "p": [
        ("Fresco", "Fresco is a method of wall painting in which pigments mixed with water are applied to a layer of wet lime plaster. As the plaster dries, a chemical reaction binds the colour into the wall itself, making the image very durable. Because the plaster sets within hours, artists plastered only the area they could finish in a single day."),
    ]},
    {"q": "how does a hiker's direction finder work", "p": [
        ("Compass", "A compass contains a lightweight magnetised needle balanced on a pivot. The Earth behaves like a giant magnet, and the needle turns until it lines up with the planet's magnetic field, one end pointing towards magnetic north. Navigators must correct for the small angle between magnetic north and true geographic north, which varies from place to place."),
    ]},
    {"q": "how can a huge steel boat float", "p": [
        ("Buoyancy", "An object placed in water pushes some of the water aside. The water pushes back with an upward force equal to the weight of the water displaced. A steel ship is shaped like a hollow bowl, so it displaces a great volume of water, and as long as that water weighs as much as the whole vessel, the ship stays afloat."),
    ]},
    {"q": "why does unsaved work vanish when a laptop loses power while saved documents remain", "p": [
        ("RAM and storage", "Random access memory holds the programs and data that the processor is working on right now. It is very fast but volatile, which means its contents disappear when the power is switched off. A hard disk or solid-state drive is slower but keeps files permanently, so documents and programs are saved there and loaded into memory when needed."),
    ]},
    {"q": "what is an object in space so dense that nothing can get out of it", "p": [
        ("Black holes", "A black hole is a region of space where gravity is so strong that nothing, not even light, can get out once it crosses the boundary called the event horizon. Many form when a very massive star runs out of fuel and its core collapses under its own weight, often after a supernova explosion blows away the outer layers."),
        ("End of massive stars", "Stars many times heavier than the sun end their lives violently. When nuclear fuel in the core is exhausted, the core can no longer support itself and falls inward. Depending on the mass left behind, the remnant becomes a dense neutron star or a black hole from which no light can escape."),
    ]},
    {"q": "how does a bow make a violin string sound", "p": [
        ("Bowed strings", "A violinist draws a bow strung with horsehair across the strings. Rosin on the hair makes it grip the string, pulling it sideways until it slips back, over and over, hundreds of times a second. This vibration passes through the bridge to the wooden body, which amplifies it and gives the instrument its rich tone."),
    ]},
    {"q": "why does slicing onions make people cry", "p": [
        ("Onions and tears", "Cutting an onion breaks open its cells and releases enzymes that convert sulfur compounds into a volatile irritant gas. When the gas reaches the eyes it stimulates nerves that trigger the tear glands. Chilling the bulb first or using a very sharp knife, which damages fewer cells, reduces the effect."),
    ]},
    {"q": "what is the orange crust that forms on a neglected bicycle chain", "p": [
        ("Rust", "Rust is a form of iron oxide that develops when iron or steel reacts with oxygen in the presence of water or moist air. Salt speeds up the reaction, which is why cars and bridges near the sea corrode faster. Unlike the thin protective layer on aluminium, rust flakes away and exposes fresh metal to further attack."),
        ("Preventing corrosion", "Iron objects can be protected from corrosion by keeping air and moisture away from the metal. Paint, oil and grease form a barrier, while galvanising covers steel with a layer of zinc that corrodes first and so shields the iron beneath it."),
    ]},
    {"q": "why does mist appear in valleys on cold calm mornings", "p": [
        ("Radiation fog", "On clear, still nights the ground loses heat quickly to the sky. The air just above it cools until it reaches its dew point, when water vapour condenses into countless tiny droplets suspended in the air. Cold air drains downhill and collects in low ground, so hollows and river valleys are often filled with white mist at dawn, which clears as the sun warms the land."),
    ]},
    {"q": "why do computers store everything as ones and zeros", "p": [
        ("Binary", "Digital computers represent information in binary, a number system with only two digits, 0 and 1. Each binary digit, or bit, can be stored by an electronic switch that is either off or on, which is simple and reliable to build with transistors. Groups of eight bits, called bytes, encode letters, numbers and colours."),
    ]},
    {"q": "why is it warmer in summer than in winter", "p": [
        ("Cause of the seasons", "The seasons are caused by the tilt of the Earth's axis, about 23.5 degrees, not by changes in our distance from the sun. As the planet orbits, each hemisphere spends part of the year tipped towards the sun, receiving more direct sunlight and longer days, and part of the year tipped away, when the light is weaker and the days are short."),
    ]},
    {"q": "what is the name for all the ground whose rainfall ends up in the same stream", "p": [
        ("Drainage basin", "A drainage basin, also called a catchment, is all the land from which rain and melted snow flow into a particular river and its tributaries. Its boundary is the watershed, usually a ridge of high ground. Anything spilled or spread on the land inside the basin can eventually reach the same stream and its estuary."),
    ]},
    {"q": "how do owls catch mice in the dark", "p": [
        ("Owl hunting", "Owls hunt at night with remarkable senses. Their large eyes gather what little light there is, and in many species the ear openings sit at different heights on the head, letting the bird pinpoint the rustle of a vole beneath grass or snow. Soft, fringed flight feathers muffle the sound of the wings, so the prey does not hear the attack coming."),
    ]},
    {"q": "why does my body temperature go up when I have an infection", "p": [
        ("Fever", "A fever is a rise in body temperature controlled by the brain in response to infection. Chemical signals released by the immune system reset the body's thermostat to a higher level, which makes many bacteria and viruses multiply more slowly and speeds up some immune defences. Shivering and chills are the body's way of producing heat to reach the new set point."),
    ]},
    {"q": "why do copper wires carry current so well", "p": [
        ("Electrical conductivity of metals", "In a metal, the outer electrons of the atoms are not tied to any single atom but move freely through the whole solid. When a voltage is applied, this sea of electrons drifts along the wire, carrying an electric current. Copper and silver have especially mobile electrons, making them excellent conductors, while materials such as glass and rubber have almost no free charges."),
    ]},
    {"q": "how do artists make a flat picture look deep", "p": [
        ("Linear perspective", "Linear perspective is a drawing system developed by Renaissance artists to create the illusion of depth on a flat surface. Parallel lines receding from the viewer, such as the edges of a road or a tiled floor, are drawn so that they meet at a vanishing point on the horizon, and objects are made smaller the further away they are meant to be."),
        ("Aerial perspective", "Painters also suggest distance through colour. Faraway hills are painted paler, bluer and less detailed than objects in the foreground, imitating the way the atmosphere softens distant views. Combined with overlapping shapes and diminishing size, this gives a landscape a convincing sense of space."),
        ("Light and shadow in drawing", "Shading gives drawn objects a sense of volume. By showing where light falls and where shadows gather, an artist turns a circle into a sphere and a square into a box, so that forms seem to project from or recede into the flat sheet of paper."),
    ]},
    {"q": "what conditions let a huge spinning storm build up at sea", "p": [
        ("Hurricanes", "Hurricanes develop over warm tropical seas, where evaporation supplies vast amounts of moist air. As the air rises and condenses into towering clouds, it releases heat that lowers the surface pressure and draws in more air. The rotation of the Earth sets the system spinning around a calm central eye. Similar storms are called typhoons in the western Pacific."),
    ]},
    {"q": "how should a login system safely remember people's secret codes", "p": [
        ("Password hashing", "Well-designed systems never store passwords directly. Instead they save a hash, the output of a one-way function that cannot practically be reversed, together with a random salt unique to each account. At login the typed password is hashed again and compared. If the database is stolen, attackers get only the hashes, not the secrets themselves."),
    ]},
    {"q": "why did towns start using the same clock time", "p": [
        ("Railway time", "In the early nineteenth century, each town set its clocks by the local position of the sun, so noon in a western town came several minutes after noon in an eastern one. Once fast trains connected these towns, the differences made timetables confusing, and railway companies adopted a single standard time along their lines. National standard time and, later, international time zones followed."),
    ]},
    {"q": "what does baking powder do in a cake", "p": [
        ("Chemical leavening", "Baking powder is a mixture of a base, usually bicarbonate of soda, and a dry acid. When it gets wet and is then heated in the oven, the two react and release bubbles of carbon dioxide. The gas expands in the batter, and as the cake bakes the bubbles are set in place, giving a light, open crumb without the need for yeast."),
        ("Bicarbonate of soda", "Bicarbonate of soda on its own needs an acidic ingredient such as buttermilk, yoghurt or lemon juice to react. Recipes that contain these ingredients often use it instead of a ready-made raising agent, and using too much leaves a soapy, bitter taste in scones and sponges."),
    ]},
    {"q": "why does a comet grow a long glowing tail near the sun", "p": [
        ("Comet tails", "A comet is a lump of ice and dust. Far from the sun it is frozen and dark, but as it approaches, the heat turns ice to gas, which streams off carrying dust with it. Sunlight and the solar wind push this material away, forming tails that can stretch for millions of kilometres and always point away from the sun."),
    ]},
    {"q": "how do mariners recognise which beacon on the shore they are looking at after dark", "p": [
        ("Lighthouse signals", "Each lighthouse along a coast shows its own pattern, known as its character: a particular sequence of flashes, occultations or colours repeated over a fixed number of seconds. Charts list the character of every light, so a navigator who times the flashes can identify exactly which headland or reef lies ahead."),
    ]},
    {"q": "when can the keeper use their hands", "p": [
        ("Goalkeeper handling", "The goalkeeper is the only player who may touch the ball with hands and arms, and only inside their own penalty area. Outside that box they must play it like any other outfield player. A keeper may not pick up a ball deliberately kicked back to them by a teammate, and holding it too long can be punished with an indirect free kick."),
    ]},
    {"q": "what is the difference between germs like bacteria and viruses", "p": [
        ("Bacteria and viruses", "Bacteria are single-celled living organisms with their own machinery for making energy and proteins; many are harmless or useful, and they can multiply on their own. Viruses are much smaller particles of genetic material wrapped in a protein coat. They cannot reproduce by themselves and must hijack a host cell to make copies."),
    ]},
    {"q": "how does a clarinet produce sound through its mouthpiece", "p": [
        ("Reeds in woodwind instruments", "A clarinet has a single flat reed clamped against its mouthpiece. When the player blows, the reed vibrates rapidly, opening and closing the gap and setting the air column inside the tube vibrating. An oboe works in a similar way but uses a double reed, two thin blades of cane that vibrate against each other."),
    ]},
    {"q": "what are atoms of the same element with different masses called", "p": [
        ("Isotopes", "Isotopes are forms of a chemical element whose atoms have the same number of protons but different numbers of neutrons. They behave almost identically in chemical reactions but differ in mass, and some are radioactive. Carbon-14, for example, decays at a steady rate and is used to estimate the age of ancient wood and bone."),
    ]},
    {"q": "why do gritting lorries go out on frosty nights", "p": [
        ("Road salt", "Dissolving salt in water lowers the temperature at which the water freezes. Spreading rock salt on roads before or during frosty weather therefore stops ice forming or melts a thin layer that has already formed, although the effect weakens in very severe cold. The grit mixed with it also gives tyres extra grip."),
    ]},
    {"q": "how did glaciers create u-shaped valleys", "p": [
        ("Glacial valleys", "During ice ages, glaciers flowed down existing river valleys. The moving ice, armed with rock fragments frozen into its base, scraped and plucked at the valley floor and sides, widening and deepening them. When the ice melted it left broad, steep-sided troughs with flat bottoms, often with smaller hanging valleys and piles of debris called moraines."),
    ]},
    {"q": "what is the fin under a yacht's hull for", "p": [
        ("Keel", "The keel is the structural backbone running along the bottom of a vessel. On a sailing boat it also projects deep into the water, resisting the sideways push of the wind on the sails so that the boat moves forward instead of drifting, and its weight low down helps keep the hull upright."),
    ]},
    {"q": "what happens to sugar when you heat it until it goes brown", "p": [
        ("Caramelisation", "When sugar is heated strongly, its molecules break apart and recombine into hundreds of new compounds. The syrup turns golden and then dark brown, and its flavour becomes rich and slightly bitter. This browning is called caramelisation and differs from the Maillard reaction, in which sugars react with proteins, as on the crust of bread or seared meat."),
    ]},
    {"q": "what does a compiler do with source code", "p": [
        ("Compilers", "A compiler is a program that translates source code written by a programmer in a high-level language into machine instructions that a processor can run directly. It usually checks the program for errors and may optimise it for speed. An interpreter, by contrast, reads and executes the program step by step while it runs."),
        ("From source code to executable", "Building software usually involves several tools. The compiler turns each source file into object code, a linker joins these pieces together with libraries, and the result is an executable file. Errors found during translation are reported with the line number, so the programmer can fix them before the program ever runs."),
    ]},
    {"q": "why are flamingos pink", "p": [
        ("Flamingo colour", "Flamingos are born with grey feathers. Their pink colour comes from carotenoid pigments in the algae and small shrimps they filter from shallow salty lakes. The birds' bodies deposit these pigments in the growing feathers, so individuals with a poor diet gradually become paler."),
    ]},
    {"q": "what is the name for thick, heavily textured brushwork", "p": [
        ("Impasto", "Impasto is a technique in which paint is applied so thickly that the marks of the brush or palette knife remain visible on the surface. The raised ridges catch the light and give the picture texture and energy. Oil paint is especially suited to it because it holds its shape as it dries."),
    ]},
    {"q": "can a falling barometer warn that bad weather is coming", "p": [
        ("Barometers and forecasting", "A barometer measures air pressure. A steady fall usually means that a low-pressure system is approaching, bringing cloud, wind and rain, while rising pressure often signals clearing skies and settled conditions. Sailors and farmers have long used the direction and speed of the change, rather than the reading itself, to judge what the coming hours will bring."),
    ]},
    {"q": "how do train wheels stay on the track around curves", "p": [
        ("Wheel profile", "Railway wheels are fixed in pairs on a solid axle, and their treads are slightly conical. On a curve the wheelset shifts sideways, so the outer wheel runs on its wider part and the inner wheel on its narrower part, which lets the outer wheel cover more distance and steers the vehicle round the bend. The flanges on the inner edge act only as a last safeguard."),
    ]},
    {"q": "why do stars seem to flicker when we look up at them", "p": [
        ("Twinkling", "Stars twinkle because their light passes through turbulent layers of air with slightly different temperatures and densities. Each layer bends the light a little, and as the air moves, the image of the star jumps and changes brightness many times a second. Planets appear as tiny discs rather than points, so their light averages out and they shine more steadily."),
    ]},
]


def make_passages(seed: int, n_passages: int = 500) -> dict:
    g = Grammar(seed, {})
    targets = []
    for qi, item in enumerate(QA):
        for title, text in item["p"]:
            targets.append((qi, title, text))
    n_fill = n_passages - len(targets)
    fillers = []
    seen = set(t for _, _, t in targets)
    seen_titles = set(t for _, t, _ in targets)
    order: list = []
    while len(fillers) < n_fill:
        if not order:
            order = g.shuffled(CORPUS_TOPICS)
        topic = order.pop()
        title, text = corpus_paragraph(g, topic, (1, 4), 120, 30)
        if text in seen or title in seen_titles:
            continue
        seen.add(text)
        seen_titles.add(title)
        fillers.append((None, title, text))
    allp = g.shuffled(targets + fillers)
    passages, relevant = [], {qi: [] for qi in range(len(QA))}
    for pid, (qi, title, text) in enumerate(allp):
        passages.append({"id": pid, "title": title, "text": text})
        if qi is not None:
            relevant[qi].append(pid)
    queries = [{"id": qi, "text": item["q"], "relevant": sorted(relevant[qi])} for qi, item in enumerate(QA)]
    return {"passages": passages, "queries": queries}


# ========================================================================================== writing
def dump_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


DATASETS = ("movie_reviews", "programming_questions", "english_corpus", "passages")


def build_all(only=DATASETS) -> dict[str, list[dict]]:
    """{relative path: rows} for every file of the datasets in ``only``."""
    files: dict[str, list[dict]] = {}
    if "movie_reviews" in only:
        mr = make_movie_reviews(SEED + 1)
        files["movie_reviews/train.jsonl"] = mr["train"]
        files["movie_reviews/test.jsonl"] = mr["test"]
    if "programming_questions" in only:
        pq = make_programming_questions(SEED + 2)
        files["programming_questions/train.jsonl"] = pq["train"]
        files["programming_questions/test.jsonl"] = pq["test"]
    if "english_corpus" in only:
        ec = make_english_corpus(SEED + 3)
        files["english_corpus/train.jsonl"] = ec["train"]
        files["english_corpus/validation.jsonl"] = ec["validation"]
    if "passages" in only:
        ps = make_passages(SEED + 4)
        files["passages/passages.jsonl"] = ps["passages"]
        files["passages/queries.jsonl"] = ps["queries"]
    return files


def dump_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(obj, ensure_ascii=False, indent=1) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "data", help="output folder (default: data/)")
    ap.add_argument("--only", default=",".join(DATASETS),
                    help=f"comma-separated datasets to write (default: all of {', '.join(DATASETS)})")
    args = ap.parse_args(argv)
    only = [x.strip() for x in args.only.split(",") if x.strip()]
    unknown = [x for x in only if x not in DATASETS]
    if unknown:
        ap.error(f"unknown dataset(s) {unknown}; choose from {list(DATASETS)}")
    for rel, rows in build_all(only).items():     # every dataset is generated from its own seed
        dump_jsonl(args.out / rel, rows)
        print(f"wrote {args.out / rel} ({len(rows)} rows)")
    if "english_corpus" in only:
        dump_json(args.out / "english_corpus" / "topics.json", corpus_topic_keywords())
        print(f"wrote {args.out / 'english_corpus' / 'topics.json'} ({len(TOPICS)} topics)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
