"""``python -m selfcare build``: build the web app when its sources changed since the last build.

``npm ci`` runs only when ``node_modules`` is missing or older than ``package-lock.json`` (so a
machine without the network builds from the modules it has); ``npm run build`` (tsc, Vite) only
when a source is newer than ``dist/index.html``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

__all__ = ["WEB", "ensure_built"]

WEB = Path(__file__).resolve().parents[2] / "web"
SOURCES = ("src", "public", "index.html", "package.json", "package-lock.json", "vite.config.ts",
           "tsconfig.json")


def _newest(web: Path) -> float:
    paths = [web / name for name in SOURCES]
    files = [f for p in paths for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file()]
    return max(f.stat().st_mtime for f in files)


def _modules_stale(web: Path) -> bool:
    stamp = web / "node_modules" / ".package-lock.json"
    return not stamp.is_file() or stamp.stat().st_mtime < (web / "package-lock.json").stat().st_mtime


def _npm(web: Path, *args: str) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("selfcare: npm is missing; install Node.js 20 or later (apt-get install npm)")
    subprocess.run([npm, *args], cwd=web, check=True)


def ensure_built(web: Path = WEB) -> Path:
    """The built ``dist`` directory, rebuilt first if a source is newer."""
    if _modules_stale(web):
        _npm(web, "ci", "--prefer-offline", "--no-audit", "--no-fund")
    index = web / "dist" / "index.html"
    if not index.is_file() or index.stat().st_mtime < _newest(web):
        _npm(web, "run", "build", "--silent")
    return web / "dist"
