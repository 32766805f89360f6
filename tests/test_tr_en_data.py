"""The Turkish-English parallel file: clean UTF-8, the documented block format, registry splits that match it."""
import pytest

from labkit import data, seq2seq


def test_raw_file_is_clean_utf8_with_500_plus_records_matching_the_registry():
    path = seq2seq.raw_tr_en_path()
    raw = path.read_bytes()
    text = raw.decode("utf-8")                       # strict: fails on invalid bytes
    assert not raw.startswith(b"\xef\xbb\xbf") and "\r" not in text
    for bad in ("Ã§", "Ä±", "ÅŸ", "Ã¼", "Ã¶", "Ä°"):
        assert bad not in text, f"double-encoded text {bad!r} in {path}"
    assert {"ç", "ğ", "ı", "ö", "ş", "ü", "İ"} <= set(text)
    pairs = seq2seq.read_parallel_file(path)
    assert len(pairs) >= 500 and len(set(pairs)) == len(pairs)
    rows = data.read_rows("tr_en_pairs", "train") + data.read_rows("tr_en_pairs", "test")
    assert [(r["tr"], r["en"]) for r in rows] == pairs
    assert not {r["tr"] for r in data.read_rows("tr_en_pairs", "test")} & {r["tr"] for r in
                                                                            data.read_rows("tr_en_pairs", "train")}


def test_reference_is_the_second_line_of_each_block():
    blocks = seq2seq.raw_tr_en_path().read_text(encoding="utf-8").strip().split("\n\n")
    pairs = seq2seq.read_parallel_file(seq2seq.raw_tr_en_path())
    assert all(block.split("\n") == [tr, en] for block, (tr, en) in zip(blocks, pairs))
    assert pairs[0][1][0].isupper() and "ı" not in "".join(en for _, en in pairs)   # English lines are English


@pytest.mark.parametrize("content,message", [
    ("Merhaba.\nHello.\n\nGüle güle.\n\nEvet.\nYes.\n", r":4: record has a source line but no target line"),
    ("Merhaba.\nHello.\nHi there.\n", r":3: record starting at line 1 has 3 lines"),
    ("GÃ¼le gÃ¼le.\nGoodbye.\n", r":1: 'Ã¼' looks like double-encoded UTF-8"),
    ("", "no records found"),
])
def test_bad_raw_files_name_the_line(tmp_path, content, message):
    path = tmp_path / "pairs.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(seq2seq.ParallelFormatError, match=message):
        seq2seq.read_parallel_file(path)


def test_invalid_utf8_names_the_line(tmp_path):
    path = tmp_path / "pairs.txt"
    path.write_bytes(b"Merhaba.\nHello.\n\nG" + b"\xfcle.\nBye.\n")
    with pytest.raises(seq2seq.ParallelFormatError, match=r"pairs.txt:4: not UTF-8"):
        seq2seq.read_parallel_file(path)


def test_tsv_with_a_missing_target_names_the_line(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("Evet.\tYes.\nHayır.\n", encoding="utf-8")
    with pytest.raises(seq2seq.ParallelFormatError, match=r"pairs.tsv:2: missing target column"):
        seq2seq.read_pairs(path)
    path.write_text("Evet.\tYes.\nHayır.\tNo.\n", encoding="utf-8")
    assert seq2seq.read_pairs(path) == [("Evet.", "Yes."), ("Hayır.", "No.")]


def test_generator_is_deterministic(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen", data.data_dir().parent / "tools" / "make_tr_en_data.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.write(tmp_path)
    assert (tmp_path / "dataset_raw_tr_en.txt").read_bytes() == seq2seq.raw_tr_en_path().read_bytes()
    assert gen.conjugate(("gidiyor", "gitti", "gidecek"), "future", "1p") == "gideceğiz"
    assert gen.conjugate(("okuyor", "okudu", "okuyacak"), "past", "3p") == "okudular"


def test_summarization_sets_have_100_train_and_25_test_rows():
    for name, fields in (("news_highlights", {"article", "highlights"}), ("spanish_news", {"title", "text", "summary"})):
        train, test = data.read_rows(name, "train"), data.read_rows(name, "test")
        assert (len(train), len(test)) == (100, 25) and set(train[0]) == fields
        key = "article" if name == "news_highlights" else "text"
        assert not {r[key] for r in train} & {r[key] for r in test}
    assert any("ó" in r["summary"] or "í" in r["summary"] for r in data.read_rows("spanish_news", "train"))
