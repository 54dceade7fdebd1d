"""The committed API documents (docs/openapi, docs/asyncapi) match what the code generates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
KINDS = ("openapi", "asyncapi")


def _documents(base: Path) -> set[str]:
    return {f"{kind}/{path.name}" for kind in KINDS for path in (base / kind).glob("*.json")}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    result = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "local" / "generate_docs.py"), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, f"generating the documents failed:\n{result.stderr}"
    return out


def test_every_document_is_committed_and_up_to_date(generated: Path) -> None:
    fresh, committed = _documents(generated), _documents(DOCS)
    stale = sorted(name for name in fresh & committed
                   if (generated / name).read_text() != (DOCS / name).read_text())
    problems = {"missing from docs/": sorted(fresh - committed),
                "no longer generated": sorted(committed - fresh), "out of date": stale}
    assert not any(problems.values()), f"run make docs: {problems}"
