"""Write the bundled programming-questions dataset (4 classes, original text).

    python tools/make_questions.py        # writes data/programming_questions/{train,test}.jsonl

Mirrors the shape of TensorFlow's Stack Overflow 16k archive: a question's text and its language label (csharp,
java, javascript, python, alphabetical), with the language's own name replaced by "blank" where a person would
have written it. Questions mix language-specific APIs and idioms with tasks every language shares, and a share of
them carries only weak or misleading cues, so that a bag-of-words model cannot be perfect.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 4242
LABELS = ["csharp", "java", "javascript", "python"]

API = {
    "python": ["a pandas DataFrame", "a list comprehension", "pip install", "a virtualenv", "an f-string", "the __init__ method",
               "a Django view", "a Flask route", "asyncio", "a decorator", "a generator with yield", "a pytest fixture",
               "requirements.txt", "matplotlib", "numpy arrays", "os.path.join", "json.loads", "a with open block",
               "tuple unpacking", "a lambda inside sorted", "dict.get", "the self argument", "a conda environment",
               "Jupyter", "the GIL", "type hints", "dataclasses", "itertools"],
    "javascript": ["npm install", "a promise chain", "a DOM element", "addEventListener", "a React component", "the useState hook",
                   "node_modules", "package.json", "JSON.parse", "fetch", "an arrow function", "const and let",
                   "an Express route", "webpack", "document.querySelector", "a callback", "setTimeout", "triple equals",
                   "jQuery", "TypeScript types", "Array.map", "the event loop", "localStorage", "a Vue template",
                   "Node streams", "ES modules", "innerHTML", "Object.keys"],
    "java": ["a Maven pom.xml", "a Spring Boot controller", "an ArrayList", "a HashMap", "public static void main",
             "stream().filter().collect", "an abstract class", "a JUnit test", "a Gradle build", "the JVM heap",
             "a checked exception", "Optional.ofNullable", "a Hibernate entity", "a synchronized block",
             "System.out.println", "a jar file", "generics with wildcards", "a Scanner reading input", "JDBC",
             "an inner class", "the equals and hashCode methods", "a Swing JFrame", "Lombok", "a Servlet",
             "the final keyword", "ExecutorService", "an enum with fields"],
    "csharp": ["a LINQ query", "an async Task", "a NuGet package", "Entity Framework", "an ASP.NET controller",
               "Visual Studio", "a List<T>", "a Dictionary<TKey, TValue>", "IEnumerable", "Console.WriteLine",
               "a WPF binding", "string interpolation with $", "a using statement", "a delegate and an event",
               "the .csproj file", "the var keyword", "auto properties with get and set", "a Unity MonoBehaviour",
               "Task.Run", "a struct", "extension methods", "the dotnet CLI", "Razor pages", "a Windows Forms button",
               "nullable reference types", "a record type", "the IDisposable interface"],
}
ERRORS = {
    "python": ["TypeError: 'NoneType' object is not subscriptable", "IndentationError: unexpected indent",
               "KeyError", "ModuleNotFoundError", "AttributeError: 'str' object has no attribute", "ValueError"],
    "javascript": ["TypeError: Cannot read properties of undefined", "Uncaught ReferenceError", "a CORS error",
                   "Unhandled promise rejection", "SyntaxError: Unexpected token", "NaN"],
    "java": ["NullPointerException", "ClassNotFoundException", "ConcurrentModificationException",
             "an ArrayIndexOutOfBoundsException", "OutOfMemoryError: Java heap space", "NumberFormatException"],
    "csharp": ["NullReferenceException", "InvalidOperationException", "a CS0103 compiler error",
               "an ArgumentOutOfRangeException", "FileNotFoundException", "a deadlock with .Result"],
}
SNIPPETS = {
    "python": ["for i, x in enumerate(items):", "result = [x * 2 for x in data]", "def load(path):", "import pandas as pd",
               "with open(name) as f:", "print(f\"{total:.2f}\")", "if __name__ == \"__main__\":"],
    "javascript": ["const total = items.reduce((a, b) => a + b, 0);", "let el = document.getElementById('app');",
                   "fetch(url).then(r => r.json())", "module.exports = router;", "console.log(data);",
                   "export default function App() {", "await page.click('#submit');"],
    "java": ["List<String> names = new ArrayList<>();", "public class Main {", "Map<String, Integer> counts = new HashMap<>();",
             "@Autowired private UserService service;", "try (BufferedReader br = new BufferedReader(reader)) {",
             "String s = String.valueOf(n);", "@Test void parsesDate() {"],
    "csharp": ["var names = new List<string>();", "public async Task<IActionResult> Get()",
               "var adults = people.Where(p => p.Age > 18).ToList();", "using var conn = new SqlConnection(cs);",
               "Console.WriteLine($\"Total: {total}\");", "public string Name { get; set; }",
               "[HttpPost] public IActionResult Save()"],
}
TASKS = ["parse a date string", "read a file line by line", "sort a list of objects by one field",
         "convert a string to an integer", "remove duplicates from a list", "call a REST API and read the JSON",
         "handle exceptions properly", "split a string on commas", "format a number with two decimals",
         "connect to a SQL database", "write unit tests for a class", "measure how long a function takes",
         "iterate over a dictionary", "read environment variables", "make a slow loop faster", "merge two arrays",
         "download a file over HTTP", "validate an email address with a regex", "run two tasks in parallel",
         "write a CSV file", "compare two dates", "reverse a string", "deep copy an object", "log errors to a file",
         "upload a file from a form", "cache the result of an expensive call", "read command line arguments",
         "schedule a job every night", "hash a password", "zip two lists together"]
# cues that several languages share: they mislead a bag-of-words model as often as they help it
SHARED = ["async and await", "a class with a constructor", "a JSON string", "a list of dictionaries",
          "a lambda expression", "a static method", "an interface", "a stream of events", "generics",
          "a null check", "a string builder", "an iterator", "threads"]
OPENERS = ["How do I {task} in blank?", "What is the best way to {task}?", "How can I {task} with {api}?",
           "Is there a simple way to {task} in blank?", "I need to {task}.", "Trying to {task} using {api}.",
           "{api}: how to {task}?", "Why can't I {task}?", "What's the idiomatic blank way to {task}?",
           "Beginner here: how would you {task}?"]
BODIES = ["I tried {api} but I get {error}.", "My code uses {api}, and it works until I add {shared}.",
          "Here is what I have: `{snippet}`", "Is there a better way than {api}?",
          "The documentation for {api} does not mention this case.", "It fails with {error} on the server only.",
          "I also looked at {shared} but I am not sure it fits.", "This is inside {api}.",
          "The same code worked with {shared} yesterday.", "Any help is appreciated.", "I am new to blank.",
          "Performance matters because the list has a million items.", "Tests pass locally but fail in CI.",
          "I read that {shared} might help here.", "The input comes from a web form.", "Thanks in advance."]


def question(rng: random.Random, lang: str, strength: float) -> str:
    """One question; ``strength`` is the chance each body sentence carries a language-specific cue."""
    def fill(template: str, cue_lang: str) -> str:
        out = template.replace("{task}", rng.choice(TASKS)).replace("{shared}", rng.choice(SHARED))
        out = out.replace("{api}", rng.choice(API[cue_lang])).replace("{error}", rng.choice(ERRORS[cue_lang]))
        return out.replace("{snippet}", rng.choice(SNIPPETS[cue_lang]))

    def cue_language() -> str:
        # now and then a question mentions another language's API (migrating, comparing, copying code)
        return lang if rng.random() > 0.05 else rng.choice([x for x in LABELS if x != lang])

    specific_bodies = [b for b in BODIES if any(k in b for k in ("{api}", "{error}", "{snippet}"))]
    generic_bodies = [b for b in BODIES if b not in specific_bodies]
    parts = [fill(rng.choice(OPENERS), cue_language())]
    if rng.random() < strength:                      # most questions carry at least one specific cue
        parts.append(fill(rng.choice(specific_bodies), cue_language()))
    for _ in range(rng.randint(0, 2)):
        parts.append(fill(rng.choice(generic_bodies if rng.random() < 0.3 else specific_bodies), cue_language()))
    rng.shuffle(parts[1:]) if len(parts) > 2 else None
    text = " ".join(p[0].upper() + p[1:] if p[0].islower() and not p.startswith("{") else p for p in parts)
    return text


def make(rng: random.Random, per_class: int, seen: set) -> list[dict]:
    rows = []
    for label, lang in enumerate(LABELS):
        made = 0
        while made < per_class:
            strength = rng.choice([1.0, 1.0, 0.85])
            text = question(rng, lang, strength)
            if text in seen:
                continue
            seen.add(text)
            rows.append({"text": text, "label": label})
            made += 1
    rng.shuffle(rows)
    return rows


def main() -> None:
    rng = random.Random(SEED)
    seen: set = set()
    out = ROOT / "data" / "programming_questions"
    out.mkdir(parents=True, exist_ok=True)
    for split, n in (("train", 100), ("test", 25)):
        rows = make(rng, n, seen)
        with open(out / f"{split}.jsonl", "w", encoding="utf-8", newline="\n") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"programming_questions/{split}: {len(rows)} rows")


if __name__ == "__main__":
    main()
