#!/usr/bin/env python3
"""ScaNN against exact NumPy search on clustered vectors: recall@10, queries per second, build time.

    python bench/scann_search.py                 # 100,000 x 384 float32, 1,000 Gaussian centres, 1,000 queries
    python bench/scann_search.py --tiny          # 5,000 x 64 (the test in tests/test_search.py runs this)

The collection is a Gaussian mixture (labkit.search.clustered_vectors: unit-normalised points around random
centres), never isotropic noise: real embeddings are clustered by topic. Queries are held-out points of the same
mixture. Prints a markdown table (one row per leaves_to_search) for docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import time


def main(argv=None) -> list[dict]:
    from labkit import search

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a small run for tests")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--centres", type=int, default=1_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--spread", type=float, default=1.0, help="noise around each centre (1.0: clusters overlap)")
    args = parser.parse_args(argv)
    if args.tiny:
        args.n, args.dim, args.centres, args.queries = 5_000, 64, 100, 200
    start = time.perf_counter()
    everything = search.clustered_vectors(args.n + args.queries, args.dim, args.centres, spread=args.spread, seed=0)
    database, queries = everything[: args.n], everything[args.n:]
    print(f"data: {args.n:,} x {args.dim} float32, {args.centres:,} centres, {args.queries:,} queries "
          f"({time.perf_counter() - start:.1f} s); {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}")
    exact, _ = search.exact_search(database, queries, k=10)
    exact_qps = search.queries_per_second(lambda q: search.exact_search(database, q, k=10), queries, repeats=2)
    index = search.build_scann(database, k=10)
    print(f"ScaNN build {index.build_seconds:.1f} s, config {index.config}")
    rows = []
    leaves = [index.config["leaves_to_search"]] if index.config["mode"] == "brute_force" else sorted(
        {max(1, index.config["leaves_to_search"] // 2), index.config["leaves_to_search"],
         min(index.config["num_leaves"], index.config["leaves_to_search"] * 2)})
    for n_leaves in leaves:
        kwargs = {} if index.config["mode"] == "brute_force" else {"leaves_to_search": n_leaves}
        found, _ = index.search(queries, k=10, **kwargs)
        qps = search.queries_per_second(lambda q, kw=kwargs: index.search(q, k=10, **kw), queries, repeats=3)
        rows.append({"leaves_to_search": n_leaves, "recall@10": search.recall_at_k(found, exact), "qps": qps,
                     "exact_qps": exact_qps, "speed-up": qps / exact_qps, "build_s": index.build_seconds})
    print("| leaves searched | recall@10 | ScaNN QPS | exact QPS | speed-up | build (s) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['leaves_to_search']} | {r['recall@10']:.3f} | {r['qps']:,.0f} | {r['exact_qps']:,.0f} | "
              f"{r['speed-up']:.1f}x | {r['build_s']:.1f} |")
    return rows


if __name__ == "__main__":
    main()
