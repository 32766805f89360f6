"""Start the prediction server on 127.0.0.1 as Vertex would start the container, and exercise it (run.sh calls it).

    python run_local.py            # tiny profile: labkit's offline stand-in for facebook/bart-large-mnli

The server runs as its own process with ``AIP_HTTP_PORT``, ``AIP_HEALTH_ROUTE`` and ``AIP_PREDICT_ROUTE`` set the
way Vertex sets them for a deployed model; this script waits for the health route, sends a prediction request and
a malformed one, prints the answers and stops the server. Exit status 0 only if every answer is as expected.
"""
from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROUTES = {"AIP_HEALTH_ROUTE": "/v1/endpoints/local/deployedModels/zeroshot",
          "AIP_PREDICT_ROUTE": "/v1/endpoints/local/deployedModels/zeroshot:predict"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url: str, body=None, timeout: float = 120.0) -> tuple[int, dict]:
    """(HTTP status, decoded JSON body) of a GET (body None) or a JSON POST."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"},
                                 method="GET" if data is None else "POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


@contextlib.contextmanager
def running_server(profile: str = "tiny", startup_timeout: float = 180.0):
    """Start ``server.py`` on 127.0.0.1 with Vertex's variables; yields (base URL, health URL, predict URL)."""
    port = free_port()
    env = {**os.environ, "AIP_HTTP_PORT": str(port), **ROUTES, "LABKIT_PROFILE": profile,
           "TRANSFORMERS_VERBOSITY": "error", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, str(HERE / "server.py"), "--host", "127.0.0.1"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    health, predict = base + ROUTES["AIP_HEALTH_ROUTE"], base + ROUTES["AIP_PREDICT_ROUTE"]
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited with {proc.returncode}:\n{proc.stdout.read()[-3000:]}")
            try:
                if request(health, timeout=2)[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"the server did not answer {health} within {startup_timeout:.0f} s")
            time.sleep(0.5)
        yield base, health, predict
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> int:
    failures = []
    with running_server() as (base, health, predict):
        status, body = request(health)
        print(f"GET  health  -> {status} {body}")
        good = {"instances": [
            {"text": "The striker scored twice in the final minutes of the match.",
             "candidate_labels": ["sport", "cooking", "politics"]},
            {"text": "The chef baked a wonderful loaf of bread with a golden crust.",
             "candidate_labels": ["sport", "cooking", "politics"]}]}
        status, body = request(predict, good)
        print(f"POST predict -> {status}")
        for instance, prediction in zip(good["instances"], body.get("predictions", [])):
            ranked = ", ".join(f"{label} {s:.2f}" for label, s in zip(prediction["labels"], prediction["scores"]))
            print(f"     {instance['text'][:60]!r}: {ranked}")
        if status != 200 or len(body.get("predictions", [])) != 2:
            failures.append(f"predict answered {status} {body}")
        status, body = request(predict, {"instances": [{"text": "no labels here"}]})
        print(f"POST malformed -> {status} {body}")
        if status != 400 or "candidate_labels" not in body.get("error", ""):
            failures.append(f"a malformed request answered {status} {body}")
    for failure in failures:
        print("FAILED:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
