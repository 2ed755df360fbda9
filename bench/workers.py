"""What the benchmarks share: each measurement runs in a fresh interpreter (this script again, with --worker) and
hands back one JSON line, so start-up is not counted, memory is that process's own peak, and one run's caches do
not help the next."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

MARK = "@@BENCH-RESULT@@ "  # prefixes the worker's one JSON line, so library chatter on stdout cannot confuse it


def peak_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def emit(result: dict) -> None:
    print(MARK + json.dumps(result, ensure_ascii=False), flush=True)


def spawn(script: str | Path, kind: str, db: Path) -> dict:
    """Run `script --worker kind --db db` and return its result, or {"error", "stderr"} when it gave none."""
    done = subprocess.run([sys.executable, str(script), "--worker", kind, "--db", str(db)], capture_output=True,
                          text=True, env={**os.environ, "CI": "1"})
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    if not lines:
        return {"error": f"worker exited {done.returncode}", "stderr": done.stderr[-4000:]}
    return json.loads(lines[-1][len(MARK):])


def interleaved(script: str | Path, kinds: list[str], db: Path, repeat: int) -> dict[str, list[dict]] | None:
    """Each worker kind `repeat` times, taking turns so machine load falls on all alike; None (after printing why)
    when a worker gave no result."""
    runs: dict[str, list[dict]] = {kind: [] for kind in kinds}
    for _ in range(repeat):
        for kind in kinds:
            result = spawn(script, kind, db)
            if "error" in result:
                print(f"{kind} failed: {result['error']}\n{result.get('stderr', '')}")
                return None
            runs[kind].append(result)
    return runs


def times(results: list[dict]) -> str:
    return ", ".join(f"{r['seconds']:.2f}" for r in results)


def median(results: list[dict]) -> float:
    return statistics.median(r["seconds"] for r in results)
