"""Python models run only on adapters whose dbt plugin can run them (dbt_project.yml,
`+enabled: *runs_python_models`). On DuckDB they are enabled; with an adapter list that does
not name the target (as on dbt-postgres or dbt-spark) every Python model is disabled and the
project still parses, which dbt only allows when no SQL model refs a disabled model."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import PROJECT_DIR, dbt

PYTHON_MODELS = {p.stem for p in (PROJECT_DIR / "models").rglob("*.py")}
# the data-quality gate (docs/data_quality.md) is depended on by design: staging and the marts
# ref it through macros that render the ref only where the gate is enabled (gate_runs_in_dbt)
GATE_MODELS = {"export_files", "validation_results", "kpi_monthly_validation"}


def _parse(tmp_path: Path, extra_vars: dict[str, object] | None = None) -> dict:
    target = tmp_path / "target"
    result = dbt(
        ["parse"], tmp_path / "warehouse.duckdb", extra_vars=extra_vars, target_path=target
    )
    assert result.ok, result.output[-3000:]
    return json.loads((target / "manifest.json").read_text(encoding="utf-8"))


def test_python_models_are_enabled_on_duckdb_and_only_tests_depend_on_them(
    tmp_path: Path,
) -> None:
    manifest = _parse(tmp_path)
    python_nodes = {
        node_id: node
        for node_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["language"] == "python"
    }
    assert {node["name"] for node in python_nodes.values()} == PYTHON_MODELS
    for node_id, node in python_nodes.items():
        assert node["config"]["enabled"] is True
        if node["name"] in GATE_MODELS:
            continue
        children = manifest["child_map"][node_id]
        assert all(child.startswith("test.") for child in children), children


def test_python_models_are_disabled_where_the_adapter_cannot_run_them(tmp_path: Path) -> None:
    manifest = _parse(tmp_path, extra_vars={"python_model_adapters": ["snowflake"]})
    assert not [n for n in manifest["nodes"].values() if n.get("language") == "python"]
    disabled = {
        node["name"]: node["config"]["enabled"]
        for versions in manifest["disabled"].values()
        for node in versions
        if node["resource_type"] == "model"
    }
    # every Python model carries the switch (a real boolean, not the string "False")
    assert disabled == {name: False for name in PYTHON_MODELS}
