"""The Kubernetes overlays and the compose file pass deploy/check_manifests.py, and the check
catches a broken manifest: a schema error, a policy violation, a setting left out."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "deploy" / "check_manifests.py"


def _check_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_manifests", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} is no longer in {path}"
    path.write_text(text.replace(old, new, 1))


def test_the_committed_manifests_pass() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT)], cwd=ROOT, capture_output=True,
                            text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr + result.stdout


def test_a_broken_copy_of_the_manifests_fails(tmp_path: Path) -> None:
    k8s = tmp_path / "k8s"
    shutil.copytree(ROOT / "deploy" / "k8s", k8s)
    # the base takes the dashboard's ConfigMap from deploy/grafana, beside deploy/k8s
    shutil.copytree(ROOT / "deploy" / "grafana", tmp_path / "grafana")
    base = k8s / "base"
    _edit(base / "accounts.yaml", "containerPort: 8001", "containerPort: eight-thousand-one")
    _edit(base / "rating.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false")
    _edit(base / "config" / "invoicing.env", "INVOICING_DUE_DAY=16\n", "")

    problems = "\n".join(_check_module().check(k8s / "overlays"))

    assert "Deployment/accounts" in problems and "is not of type 'integer'" in problems
    assert "CKV_K8S_22" in problems  # checkov: the root file system is writable
    assert "setting INVOICING_DUE_DAY of .env.example" in problems
