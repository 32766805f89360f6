"""Run the training job on this machine the way Vertex AI would, on the bundled tiny data (what run.sh calls).

    python run_local.py [--workdir build/usecases/pt-vertex] [trainer flags...]

``labkit.vertex.local_run`` starts ``python -m trainer.task`` with ``AIP_MODEL_DIR``, ``AIP_CHECKPOINT_DIR``,
``AIP_TENSORBOARD_LOG_DIR`` and ``CLOUD_ML_*`` pointing at folders under the work folder (what
``gcloud ai custom-jobs local-run`` does inside Docker). Afterwards the saved model is reloaded from
``AIP_MODEL_DIR`` and asked about two reviews, so a job that "succeeds" without a usable model still fails here.
"""
from __future__ import annotations

import argparse
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
    """Labels the model saved in ``model_dir`` gives ``texts`` (loaded the way a deployment would)."""
    from transformers import pipeline

    classify = pipeline("text-classification", model=str(model_dir), tokenizer=str(model_dir), device="cpu")
    return [r["label"] for r in classify(texts, truncation=True)]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--workdir", default="build/usecases/classification-bert-imdb-finetuning-pt-vertex")
    args, extra = p.parse_known_args(argv)
    proc, env = train_locally(Path(args.workdir), extra)
    sys.stdout.write(proc.stdout[-3000:])
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-5000:])
        print(f"trainer failed with exit code {proc.returncode}", file=sys.stderr)
        return proc.returncode
    labels = predict(env["AIP_MODEL_DIR"], EXAMPLES)
    for text, label in zip(EXAMPLES, labels):
        print(f"{label:>4}  {text}")
    print(f"model, tokenizer and metrics.json in {env['AIP_MODEL_DIR']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
