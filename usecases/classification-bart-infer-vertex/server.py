"""A Vertex AI custom prediction container: zero-shot classification over HTTP with an NLI model.

    python server.py                         # serves on $AIP_HTTP_PORT (8080), model from $MODEL_ID

Vertex AI tells a custom container where to listen and which routes to answer through environment variables:
``AIP_HTTP_PORT`` (default 8080), ``AIP_HEALTH_ROUTE`` (default ``/health``) and ``AIP_PREDICT_ROUTE`` (default
``/predict``). The model is loaded ONCE, before the port opens, so health checks only pass when predictions can
be served and no request pays for loading it.

Request (Vertex's prediction format)::

    {"instances": [{"text": "The striker scored twice.", "candidate_labels": ["sport", "cooking"]}],
     "parameters": {"hypothesis_template": "This example is about {}.", "multi_label": false}}

``candidate_labels`` may instead be given once in ``parameters`` for every instance. Response::

    {"predictions": [{"labels": ["sport", "cooking"], "scores": [0.93, 0.07]}]}

Instances that share a label set are classified together in batches (``labkit.zeroshot.classify``), so a request
of a thousand instances costs a few dozen forward passes. A malformed request gets HTTP 400 with a JSON
``{"error": ...}`` message saying what is wrong; a server fault gets 500 with a short message, never a stack trace.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_MODEL = "facebook/bart-large-mnli"
MAX_INSTANCES = 5000            # Vertex caps a request at 1.5 MB anyway; this bounds the work per request
MAX_BODY_BYTES = 8 * 1024 * 1024
log = logging.getLogger("zeroshot-server")


class BadRequest(ValueError):
    """A request the server answers with HTTP 400 and this message."""


class ZeroShotService:
    """The model and tokenizer, loaded once; ``predict`` turns a request body into a response body."""

    loads = 0                    # how many times any service loaded a model (the tests check it stays 1)

    def __init__(self, model_id: str = DEFAULT_MODEL, batch_size: int = 64):
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        from labkit.zeroshot import entailment_ids

        started = time.perf_counter()
        self.model_id = model_id
        self.tokenizer = AutoTokenizer.from_pretrained(model_id)
        self.model = AutoModelForSequenceClassification.from_pretrained(model_id)
        self.model.to("cuda" if torch.cuda.is_available() else "cpu").eval()
        entailment_ids(self.model.config)          # fail at start, not per request, if it is not an NLI model
        self.batch_size = batch_size
        self.lock = threading.Lock()               # one forward pass at a time: torch already uses every core
        type(self).loads += 1
        self.load_seconds = time.perf_counter() - started

    def health(self) -> dict:
        return {"status": "ok", "model": self.model_id, "model_loads": type(self).loads,
                "load_seconds": round(self.load_seconds, 2)}

    def predict(self, body) -> dict:
        from labkit.zeroshot import classify

        instances, parameters = parse_request(body)
        template = parameters.get("hypothesis_template", "This example is about {}.")
        multi_label = parameters.get("multi_label", False)
        if not isinstance(multi_label, bool):
            raise BadRequest(f"parameters.multi_label must be true or false, got {multi_label!r}")
        groups: dict[tuple, list[int]] = {}
        for i, (_, labels) in enumerate(instances):
            groups.setdefault(tuple(labels), []).append(i)
        predictions: list[dict | None] = [None] * len(instances)
        for labels, indices in groups.items():
            try:
                with self.lock:
                    results = classify(self.model, self.tokenizer, [instances[i][0] for i in indices], list(labels),
                                       hypothesis_template=template, multi_label=multi_label,
                                       batch_size=self.batch_size)
            except ValueError as exc:
                raise BadRequest(str(exc)) from None
            for i, result in zip(indices, results):
                predictions[i] = {"labels": result["labels"], "scores": [round(s, 6) for s in result["scores"]]}
        return {"predictions": predictions}


def parse_request(body) -> tuple[list[tuple[str, list[str]]], dict]:
    """``[(text, candidate_labels), ...]`` and the parameters, or :class:`BadRequest` saying what is wrong."""
    if not isinstance(body, dict):
        raise BadRequest('the body must be a JSON object like '
                         '{"instances": [{"text": ..., "candidate_labels": [...]}]}')
    unknown = set(body) - {"instances", "parameters"}
    if unknown:
        raise BadRequest(f"unknown top-level fields {sorted(unknown)}; expected 'instances' and optional 'parameters'")
    instances = body.get("instances")
    if not isinstance(instances, list) or not instances:
        raise BadRequest("'instances' must be a non-empty list of {\"text\": ..., \"candidate_labels\": [...]}")
    if len(instances) > MAX_INSTANCES:
        raise BadRequest(f"too many instances: {len(instances)}; at most {MAX_INSTANCES} per request")
    parameters = body.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise BadRequest(f"'parameters' must be an object, got {type(parameters).__name__}")
    template = parameters.get("hypothesis_template", "This example is about {}.")
    if not isinstance(template, str) or "{}" not in template:
        raise BadRequest(f"parameters.hypothesis_template must be a string containing '{{}}', got {template!r}")
    default_labels = parameters.get("candidate_labels")
    parsed = []
    for i, instance in enumerate(instances):
        if isinstance(instance, str):
            text, labels = instance, default_labels
        elif isinstance(instance, dict):
            text, labels = instance.get("text"), instance.get("candidate_labels", default_labels)
        else:
            raise BadRequest(f"instance {i} must be an object with 'text' and 'candidate_labels', "
                             f"got {type(instance).__name__}")
        if not isinstance(text, str) or not text.strip():
            raise BadRequest(f"instance {i}: 'text' must be a non-empty string, got {text!r}")
        if labels is None:
            raise BadRequest(f"instance {i}: no 'candidate_labels' (give them per instance or in parameters)")
        if isinstance(labels, str) or not isinstance(labels, list) or not labels:
            raise BadRequest(f"instance {i}: 'candidate_labels' must be a non-empty list of strings, got {labels!r}")
        if not all(isinstance(label, str) and label.strip() for label in labels):
            raise BadRequest(f"instance {i}: every candidate label must be a non-empty string, got {labels!r}")
        if len(set(labels)) != len(labels):
            raise BadRequest(f"instance {i}: 'candidate_labels' has duplicates: {labels!r}")
        parsed.append((text, labels))
    return parsed, parameters


def make_handler(service: ZeroShotService, health_route: str, predict_route: str):
    class Handler(BaseHTTPRequestHandler):
        server_version = "zeroshot-server/1"
        protocol_version = "HTTP/1.1"

        def _send(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path.split("?")[0] == health_route:
                self._send(HTTPStatus.OK, service.health())
            else:
                self._send(HTTPStatus.NOT_FOUND, {"error": f"no route {self.path}; health is GET {health_route}, "
                                                           f"predictions are POST {predict_route}"})

        def do_POST(self):
            if self.path.split("?")[0] != predict_route:
                self._send(HTTPStatus.NOT_FOUND,
                           {"error": f"no route {self.path}; predictions are POST {predict_route}"})
                return
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length <= 0 or length > MAX_BODY_BYTES:
                self._send(HTTPStatus.BAD_REQUEST, {"error": f"the body must be JSON of 1 to {MAX_BODY_BYTES} bytes "
                                                             f"with a Content-Length header"})
                if length > MAX_BODY_BYTES:
                    self.close_connection = True
                return
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                self._send(HTTPStatus.BAD_REQUEST, {"error": f"the body is not valid JSON: {exc}"})
                return
            try:
                self._send(HTTPStatus.OK, service.predict(body))
            except BadRequest as exc:
                self._send(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
            except Exception:  # noqa: BLE001  a fault is logged here, the client gets a message, not a trace
                log.exception("prediction failed")
                self._send(HTTPStatus.INTERNAL_SERVER_ERROR,
                           {"error": "prediction failed inside the server; see its log"})

        def log_message(self, fmt, *args):
            log.info("%s %s", self.address_string(), fmt % args)

    return Handler


def serve(host: str = "0.0.0.0", port: int | None = None, model_id: str | None = None) -> None:
    port = int(port or os.environ.get("AIP_HTTP_PORT", 8080))
    health_route = os.environ.get("AIP_HEALTH_ROUTE", "/health")
    predict_route = os.environ.get("AIP_PREDICT_ROUTE", "/predict")
    service = ZeroShotService(model_id or os.environ.get("MODEL_ID", DEFAULT_MODEL))
    httpd = ThreadingHTTPServer((host, port), make_handler(service, health_route, predict_route))
    print(f"serving {service.model_id} on http://{host}:{port} (health GET {health_route}, "
          f"predict POST {predict_route}); model loaded in {service.load_seconds:.1f} s", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"),
                   help="interface to listen on (0.0.0.0 inside the container; 127.0.0.1 on your machine)")
    p.add_argument("--port", type=int, default=None, help="default: $AIP_HTTP_PORT or 8080")
    p.add_argument("--model", default=None, help=f"hub id or folder (default: $MODEL_ID or {DEFAULT_MODEL})")
    p.add_argument("--profile", choices=("tiny", "full"), default=None,
                   help="tiny serves labkit's offline stand-in under the same id")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    model_id = args.model or os.environ.get("MODEL_ID", DEFAULT_MODEL)
    if args.profile or os.environ.get("LABKIT_PROFILE"):
        import labkit

        labkit.setup(models=[model_id] if not os.path.isdir(model_id) else [], profile=args.profile)
    serve(args.host, args.port, model_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
