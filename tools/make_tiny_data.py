#!/usr/bin/env python3
"""Write the bundled tiny datasets under data/ (the labs' offline "tiny" profile).

Every text is original: it is composed here from phrase pools written for this project, with a fixed seed,
so running the script twice writes byte-identical files::

    python tools/make_tiny_data.py            # writes data/*/*.jsonl
    python tools/make_tiny_data.py --out DIR  # writes DIR/*/*.jsonl instead

Datasets (see data/README.md): movie_reviews, programming_questions, english_corpus, passages.
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
                snippet = self.x(self.pick(self.pools[name]), ctx)
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
    s = re.sub(r" ([,.;:!?])", r"\1", s)
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
        kind = g.weighted([("clear", 0.52), ("terse", 0.22), ("mixed", 0.16), ("indirect", 0.10)])
        sents: list[str] = []
        aspects = g.shuffled(MOVIE_ASPECT_NAMES)

        def aspect(pol):
            name = aspects.pop()
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
            tail = [aspect(label), g.zpick(MOVIE_GENERAL[label])]
            if g.chance(0.5):
                tail.append(aspect(label))
            sents += g.shuffled(tail)
            if g.chance(0.8):
                sents.append(g.zpick(MOVIE_VERDICT[label]))
        else:
            pool = MOVIE_NEGATION[label] + (MOVIE_SARCASM[label] * (3 if label == 0 else 1))
            body = [g.pick(pool) for _ in range(g.randint(1, 2))]
            body.insert(g.randint(0, len(body)), g.zpick(MOVIE_GENERAL[label]))
            if g.chance(0.6):
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


# ========================================================================================== writing
def dump_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def build_all() -> dict[str, list[dict]]:
    """{relative path: rows} for every dataset file."""
    files: dict[str, list[dict]] = {}
    mr = make_movie_reviews(SEED + 1)
    files["movie_reviews/train.jsonl"] = mr["train"]
    files["movie_reviews/test.jsonl"] = mr["test"]
    return files


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "data", help="output folder (default: data/)")
    args = ap.parse_args(argv)
    for rel, rows in build_all().items():
        dump_jsonl(args.out / rel, rows)
        print(f"wrote {args.out / rel} ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
