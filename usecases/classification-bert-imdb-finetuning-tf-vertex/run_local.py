"""Run the Keras training job on this machine the way Vertex AI would, on the bundled tiny data (run.sh calls it).

    python run_local.py [--workdir build/usecases/tf-vertex] [trainer flags...]

``labkit.vertex.local_run`` starts ``python -m trainer.task`` with ``AIP_MODEL_DIR`` and the other Vertex
variables pointing at local folders. Afterwards ``model.keras`` is reloaded from ``AIP_MODEL_DIR`` and asked
about two reviews, so a job that "succeeds" without a usable model still fails here.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLES = ["An outstanding, wonderful film: brilliant acting and a moving story. I loved every minute.",
            "A dull, boring mess. Terrible acting and a story that goes nowhere. A waste of time."]


def train_locally(workdir: Path, extra_args: list[str] = (), timeout: int = 600):
    """Run the trainer with the Vertex environment; returns (completed process, environment it saw)."""
    from labkit.vertex import local_run

    return local_run(["python", "-m", "trainer.task", "--profile", "tiny", *extra_args], Path(workdir), cwd=HERE,
                     timeout=timeout)


def predict(model_dir: str | Path, texts: list[str]) -> list[str]:
    """Labels the ``model.keras`` saved in ``model_dir`` gives ``texts`` (the classifier takes raw strings)."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras
    import keras_hub  # noqa: F401  (registers the keras-hub classes the saved model refers to)
    import numpy as np

    model = keras.saving.load_model(Path(model_dir) / "model.keras")
    names = json.loads((Path(model_dir) / "labels.json").read_text())
    logits = model.predict(np.array(texts), verbose=0)
    return [names[i] for i in np.argmax(logits, axis=-1)]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--workdir", default="build/usecases/classification-bert-imdb-finetuning-tf-vertex")
    args, extra = p.parse_known_args(argv)
    proc, env = train_locally(Path(args.workdir), extra)
    sys.stdout.write(proc.stdout[-3000:])
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-5000:])
        print(f"trainer failed with exit code {proc.returncode}", file=sys.stderr)
        return proc.returncode
    for text, label in zip(EXAMPLES, predict(env["AIP_MODEL_DIR"], EXAMPLES)):
        print(f"{label:>4}  {text}")
    print(f"model.keras, labels.json and metrics.json in {env['AIP_MODEL_DIR']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
