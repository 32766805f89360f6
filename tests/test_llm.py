"""labkit.llm: the generation config and its mappings, prompt limits, backend selection, the Gemini backend
against an injected fake client (no network), and the local backend on the tiny Qwen2 stand-in."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from labkit import llm

sys.path.insert(0, str(Path(__file__).parent))
from test_apps import FakeGeminiClient, gemini_response, standin_env  # noqa: E402

# ---------------------------------------------------------------------------------------------- config

def test_config_defaults_and_types():
    cfg = llm.GenerationConfig(temperature=1, top_p=1, top_k=5.0, max_output_tokens=10)
    assert (cfg.temperature, cfg.top_p, cfg.top_k, cfg.max_output_tokens) == (1.0, 1.0, 5, 10)
    assert isinstance(cfg.top_k, int) and isinstance(cfg.temperature, float)


@pytest.mark.parametrize("field,value,words", [
    ("temperature", -0.1, "temperature=-0.1 is out of range"),
    ("temperature", 2.5, "from 0.0 to 2.0"),
    ("top_p", 1.5, "top_p=1.5 is out of range: use a value from 0.0 to 1.0"),
    ("top_p", -1, "top_p=-1"),
    ("top_k", 0, "top_k=0 is out of range"),
    ("top_k", 2.5, "top_k must be a whole number"),
    ("max_output_tokens", 0, "max_output_tokens=0"),
    ("top_p", float("nan"), "top_p=nan"),
    ("temperature", "hot", "temperature must be a number"),
    ("top_k", True, "top_k must be a number"),
])
def test_config_rejects_bad_values_with_a_message(field, value, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(".", r"\.")):
        llm.GenerationConfig(**{field: value})


def test_clamped_forces_values_into_range_and_says_so():
    cfg, notes = llm.GenerationConfig.clamped(temperature=9, top_p=-3, top_k=0.2, max_output_tokens=10**6)
    assert (cfg.temperature, cfg.top_p, cfg.top_k, cfg.max_output_tokens) == (2.0, 0.0, 1, 8192)
    assert len(notes) == 4 and notes[1] == "top_p=-3 is out of range [0.0, 1.0]; used 0.0"
    cfg, notes = llm.GenerationConfig.clamped(temperature=None, top_p=0.5)
    assert cfg.temperature == llm.GenerationConfig().temperature and "not a number" in notes[0]


def test_mapping_to_google_genai_config():
    from google.genai import types

    out = llm.GenerationConfig(temperature=0.3, top_p=0.8, top_k=12, max_output_tokens=99).to_genai(
        system_instruction="be brief")
    assert isinstance(out, types.GenerateContentConfig)
    assert (out.temperature, out.top_p, out.top_k, out.max_output_tokens) == (0.3, 0.8, 12, 99)
    assert out.system_instruction == "be brief"


def test_mapping_to_transformers_generate_kwargs():
    assert llm.GenerationConfig(temperature=0.5, top_p=0.9, top_k=7, max_output_tokens=30).to_transformers() == {
        "max_new_tokens": 30, "do_sample": True, "temperature": 0.5, "top_p": 0.9, "top_k": 7}
    # temperature 0 and top-p 0 both mean "only the most likely token": greedy, no sampling knobs passed
    assert llm.GenerationConfig(temperature=0).to_transformers() == {"max_new_tokens": 256, "do_sample": False}
    assert llm.GenerationConfig(top_p=0).to_transformers()["do_sample"] is False


# ---------------------------------------------------------------------------------------------- prompts

def test_truncate_prompt_to_the_documented_limit():
    assert llm.MAX_PROMPT_CHARS == 8000
    text, notice = llm.truncate_prompt("a" * 100_000)
    assert text == "a" * 8000
    assert notice == "The prompt had 100,000 characters; only the first 8,000 were sent (limit 8,000)."
    assert llm.truncate_prompt("short") == ("short", None)
    with pytest.raises(TypeError, match="prompt must be a string"):
        llm.truncate_prompt(None)


def test_normalise_messages_accepts_gradio_and_gemini_shapes():
    got = llm.normalise_messages([{"role": "system", "content": "s"},
                                  {"role": "user", "content": [{"type": "text", "text": "a"}]},
                                  {"role": "model", "content": "b"}, {"role": "user", "content": "c"}])
    assert got == [{"role": "system", "content": "s"}, {"role": "user", "content": "a"},
                   {"role": "assistant", "content": "b"}, {"role": "user", "content": "c"}]
    with pytest.raises(ValueError, match="end with a user message"):
        llm.normalise_messages([{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}])
    with pytest.raises(ValueError, match="role 'robot'"):
        llm.normalise_messages([{"role": "robot", "content": "a"}])


def test_trim_history_keeps_system_and_newest_turns():
    msgs = [{"role": "system", "content": "S"}] + [{"role": "user" if i % 2 == 0 else "assistant",
                                                    "content": str(i) * 10} for i in range(9)]
    kept = llm.trim_history(msgs, budget=35)
    assert kept[0]["content"] == "S" and [m["content"][0] for m in kept[1:]] == ["6", "7", "8"]


# ---------------------------------------------------------------------------------------------- selection

@pytest.fixture
def no_gcloud(monkeypatch, tmp_path):
    for var in ("GOOGLE_CLOUD_PROJECT", "GOOGLE_APPLICATION_CREDENTIALS", "LABKIT_LLM_BACKEND",
                "LABKIT_LLM_FALLBACK", "K_SERVICE", "GCE_METADATA_HOST", "COLAB_RELEASE_TAG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))
    monkeypatch.setattr(llm, "credentials_available", lambda: False)


def test_backend_selection_by_argument_and_environment(no_gcloud, monkeypatch):
    assert isinstance(llm.make_backend(), llm.LocalBackend)              # the default
    monkeypatch.setenv("LABKIT_LLM_BACKEND", "gemini")
    assert isinstance(llm.make_backend(project="p", client=FakeGeminiClient([])), llm.GeminiBackend)
    assert isinstance(llm.make_backend("local"), llm.LocalBackend)       # the argument wins
    with pytest.raises(ValueError, match="unknown backend 'palm'; choose one of local, gemini"):
        llm.make_backend("palm")


def test_gemini_without_project_or_credentials_says_what_to_do(no_gcloud, monkeypatch):
    with pytest.raises(llm.BackendUnavailable, match="needs a Google Cloud project: pass --project"):
        llm.make_backend("gemini")
    with pytest.raises(llm.BackendUnavailable, match="gcloud auth application-default login"):
        llm.make_backend("gemini", project="my-project")
    key = Path(os.environ["CLOUDSDK_CONFIG"]).parent / "key.json"
    key.write_text("{}")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    monkeypatch.undo()   # the real credentials check sees the key file
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    assert llm.credentials_available() is True


def test_fallback_to_local_only_when_asked(no_gcloud, monkeypatch):
    with pytest.raises(llm.BackendUnavailable):
        llm.make_backend("gemini", fallback=False)
    backend = llm.make_backend("gemini", fallback=True)
    assert isinstance(backend, llm.LocalBackend) and "Gemini is not available" in backend.fallback_reason
    monkeypatch.setenv("LABKIT_LLM_FALLBACK", "1")
    assert isinstance(llm.make_backend("gemini"), llm.LocalBackend)


# ---------------------------------------------------------------------------------------------- Gemini

def test_gemini_generate_sends_model_contents_and_mapped_config():
    fake = FakeGeminiClient([gemini_response("A tokenizer maps text to ids.")])
    backend = llm.GeminiBackend("gemini-2.5-pro", project="p", client=fake)
    reply = llm.generate("What is a tokenizer?", llm.GenerationConfig(0.2, 0.7, 9, 50), backend)
    assert reply == "A tokenizer maps text to ids."
    (call,) = fake.models.calls
    assert call["method"] == "generate_content" and call["model"] == "gemini-2.5-pro"
    (content,) = call["contents"]
    assert content.role == "user" and content.parts[0].text == "What is a tokenizer?"
    cfg = call["config"]
    assert (cfg.temperature, cfg.top_p, cfg.top_k, cfg.max_output_tokens) == (0.2, 0.7, 9, 50)
    assert 0.0 <= cfg.top_p <= 1.0 and not cfg.tools          # plain generation: no tools


def test_gemini_chat_stream_maps_roles_system_and_truncated_prompt():
    fake = FakeGeminiClient([gemini_response("Hel"), gemini_response("lo")])
    backend = llm.GeminiBackend(project="p", client=fake)
    chunks = list(llm.stream_chat([{"role": "system", "content": "Be kind."}, {"role": "user", "content": "hi"},
                                   {"role": "assistant", "content": "hello"}, {"role": "user", "content": "again"}],
                                  llm.GenerationConfig(), backend))
    assert chunks == ["Hel", "lo"]
    call = fake.models.calls[0]
    assert call["method"] == "generate_content_stream" and call["model"] == llm.DEFAULT_GEMINI_MODEL
    assert [(c.role, c.parts[0].text) for c in call["contents"]] == [("user", "hi"), ("model", "hello"),
                                                                      ("user", "again")]
    assert call["config"].system_instruction == "Be kind."
    llm.generate("x" * 100_000, None, backend)
    assert len(fake.models.calls[-1]["contents"][0].parts[0].text) == llm.MAX_PROMPT_CHARS


def test_gemini_code_chat_enables_server_side_code_execution_and_renders_code():
    response = gemini_response("Let me check.", code="print(sum(range(5)))", output="10\n")
    fake = FakeGeminiClient([response])
    backend = llm.make_backend("gemini", project="p", client=fake, code_execution=True)
    reply = backend.chat([{"role": "user", "content": "sum 0..4"}], llm.GenerationConfig())
    tools = fake.models.calls[0]["config"].tools
    assert len(tools) == 1 and tools[0].code_execution is not None
    assert "```python\nprint(sum(range(5)))\n```" in reply and "Output:\n\n```text\n10\n```" in reply
    assert reply.startswith("Let me check.")


def test_gemini_api_errors_become_backend_errors():
    from google.genai import errors

    fake = FakeGeminiClient([], error=errors.ClientError(403, {"error": {"code": 403, "message": "Permission "
                                                                         "denied on project p", "status":
                                                                         "PERMISSION_DENIED"}}))
    backend = llm.GeminiBackend(project="p", client=fake)
    with pytest.raises(llm.BackendError, match="Gemini returned 403 PERMISSION_DENIED: Permission denied"):
        backend.generate("hi", llm.GenerationConfig())
    with pytest.raises(llm.BackendError, match="403"):
        list(backend.stream_chat([{"role": "user", "content": "hi"}], llm.GenerationConfig()))


def test_real_client_is_built_for_vertex_without_network(monkeypatch):
    monkeypatch.setattr(llm, "credentials_available", lambda: True)
    backend = llm.GeminiBackend(project="my-project", location="europe-west4")
    client = backend.client                   # constructing the client makes no request
    assert client.vertexai is True
    assert backend.describe() == "Gemini gemini-2.5-flash on Vertex AI (project my-project, europe-west4)"


# ---------------------------------------------------------------------------------------------- local

@pytest.fixture(scope="module")
def local():
    with standin_env():
        backend = llm.LocalBackend()
        backend.load()
        yield backend


def test_standin_is_a_tiny_qwen2_with_a_chat_template(local):
    from transformers import Qwen2ForCausalLM

    model, tok = local._model, local._tokenizer
    assert isinstance(model, Qwen2ForCausalLM)
    assert (model.config.hidden_size, model.config.num_hidden_layers) == (64, 2)
    text = tok.apply_chat_template([{"role": "user", "content": "hi"}], add_generation_prompt=True, tokenize=False)
    assert text == "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"
    assert tok.convert_ids_to_tokens(tok.encode("<|im_end|>", add_special_tokens=False)) == ["<|im_end|>"]
    assert local.describe() == "local transformers model (tiny offline stand-in of Qwen/Qwen2.5-0.5B-Instruct)"


def test_local_backend_answers_from_its_training_dialogues(local):
    greedy = llm.GenerationConfig(temperature=0, max_output_tokens=60)
    reply = local.generate("What is a transformer?", greedy)
    assert reply.startswith("A transformer is a neural network built from attention layers.")
    code = local.generate("Write a Python function that reverses a string.", greedy)
    assert "```python\ndef reverse(text):\n    return text[::-1]" in code
    chunks = list(local.stream_chat([{"role": "user", "content": "What is BERT?"}], greedy))
    assert len(chunks) > 3 and "".join(chunks).startswith("BERT is an encoder transformer")


def test_local_backend_respects_max_tokens_and_long_prompts(local):
    short = local.generate("What is a transformer?", llm.GenerationConfig(temperature=0, max_output_tokens=3))
    assert 0 < len(local._tokenizer.encode(short, add_special_tokens=False)) <= 3
    long_reply = local.generate(llm.truncate_prompt("tokens " * 20_000)[0],
                                llm.GenerationConfig(temperature=0.7, top_p=0.9, max_output_tokens=8))
    assert isinstance(long_reply, str)
