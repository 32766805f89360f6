#!/usr/bin/env python3
"""Write data/sentences/train.jsonl: short sentences in English, Spanish and Turkish, plus lines of code.

    python tools/make_sentences.py              # writes data/sentences/train.jsonl
    python tools/make_sentences.py --out DIR    # writes DIR/sentences/train.jsonl

Each record is {"text": ..., "lang": "en" | "es" | "tr" | "code"}. The sentences are composed here from small
hand-written grammars (one per language, each respecting its word order and agreement: Turkish is
subject-object-verb with case suffixes written out), 120 per language, plus hand-written sentences with accents,
emoji and numbers and 40 hand-written code lines (Python, JavaScript, C#, Java, SQL, shell). Lab 01-2 compares
tokenizers on them. The random stream is Python's `random.Random(seed)`, so two runs write identical bytes.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 2024
PER_LANGUAGE = 120

ENGLISH = {
    "subject": ["The old fisherman", "My neighbour", "A young painter", "The school teacher", "Our grandmother",
                "The train driver", "A curious child", "The museum guide", "The baker", "Every student"],
    "verb": ["carried", "painted", "found", "repaired", "described", "photographed", "sold", "borrowed",
             "cleaned", "forgot"],
    "object": ["a wooden boat", "the red umbrella", "an old map of the coast", "three loaves of bread",
               "the broken clock", "a letter from Istanbul", "the blue bicycle", "a basket of oranges",
               "the heavy suitcase", "a small telescope"],
    "place": ["near the harbour", "in the village square", "behind the station", "at the top of the hill",
              "inside the library", "by the river", "in the crowded market", "on the balcony"],
    "time": ["this morning", "last winter", "after the storm", "before sunrise", "on Sunday",
             "during the festival", "yesterday evening", "every summer"],
}
SPANISH = {
    "subject": ["El viejo pescador", "Mi vecina", "Un pintor joven", "La maestra", "Nuestra abuela",
                "El conductor del tren", "Una niña curiosa", "El guía del museo", "El panadero", "Cada estudiante"],
    "verb": ["llevó", "pintó", "encontró", "reparó", "describió", "fotografió", "vendió", "compró",
             "limpió", "olvidó"],
    "object": ["un barco de madera", "el paraguas rojo", "un mapa antiguo de la costa", "tres barras de pan",
               "el reloj roto", "una carta de Estambul", "la bicicleta azul", "una cesta de naranjas",
               "la maleta pesada", "un telescopio pequeño"],
    "place": ["cerca del puerto", "en la plaza del pueblo", "detrás de la estación", "en lo alto de la colina",
              "dentro de la biblioteca", "junto al río", "en el mercado lleno de gente", "en el balcón"],
    "time": ["esta mañana", "el invierno pasado", "después de la tormenta", "antes del amanecer", "el domingo",
             "durante la fiesta", "ayer por la tarde", "cada verano"],
}
TURKISH = {
    "time": ["Bu sabah", "Geçen kış", "Fırtınadan sonra", "Güneş doğmadan önce", "Pazar günü",
             "Festival sırasında", "Dün akşam", "Her yaz"],
    "subject": ["yaşlı balıkçı", "komşum", "genç bir ressam", "öğretmen", "büyükannemiz", "tren sürücüsü",
                "meraklı bir çocuk", "müze rehberi", "fırıncı", "her öğrenci"],
    "place": ["limanın yakınında", "köy meydanında", "istasyonun arkasında", "tepenin üstünde",
              "kütüphanenin içinde", "nehrin kenarında", "kalabalık pazarda", "balkonda"],
    "object": ["ahşap bir tekneyi", "kırmızı şemsiyeyi", "kıyının eski haritasını", "üç somun ekmeği",
               "bozuk saati", "İstanbul'dan gelen mektubu", "mavi bisikleti", "bir sepet portakalı",
               "ağır bavulu", "küçük bir teleskopu"],
    "verb": ["taşıdı", "boyadı", "buldu", "tamir etti", "anlattı", "fotoğrafladı", "sattı", "ödünç aldı",
             "temizledi", "unuttu"],
}
HANDWRITTEN = {
    "en": ["Naïve questions at the café cost €3.50, or so the sign said 🙂.",
           "The résumé listed 12 languages, 3 of them extinct.",
           "Don't tokenize me, I'm already short!",
           "Unbelievably, the unbreakable teapot broke."],
    "es": ["¿Dónde está la pingüinera? ¡Más allá del faro!",
           "El niño comió 2½ empanadas y pidió más 😋.",
           "Desafortunadamente, la cigüeña llegó tarde a la reunión.",
           "Los murciélagos vuelan de noche sobre el acueducto."],
    "tr": ["Çekoslovakyalılaştıramadıklarımızdanmışsınız, dedi öğretmen gülerek.",
           "Işıklar söndü; ılık rüzgâr ağaçların arasından esti 🌙.",
           "Avrupalılaştıramadıklarımızdan mısınız?",
           "Şehir kütüphanesinde 1.250 kitap ödünç verildi."],
}
CODE = [
    "def add(a, b):\n\treturn a + b",
    "for i in range(10): print(i ** 2)",
    "import numpy as np; x = np.zeros((3, 4), dtype=np.float32)",
    "with open('notes.txt', encoding='utf-8') as f: lines = f.readlines()",
    "squares = {n: n * n for n in range(1, 6)}",
    "class Point:\n    def __init__(self, x, y):\n        self.x, self.y = x, y",
    "if not items:\n    raise ValueError(f'empty list: {items!r}')",
    "total = sum(price * qty for price, qty in basket if qty > 0)",
    "const greet = (name) => `Hello, ${name}!`;",
    "document.querySelector('#submit').addEventListener('click', onSubmit);",
    "let counts = new Map(); words.forEach(w => counts.set(w, (counts.get(w) || 0) + 1));",
    "fetch('/api/items').then(r => r.json()).then(render);",
    "for (let i = 0; i < arr.length; i++) { if (arr[i] === target) return i; }",
    "export default function clamp(x, lo, hi) { return Math.min(hi, Math.max(lo, x)); }",
    "public static int Square(int x) => x * x;",
    "var names = people.Where(p => p.Age >= 18).Select(p => p.Name).ToList();",
    "Console.WriteLine($\"Total: {total:C2}\");",
    "using (var reader = new StreamReader(path)) { text = reader.ReadToEnd(); }",
    "public record Book(string Title, int Year);",
    "List<String> upper = names.stream().map(String::toUpperCase).collect(Collectors.toList());",
    "public static void main(String[] args) { System.out.println(\"ready\"); }",
    "Map<String, Integer> ages = new HashMap<>();",
    "try { run(); } catch (IOException e) { log.warn(\"retry\", e); }",
    "SELECT title, COUNT(*) AS n FROM loans GROUP BY title ORDER BY n DESC LIMIT 10;",
    "UPDATE accounts SET balance = balance - 25.00 WHERE id = 42;",
    "CREATE INDEX idx_books_year ON books (year);",
    "grep -rn 'TODO' src/ | wc -l",
    "tar -czf backup-$(date +%F).tar.gz ~/notes",
    "for f in *.txt; do mv \"$f\" \"${f%.txt}.md\"; done",
    "git log --oneline --graph -n 20",
    "x = [[0] * cols for _ in range(rows)]",
    "assert abs(result - 3.14159) < 1e-4, result",
    "matrix = tf.reshape(tensor, (-1, 28 * 28))",
    "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')",
    "while (node != null) { node = node.next; length++; }",
    "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", 7); }",
    "fn main() { let v: Vec<u32> = (1..=5).collect(); println!(\"{:?}\", v); }",
    "SELECT * FROM users WHERE email LIKE '%@example.org';",
    "print(\"tab\\tseparated\", sep=\"\\t\")",
    "lambda x: x if x >= 0 else -x",
]


def compose(rng: random.Random, parts: dict, order: list[str]) -> str:
    sentence = " ".join(rng.choice(parts[p]) for p in order)
    return sentence[0].upper() + sentence[1:] + "."


def sentences() -> list[dict]:
    rng = random.Random(SEED)
    grammars = [("en", ENGLISH, ["subject", "verb", "object", "place", "time"]),
                ("es", SPANISH, ["subject", "verb", "object", "place", "time"]),
                ("tr", TURKISH, ["time", "subject", "place", "object", "verb"])]
    rows = []
    for lang, parts, order in grammars:
        seen = set(HANDWRITTEN[lang])
        texts = list(HANDWRITTEN[lang])
        while len(texts) < PER_LANGUAGE:
            text = compose(rng, parts, order)
            if text not in seen:
                seen.add(text)
                texts.append(text)
        rows.extend({"text": t, "lang": lang} for t in texts)
    rows.extend({"text": t, "lang": "code"} for t in CODE)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    args = parser.parse_args()
    target = args.out / "sentences" / "train.jsonl"
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", encoding="utf-8", newline="\n") as handle:
        for row in sentences():
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
