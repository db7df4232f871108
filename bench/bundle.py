"""Export and verify with large attachments: time against sha256sum, and peak memory.

    uv run python bench/bundle.py [--mib 1024] [--files 4] [--runs 3]

Fills a fresh vault with ``--files`` attachments of random bytes adding up to ``--mib`` MiB,
then measures, as real subprocesses, medians of ``--runs`` runs:

* baseline: ``sha256sum`` of the same bytes, plus writing them once (``cat > file``)
* ``blockwatch export`` (reads the encrypted vault, hashes, writes the zip, hashes the zip)
* ``sha256sum`` of the bundle
* ``blockwatch verify`` (reads every member, hashes it, checks proofs)

and the peak RSS of each blockwatch process (``getrusage`` of the child).  Targets from the
issue: export memory flat (≤ 200 MB peak RSS), verify throughput ≥ 50 % of sha256sum.
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from vaults import EXE, new_vault


def timed(argv: list[str], env: dict[str, str], **kw: object) -> tuple[float, int]:
    """Wall seconds and the child's peak RSS in MiB (Linux reports KiB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, **kw)  # type: ignore[call-overload]
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}")
    del before
    return elapsed, usage.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=1024)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        root = Path(tmp)
        env = new_vault(root / "vault")
        per_file = args.mib * 1024 * 1024 // args.files
        sources = []
        for n in range(args.files):
            path = root / f"recording-{n}.mp4"
            with open(path, "wb") as f:
                left = per_file
                while left:
                    block = min(left, 8 * 1024 * 1024)
                    f.write(os.urandom(block))
                    left -= block
            sources.append(path)
        attach = [a for p in sources for a in ("--attach", str(p))]
        log_s, log_rss = timed(
            [EXE, "log", "note", "--text", "screen recordings", *attach],
            env,
            stdout=subprocess.DEVNULL,
        )
        rows: dict[str, list[tuple[float, int]]] = {
            k: [] for k in ("baseline", "export", "sha_bundle", "verify")
        }
        for run in range(args.runs):
            copy = root / "copy.bin"
            t_cat, _ = timed(["sh", "-c", f"cat {' '.join(map(str, sources))} > {copy}"], env)
            t_sha, _ = timed(["sha256sum", *map(str, sources)], env, stdout=subprocess.DEVNULL)
            copy.unlink()
            rows["baseline"].append((t_cat + t_sha, 0))
            bundle = root / f"b{run}.zip"
            rows["export"].append(
                timed([EXE, "export", str(bundle)], env, stdout=subprocess.DEVNULL)
            )
            rows["sha_bundle"].append(
                timed(["sha256sum", str(bundle)], env, stdout=subprocess.DEVNULL)
            )
            rows["verify"].append(
                timed([EXE, "verify", str(bundle)], env, stdout=subprocess.DEVNULL)
            )
            bundle.unlink()
    med = {k: statistics.median(t for t, _ in v) for k, v in rows.items()}
    peak = {k: max(r for _, r in v) for k, v in rows.items()}
    mib = args.mib
    print(
        f"{mib} MiB in {args.files} attachments; medians of {args.runs} runs; {os.cpu_count()} cores"
    )
    print(f"{'step':<44} {'seconds':>8} {'MiB/s':>8} {'peak RSS MiB':>13}")
    print(
        f"{'log (store attachments in the vault)':<44} {log_s:>8.2f} {mib / log_s:>8.0f} {log_rss:>13}"
    )
    print(
        f"{'baseline: sha256sum + write once (cat)':<44} {med['baseline']:>8.2f} {mib / med['baseline']:>8.0f} {'':>13}"
    )
    print(
        f"{'blockwatch export':<44} {med['export']:>8.2f} {mib / med['export']:>8.0f} {peak['export']:>13}"
    )
    print(
        f"{'sha256sum of the bundle':<44} {med['sha_bundle']:>8.2f} {mib / med['sha_bundle']:>8.0f} {'':>13}"
    )
    print(
        f"{'blockwatch verify':<44} {med['verify']:>8.2f} {mib / med['verify']:>8.0f} {peak['verify']:>13}"
    )
    print(
        f"export / baseline = {med['export'] / med['baseline']:.2f}x; "
        f"verify throughput = {100 * med['sha_bundle'] / med['verify']:.0f} % of sha256sum"
    )


if __name__ == "__main__":
    main()
