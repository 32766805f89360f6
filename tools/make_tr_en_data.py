#!/usr/bin/env python3
"""Write the Turkish-English parallel file and its registry splits (original sentences composed here, fixed seed).

    python tools/make_tr_en_data.py             # writes data/dataset_raw_tr_en.txt and data/tr_en_pairs/*.jsonl
    python tools/make_tr_en_data.py --out DIR   # writes under DIR instead

Record format of ``dataset_raw_tr_en.txt`` (UTF-8, ``\\n`` line ends, no BOM): one record per block, the Turkish
sentence on the first line, its English translation (the reference) on the second, blocks separated by one blank
line. The last ``EVAL_SIZE`` records are the held-out test split; ``tr_en_pairs/{train,test}.jsonl`` hold the same
records as ``{"tr": str, "en": str}``.

Turkish is written with its own letters (ç ğ ı İ ö ş ü); verb forms are built from a few suffix rules (vowel
harmony for -lar/-ler and -ız/-iz, k -> ğ before a vowel) applied to hand-written third-person forms. Every person
and place is ordinary or invented. numpy's legacy RandomState keeps the stream identical across numpy versions.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SEED = 1071
N_RECORDS = 560
EVAL_SIZE = 80

# ------------------------------------------------------------------------------------ vocabulary
# Subjects: (Turkish, English, person) with person in {"3s", "1s", "1p", "3p"}.
SUBJECTS = [
    ("Ayşe", "Ayşe", "3s"), ("Mehmet", "Mehmet", "3s"), ("Zeynep", "Zeynep", "3s"), ("Emre", "Emre", "3s"),
    ("Elif", "Elif", "3s"), ("Burak", "Burak", "3s"), ("Öğretmen", "The teacher", "3s"),
    ("Doktor", "The doctor", "3s"), ("Çocuk", "The child", "3s"), ("Komşumuz", "Our neighbour", "3s"),
    ("Yaşlı balıkçı", "The old fisherman", "3s"), ("Kardeşim", "My brother", "3s"), ("Annem", "My mother", "3s"),
    ("Babam", "My father", "3s"), ("Ben", "I", "1s"), ("Biz", "We", "1p"), ("Öğrenciler", "The students", "3p"),
    ("Arkadaşlarım", "My friends", "3p"),
]

# Verbs: Turkish 3rd-person singular (present continuous, past, future), English (base, -ing, past), object slots.
VERBS = [
    (("okuyor", "okudu", "okuyacak"), ("read", "reading", "read"),
     [("kitabı", "the book"), ("mektubu", "the letter"), ("gazeteyi", "the newspaper"), ("haberi", "the news")]),
    (("yazıyor", "yazdı", "yazacak"), ("write", "writing", "wrote"),
     [("bir mektup", "a letter"), ("bir şiir", "a poem"), ("raporu", "the report"), ("bir hikâye", "a story")]),
    (("içiyor", "içti", "içecek"), ("drink", "drinking", "drank"),
     [("çayı", "the tea"), ("bir fincan kahve", "a cup of coffee"), ("soğuk su", "cold water"),
      ("portakal suyu", "orange juice")]),
    (("yiyor", "yedi", "yiyecek"), ("eat", "eating", "ate"),
     [("bir elma", "an apple"), ("çorbayı", "the soup"), ("ekmek", "bread"), ("balık", "fish")]),
    (("pişiriyor", "pişirdi", "pişirecek"), ("cook", "cooking", "cooked"),
     [("akşam yemeğini", "dinner"), ("pilavı", "the rice"), ("mercimek çorbası", "lentil soup")]),
    (("temizliyor", "temizledi", "temizleyecek"), ("clean", "cleaning", "cleaned"),
     [("mutfağı", "the kitchen"), ("pencereleri", "the windows"), ("odayı", "the room"), ("arabayı", "the car")]),
    (("açıyor", "açtı", "açacak"), ("open", "opening", "opened"),
     [("kapıyı", "the door"), ("pencereyi", "the window"), ("kutuyu", "the box"), ("dükkânı", "the shop")]),
    (("satın alıyor", "satın aldı", "satın alacak"), ("buy", "buying", "bought"),
     [("yeni bir bisiklet", "a new bicycle"), ("iki bilet", "two tickets"), ("taze sebze", "fresh vegetables"),
      ("bir şemsiye", "an umbrella")]),
    (("izliyor", "izledi", "izleyecek"), ("watch", "watching", "watched"),
     [("filmi", "the film"), ("maçı", "the match"), ("haberleri", "the news"), ("gün batımını", "the sunset")]),
    (("dinliyor", "dinledi", "dinleyecek"), ("listen to", "listening to", "listened to"),
     [("radyoyu", "the radio"), ("müziği", "the music"), ("öğretmeni", "the teacher"), ("yağmuru", "the rain")]),
    (("arıyor", "aradı", "arayacak"), ("look for", "looking for", "looked for"),
     [("anahtarları", "the keys"), ("kediyi", "the cat"), ("eski fotoğrafları", "the old photographs")]),
    (("taşıyor", "taşıdı", "taşıyacak"), ("carry", "carrying", "carried"),
     [("ağır çantayı", "the heavy bag"), ("kutuları", "the boxes"), ("sandalyeleri", "the chairs")]),
    (("boyuyor", "boyadı", "boyayacak"), ("paint", "painting", "painted"),
     [("duvarı", "the wall"), ("bahçe kapısını", "the garden gate"), ("eski masayı", "the old table")]),
    (("tamir ediyor", "tamir etti", "tamir edecek"), ("repair", "repairing", "repaired"),
     [("bisikleti", "the bicycle"), ("saati", "the clock"), ("çatıyı", "the roof"), ("bilgisayarı", "the computer")]),
    (("gönderiyor", "gönderdi", "gönderecek"), ("send", "sending", "sent"),
     [("paketi", "the parcel"), ("bir mesaj", "a message"), ("faturayı", "the invoice")]),
    (("bekliyor", "bekledi", "bekleyecek"), ("wait for", "waiting for", "waited for"),
     [("otobüsü", "the bus"), ("treni", "the train"), ("misafirleri", "the guests")]),
]

PLACES = [("bahçede", "in the garden"), ("mutfakta", "in the kitchen"), ("kütüphanede", "at the library"),
          ("okulda", "at school"), ("ofiste", "at the office"), ("parkta", "in the park"), ("evde", "at home"),
          ("trende", "on the train"), ("limanda", "at the harbour"), ("köyde", "in the village")]

TIMES = {"present": [("Şimdi", "now"), ("Bu sabah", "this morning"), ("Şu anda", "right now")],
         "past": [("Dün", "yesterday"), ("Geçen hafta", "last week"), ("Dün akşam", "yesterday evening")],
         "future": [("Yarın", "tomorrow"), ("Gelecek hafta", "next week"), ("Cumartesi günü", "on Saturday")]}

CITIES = [("İstanbul", "İstanbul'da"), ("Ankara", "Ankara'da"), ("İzmir", "İzmir'de"), ("Bursa", "Bursa'da"),
          ("Trabzon", "Trabzon'da"), ("Antalya", "Antalya'da"), ("Konya", "Konya'da"), ("Kars", "Kars'ta"),
          ("Eskişehir", "Eskişehir'de"), ("Van", "Van'da"), ("Sinop", "Sinop'ta"), ("Edirne", "Edirne'de")]
# (adjective, its past form "was ...", English)
WEATHER = [("güneşli", "güneşliydi", "sunny"), ("yağmurlu", "yağmurluydu", "rainy"),
           ("bulutlu", "bulutluydu", "cloudy"), ("rüzgârlı", "rüzgârlıydı", "windy"), ("karlı", "karlıydı", "snowy"),
           ("sisli", "sisliydi", "foggy"), ("çok sıcak", "çok sıcaktı", "very hot"), ("soğuk", "soğuktu", "cold")]

HOBBIES = [("kitap okumayı", "reading books"), ("yüzmeyi", "swimming"), ("resim yapmayı", "painting"),
           ("bisiklet sürmeyi", "cycling"), ("yemek pişirmeyi", "cooking"), ("dağlarda yürümeyi",
           "walking in the mountains"), ("gitar çalmayı", "playing the guitar"), ("satranç oynamayı", "playing chess"),
           ("fotoğraf çekmeyi", "taking photographs"), ("şarkı söylemeyi", "singing"), ("balık tutmayı", "fishing"),
           ("bahçede çalışmayı", "working in the garden")]

NAMES_GEN = [("Ayşe'nin", "Ayşe"), ("Mehmet'in", "Mehmet"), ("Zeynep'in", "Zeynep"), ("Emre'nin", "Emre"),
             ("Elif'in", "Elif"), ("Can'ın", "Can"), ("Deniz'in", "Deniz"), ("Burak'ın", "Burak"),
             ("Selin'in", "Selin"), ("Oğuz'un", "Oğuz")]
NUMBERS = [("bir", "one", 1), ("iki", "two", 2), ("üç", "three", 3), ("dört", "four", 4), ("beş", "five", 5)]
POSSESSIONS = [("kedisi", "cat", "cats"), ("köpeği", "dog", "dogs"), ("kitabı", "book", "books"),
               ("arabası", "car", "cars"), ("kardeşi", "sibling", "siblings"), ("bisikleti", "bicycle", "bicycles"),
               ("çocuğu", "child", "children"), ("tavuğu", "hen", "hens")]

BUILDINGS = [("Müze", "The museum"), ("Kütüphane", "The library"), ("Banka", "The bank"), ("Eczane", "The pharmacy"),
             ("Postane", "The post office"), ("Fırın", "The bakery"), ("Pazar", "The market")]
HOURS = [("sekizde", "eight"), ("dokuzda", "nine"), ("onda", "ten"), ("yedide", "seven"), ("beşte", "five"),
         ("altıda", "six"), ("dörtte", "four"), ("on birde", "eleven")]

THINGS = [("Bu şehir", "This city"), ("Bu oda", "This room"), ("Şu ev", "That house"), ("Bu yol", "This road"),
          ("Bu çanta", "This bag"), ("Şu köprü", "That bridge"), ("Bu deniz", "This sea"), ("Bu kahve", "This coffee"),
          ("Bu çorba", "This soup"), ("Bu film", "This film")]
ADJECTIVES = [("kalabalık", "crowded"), ("sessiz", "quiet"), ("güzel", "beautiful"), ("eski", "old"),
              ("pahalı", "expensive"), ("ucuz", "cheap"), ("yeni", "new"), ("temiz", "clean"), ("sıcak", "hot"),
              ("lezzetli", "delicious"), ("ilginç", "interesting"), ("karanlık", "dark")]
DEGREES = [("çok", "very"), ("biraz", "a little"), ("oldukça", "quite"), ("", "")]

HANDWRITTEN = [
    ("Günaydın, nasılsınız?", "Good morning, how are you?"),
    ("Teşekkür ederim, çok iyiyim.", "Thank you, I am very well."),
    ("İstasyon buraya ne kadar uzak?", "How far is the station from here?"),
    ("Lütfen biraz daha yavaş konuşur musunuz?", "Could you please speak a little more slowly?"),
    ("Bu otobüs şehir merkezine gidiyor mu?", "Does this bus go to the city centre?"),
    ("Öğle yemeğinden sonra sahilde yürüdük.", "After lunch we walked on the beach."),
    ("Kışın dağ köylerinde yollar sık sık kapanır.", "In winter the roads in the mountain villages are often closed."),
    ("Çarşamba günü toplantı saat üçte başlayacak.", "On Wednesday the meeting will start at three o'clock."),
    ("Ağaçların yaprakları sonbaharda sararır.", "The leaves of the trees turn yellow in autumn."),
    ("Şoför bizi havalimanına zamanında götürdü.", "The driver took us to the airport on time."),
    ("Küçük kız, annesine bir çiçek verdi.", "The little girl gave her mother a flower."),
    ("Öğrenciler sınavdan önce çok çalıştılar.", "The students worked hard before the exam."),
    ("Hesabı ödeyebilir miyim?", "Can I pay the bill?"),
    ("Bu akşam dışarıda yemek yiyelim mi?", "Shall we eat out this evening?"),
    ("Kütüphane pazar günleri kapalıdır.", "The library is closed on Sundays."),
    ("Gölün kıyısında eski bir değirmen var.", "There is an old mill on the shore of the lake."),
]


class Draw:
    def __init__(self, seed: int):
        self.rng = np.random.RandomState(seed)

    def pick(self, seq):
        return seq[int(self.rng.randint(len(seq)))]


# ------------------------------------------------------------------------------------ Turkish morphology
def _last_vowel(word: str) -> str:
    for ch in reversed(word):
        if ch in "aıoueiöü":
            return ch
    raise ValueError(f"no vowel in {word!r}")


def conjugate(forms3s: tuple[str, str, str], tense: str, person: str) -> str:
    """The verb for ``person`` from the third-person singular form of ``tense`` (present, past, future)."""
    present, past, future = forms3s
    base = {"present": present, "past": past, "future": future}[tense]
    if person == "3s":
        return base
    if person == "3p":
        return base + ("lar" if _last_vowel(base) in "aıou" else "ler")
    if tense == "present":                      # -yor never changes: -yorum, -yoruz
        return base + {"1s": "um", "1p": "uz"}[person]
    if tense == "past":                         # geldi -> geldim, geldik
        return base + {"1s": "m", "1p": "k"}[person]
    stem = base[:-1] + "ğ"                      # gelecek -> geleceğ-im, -iz
    back = _last_vowel(base) in "aıou"
    return stem + {"1s": "ım" if back else "im", "1p": "ız" if back else "iz"}[person]


def english_verb(verb: tuple[str, str, str], tense: str, person: str) -> str:
    base, ing, past = verb
    if tense == "past":
        return past
    if tense == "future":
        return "will " + base
    be = {"1s": "am", "3s": "is", "1p": "are", "3p": "are"}[person]
    return f"{be} {ing}"


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text[0].upper() + text[1:]


NAMES = {"Ayşe", "Mehmet", "Zeynep", "Emre", "Elif", "Burak", "I"}


def _lower_first(word: str) -> str:
    """Lower-case the first letter after a sentence-initial adverb: Turkish İ -> i, I -> ı; names keep theirs."""
    if word in NAMES:
        return word
    return {"İ": "i", "I": "ı"}.get(word[0], word[0].lower()) + word[1:]


# ------------------------------------------------------------------------------------ templates
def action(d: Draw) -> tuple[str, str]:
    tr_subj, en_subj, person = d.pick(SUBJECTS)
    forms, verb_en, objects = d.pick(VERBS)
    obj_tr, obj_en = d.pick(objects)
    tense = d.pick(["present", "past", "future"])
    time_tr, time_en = d.pick(TIMES[tense])
    place_tr, place_en = d.pick(PLACES)
    verb_tr = conjugate(forms, tense, person)
    tr = f"{time_tr} {_lower_first(tr_subj)} {place_tr} {obj_tr} {verb_tr}."
    en = f"{_sentence(time_en)} {_lower_first(en_subj)} {english_verb(verb_en, tense, person)} {obj_en} {place_en}."
    return tr, en


def weather(d: Draw) -> tuple[str, str]:
    city, city_loc = d.pick(CITIES)
    w_tr, w_tr_past, w_en = d.pick(WEATHER)
    when = d.pick(["Bugün", "Yarın", "Dün"])
    if when == "Dün":
        return f"Dün {city_loc} hava {w_tr_past}.", f"Yesterday the weather in {city} was {w_en}."
    en_when = {"Bugün": "Today", "Yarın": "Tomorrow"}[when]
    return f"{when} {city_loc} hava {w_tr} olacak.", f"{en_when} the weather in {city} will be {w_en}."


def hobby(d: Draw) -> tuple[str, str]:
    name = d.pick([s for s in SUBJECTS if s[2] == "3s"])
    h_tr, h_en = d.pick(HOBBIES)
    how = d.pick([("sever", "likes"), ("çok sever", "really loves"), ("sevmez", "does not like"),
                  ("hiç sevmez", "does not like"), ("her zaman sever", "has always liked")])
    en_subj = name[1]
    tr = f"{name[0]} {h_tr} {how[0]}."
    if how[0] == "hiç sevmez":
        return tr, f"{en_subj} does not like {h_en} at all."
    return tr, f"{en_subj} {how[1]} {h_en}."


def possession(d: Draw) -> tuple[str, str]:
    gen, name = d.pick(NAMES_GEN)
    n_tr, n_en, n = d.pick(NUMBERS)
    p_tr, sing, plural = d.pick(POSSESSIONS)
    if d.pick([True, False, False]):
        return f"{gen} hiç {p_tr} yok.", f"{name} has no {plural}."
    return f"{gen} {n_tr} {p_tr} var.", f"{name} has {n_en} {sing if n == 1 else plural}."


def opening_hours(d: Draw) -> tuple[str, str]:
    b_tr, b_en = d.pick(BUILDINGS)
    h_tr, h_en = d.pick(HOURS)
    verb = d.pick([("açılıyor", "opens"), ("kapanıyor", "closes"), ("açılacak", "will open"),
                   ("kapanacak", "will close")])
    day = d.pick([("", ""), ("Pazartesi günleri ", "On Mondays "), ("Hafta sonu ", "At the weekend ")])
    if day[0] and verb[0].endswith("acak"):
        day = ("", "")
    en_b = b_en if not day[1] else b_en[0].lower() + b_en[1:]
    return (_sentence(f"{day[0]}{_lower_first(b_tr) if day[0] else b_tr} saat {h_tr} {verb[0]}."),
            f"{day[1]}{en_b} {verb[1]} at {h_en} o'clock.")


def description(d: Draw) -> tuple[str, str]:
    t_tr, t_en = d.pick(THINGS)
    a_tr, a_en = d.pick(ADJECTIVES)
    g_tr, g_en = d.pick(DEGREES)
    neg = d.pick([False, False, True])
    if neg:
        return f"{t_tr} {a_tr} değil.", f"{t_en} is not {a_en}."
    return " ".join(f"{t_tr} {g_tr} {a_tr}.".split()), " ".join(f"{t_en} is {g_en} {a_en}.".split())


TEMPLATES = [(action, 10), (weather, 2), (hobby, 2), (possession, 2), (opening_hours, 2), (description, 2)]


def make_records(n: int = N_RECORDS, seed: int = SEED) -> list[tuple[str, str]]:
    d = Draw(seed)
    table = [fn for fn, weight in TEMPLATES for _ in range(weight)]
    records, seen = list(HANDWRITTEN), {tr for tr, _ in HANDWRITTEN}
    for _ in range(n * 100):
        tr, en = d.pick(table)(d)
        if tr not in seen:
            seen.add(tr)
            records.append((tr, en))
            if len(records) == n:
                break
    else:
        raise RuntimeError(f"could only make {len(records)} distinct records of {n}")
    order = d.rng.permutation(len(records))
    return [records[int(i)] for i in order]


def write(out: Path) -> None:
    records = make_records()
    raw = out / "dataset_raw_tr_en.txt"
    raw.write_text("\n\n".join(f"{tr}\n{en}" for tr, en in records) + "\n", encoding="utf-8", newline="\n")
    split = len(records) - EVAL_SIZE
    for name, part in (("train", records[:split]), ("test", records[split:])):
        path = out / "tr_en_pairs" / f"{name}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            for tr, en in part:
                handle.write(json.dumps({"en": en, "tr": tr}, ensure_ascii=False) + "\n")
    print(f"wrote {raw} ({len(records)} records) and tr_en_pairs/train.jsonl ({split}), test.jsonl ({EVAL_SIZE})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    write(parser.parse_args().out)


if __name__ == "__main__":
    main()
