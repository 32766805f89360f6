"""T5X use case: TFRecords from the parallel file (columns not swapped), the seqio task iterated offline with a
locally trained SentencePiece vocabulary through EncDecFeatureConverter, gin files that parse and share the prefix."""
import importlib.util
import os
import sys

import pytest

from labkit import seq2seq
from labkit.env import repo_root

HERE = repo_root() / "usecases" / "translation-tr-en-t5x"


def _seqio():
    """seqio, or a skip naming the known environment problem (sentencepiece 0.2.3's generated protobuf code needs
    protobuf 7, TensorFlow 2.20 keeps protobuf 6: pin sentencepiece to a release built for protobuf 6)."""
    try:
        import seqio
    except Exception as exc:            # google.protobuf.runtime_version.VersionError
        pytest.skip(f"seqio does not import in this environment: {type(exc).__name__}: {str(exc)[:160]}")
    return seqio


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    pre = _load("preprocess_2tfrecord", HERE / "preprocess_2tfrecord.py")
    out = tmp_path_factory.mktemp("tfrecords")
    pairs = seq2seq.read_parallel_file(seq2seq.raw_tr_en_path())
    counts = pre.write(pairs, out, eval_size=80)
    return out, pairs, counts


@pytest.fixture(scope="module")
def tasks(records):
    os.environ["TR_EN_REGISTER_ON_IMPORT"] = "0"
    sys.modules.pop("tasks", None)
    return _load("tasks", HERE / "tasks" / "__init__.py")


@pytest.fixture(scope="module")
def vocabulary(records, tmp_path_factory):
    seqio = _seqio()

    from labkit.standins import sentencepiece_model

    _, pairs, _ = records
    texts = [t for pair in pairs for t in pair] + [seq2seq.TR_EN_PREFIX] * 20
    proto = sentencepiece_model(texts, 500, {"pad": 0, "eos": 1, "unk": 2})     # num_threads=1 inside
    path = tmp_path_factory.mktemp("spm") / "tr_en.model"
    path.write_bytes(proto)
    return seqio.SentencePieceVocabulary(str(path))


def test_tfrecords_hold_turkish_inputs_and_english_targets(records):
    import tensorflow as tf

    out, pairs, counts = records
    assert counts == {"train": len(pairs) - 80, "eval": 80}
    first = tf.train.Example.FromString(next(iter(tf.data.TFRecordDataset(str(out / "train.tfrecord")))).numpy())
    feature = first.features.feature
    assert feature["inputs"].bytes_list.value[0].decode() == pairs[0][0]       # Turkish
    assert feature["targets"].bytes_list.value[0].decode() == pairs[0][1]      # English
    last = list(tf.data.TFRecordDataset(str(out / "eval.tfrecord")))[-1]
    assert tf.train.Example.FromString(last.numpy()).features.feature["targets"].bytes_list.value[0].decode() \
        == pairs[-1][1]


def test_eval_size_out_of_range_is_refused(records, tmp_path):
    pre = _load("preprocess_2tfrecord", HERE / "preprocess_2tfrecord.py")
    with pytest.raises(ValueError, match=r"eval_size must be between 1 and 1 \(the file has 2 records\), got 5"):
        pre.write([("a", "b"), ("c", "d")], tmp_path, eval_size=5)


def test_task_registers_iterates_and_feeds_the_encdec_converter(records, tasks, vocabulary):
    seqio = _seqio()

    out, pairs, _ = records
    task = tasks.register(str(out), vocabulary)
    assert tasks.TASK_NAME in seqio.TaskRegistry.names()
    ds = task.get_dataset({"inputs": 64, "targets": 64}, split="validation", shuffle=False, use_cached=False)
    example = next(iter(ds.as_numpy_iterator()))
    assert vocabulary.decode(example["inputs"].tolist()).startswith("translate Turkish to English: " + pairs[-80][0][:10])
    assert vocabulary.decode(example["targets"].tolist()) == pairs[-80][1]
    converted = seqio.EncDecFeatureConverter(pack=False)(ds, {"inputs": 64, "targets": 64})
    batch = next(iter(converted.as_numpy_iterator()))
    assert set(batch) >= {"encoder_input_tokens", "decoder_target_tokens", "decoder_input_tokens", "decoder_loss_weights"}
    assert batch["encoder_input_tokens"].shape == (64,) and batch["decoder_input_tokens"][0] == 0
    assert (batch["decoder_input_tokens"][1:5] == batch["decoder_target_tokens"][:4]).all()
    assert tasks.bleu([pairs[0][1]], [pairs[0][1]])["bleu"] == pytest.approx(100.0)


def test_sequence_length_shorter_than_the_prefix_is_refused(tasks, vocabulary):
    n = tasks.check_sequence_length(vocabulary, 64)
    with pytest.raises(ValueError, match=rf"inputs sequence length {n} is not longer than the prefix"):
        tasks.check_sequence_length(vocabulary, n)


def test_tasks_module_imports_logging_and_hard_codes_no_project():
    import ast

    source = (HERE / "tasks" / "__init__.py").read_text()
    imported = {a.name for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Import) for a in node.names}
    assert "logging" in imported
    assert "[your-bucket]" in source and "project=" not in source and "projects/" not in source


def _bindings(path):
    import gin
    from gin import config_parser

    statements = list(config_parser.ConfigParser(path.read_text(), gin.config.ParserDelegate(skip_unknown=True)))
    return {s.selector: s.value for s in statements if type(s).__name__ == "BindingStatement" and not s.arg_name}


def test_gin_files_parse_and_share_the_input_prefix(tasks):
    train, infer = _bindings(HERE / "finetune_tr_en.gin"), _bindings(HERE / "infer_tr_en.gin")
    assert train["INPUT_PREFIX"] == infer["INPUT_PREFIX"] == tasks.PREFIX == seq2seq.TR_EN_PREFIX
    assert train["MIXTURE_OR_TASK_NAME"] == infer["MIXTURE_OR_TASK_NAME"] == tasks.TASK_NAME
    assert train["TASK_FEATURE_LENGTHS"] == infer["TASK_FEATURE_LENGTHS"]


def test_dockerfile_pins_t5x_commit_jax_and_tensorflow():
    import re

    text = (HERE / "Dockerfile").read_text()
    assert re.search(r"T5X_COMMIT=[0-9a-f]{40}\b", text) and "t5x@${T5X_COMMIT}" in text
    jax = re.search(r'"jax\[tpu\]==([\d.]+)"', text).group(1)
    assert re.search(rf'"jaxlib=={re.escape(jax)}"', text)
    tf_version = re.search(r'"tensorflow-cpu==(\d+\.\d+)\.\d+"', text).group(1)
    assert f'"tensorflow-text=={tf_version}.' in text          # tensorflow-text must match TensorFlow's minor


@pytest.mark.parametrize("name,machine", [("job-v5e.yaml", "ct5lp-hightpu-4t"), ("job-v6e.yaml", "ct6e-standard-4t"),
                                          ("job-v2-8.yaml", "cloud-tpu")])
def test_tpu_job_specs_come_from_labkit_vertex(name, machine):
    from labkit import vertex

    spec = vertex.validate(vertex.load_spec(str(HERE / name)))
    assert spec.machine_type == machine
    pool = vertex.worker_pool_specs(spec)[0]
    assert pool["container_spec"]["command"] == ["python", "-m", "t5x.train"]
    assert "--gin_file=finetune_tr_en.gin" in pool["container_spec"]["args"]
