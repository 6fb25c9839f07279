"""Speed and memory of the build on a 10x demo export, and what the data-quality gate costs.

    python bench/benchmark.py [--scale 10] [--out bench/out]

Generates the export (`python -m b2b_sales_kpis.demo_data --out DIR --scale N`), then builds it
into fresh warehouses with `python -m b2b_sales_kpis.build`, alternately with the gate (as
`make build` does) and without it (`--no-gate`: no export check, no suites; the quarantine
filter in staging stays), --repeat times each, keeping each kind's fastest run (the machine may
be shared). Prints the wall time of each build, the time of the gate's nodes (from dbt's
run_results.json; they run beside other nodes, on dbt's second thread) and the peak memory
(max RSS of the build process), and writes them to OUT/benchmark.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
GATE_NODES = ("export_files", "quarantined_rows", "validation_results", "kpi_monthly_validation",
              "export_files_are_readable", "inputs_pass_the_gate", "kpi_monthly_passes_the_gate")


# runs a command and reports the peak memory of its process tree (the largest process):
# measured in a fresh process, so an earlier, bigger child (the generator) does not count
_PEAK = (
    "import resource, subprocess, sys; "
    "code = subprocess.call(sys.argv[1:]); "
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print('PEAK_RSS_KIB', usage.ru_maxrss, 'CPU_SECONDS', usage.ru_utime + usage.ru_stime, "
    "file=sys.stderr); sys.exit(code)"
)


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """(wall seconds, peak RSS in MiB, CPU seconds, output)."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _PEAK, *command], cwd=PROJECT_DIR, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{output[-5000:]}")
    fields = output.rsplit("PEAK_RSS_KIB", 1)[1].split()
    return seconds, int(fields[0]) / 1024, float(fields[2]), output


def node_times(target: Path) -> dict[str, float]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[-1] if r["unique_id"].startswith("model") else
            r["unique_id"].split(".")[2]: r["execution_time"] for r in results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=2,
                        help="builds of each kind; the fastest counts (default 2)")
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "bench" / "out")
    args = parser.parse_args()
    out = args.out.resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR / "src"),
           "DBT_PROFILES_DIR": str(PROJECT_DIR)}
    export = out / "export"
    seconds, _, _, _ = run([sys.executable, "-m", "b2b_sales_kpis.demo_data", "--out", str(export),
                         "--scale", str(args.scale)], env)
    rows = {p.stem: sum(1 for _ in p.open(encoding="utf-8")) - 1
            for p in sorted(export.glob("*.csv"))}
    print(f"export: {sum(rows.values()):,} rows in {len(rows)} tables "
          f"(web_sessions {rows.get('web_sessions', 0):,}), generated in {seconds:.1f} s")

    report: dict[str, object] = {"scale": args.scale, "rows": rows,
                                 "load_average_at_start": os.getloadavg()[0]}
    # alternate the two builds and keep each one's fastest run: the machine may be shared
    for attempt in range(args.repeat):
        for label, extra in (("with gate", []), ("without gate", ["--no-gate"])):
            name = label.replace(" ", "_")
            target = out / f"target_{name}"
            build_env = {**env, "B2B_KPIS_DUCKDB": str(out / f"{name}_{attempt}.duckdb"),
                         "DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(out / "logs")}
            seconds, peak, cpu, _ = run([sys.executable, "-m", "b2b_sales_kpis.build",
                                    "--data-dir", str(export), *extra], build_env)
            times = node_times(target)
            gate = {node: round(times[node], 2) for node in GATE_NODES if node in times}
            print(f"{label} (run {attempt + 1}): build {seconds:.1f} s ({cpu:.1f} s CPU), "
                  f"peak memory {peak:.0f} MiB"
                  + (f", gate nodes {sum(gate.values()):.1f} s {gate}" if gate else ""))
            best = report.get(label)
            if best is None or seconds < best["build_seconds"]:  # type: ignore[index]
                report[label] = {"build_seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
                                 "peak_rss_mib": round(peak),
                                 "gate_seconds": round(sum(gate.values()), 1),
                                 "gate_nodes": gate}
    with_gate, without = report["with gate"], report["without gate"]
    overhead = with_gate["build_seconds"] - without["build_seconds"]  # type: ignore[index]
    report["gate_overhead_seconds"] = round(overhead, 1)
    print(f"fastest of {args.repeat}: with gate {with_gate['build_seconds']} s, "  # type: ignore[index]
          f"without {without['build_seconds']} s; peak memory {with_gate['peak_rss_mib']} "  # type: ignore[index]
          f"vs {without['peak_rss_mib']} MiB")  # type: ignore[index]
    cpu_overhead = with_gate["cpu_seconds"] - without["cpu_seconds"]  # type: ignore[index]
    report["gate_overhead_cpu_seconds"] = round(cpu_overhead, 1)
    print(f"gate overhead in CPU time: {cpu_overhead:.1f} s of {with_gate['cpu_seconds']} s "  # type: ignore[index]
          f"({cpu_overhead / with_gate['cpu_seconds']:.0%})")  # type: ignore[index]
    print(f"gate overhead: {overhead:.1f} s of {with_gate['build_seconds']} s "  # type: ignore[index]
          f"({overhead / with_gate['build_seconds']:.0%})")  # type: ignore[index]
    (out / "benchmark.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
