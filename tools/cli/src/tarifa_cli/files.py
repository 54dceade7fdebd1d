"""Documents the user hands the CLI: YAML or JSON, read by the file's extension."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
import yaml  # type: ignore[import-untyped]

__all__ = ["read_document", "write_document"]


def read_document(path: Path) -> Any:
    """A YAML (``.yaml``/``.yml``) or JSON file; a bad one is a usage error (exit 2)."""
    try:
        text = path.read_text(encoding="utf-8")
        return yaml.safe_load(text) if path.suffix in (".yaml", ".yml") else json.loads(text)
    except OSError as error:
        raise typer.BadParameter(f"cannot read {path}: {error.strerror}") from error
    except (ValueError, yaml.YAMLError) as error:
        raise typer.BadParameter(f"{path} is not valid {_kind(path)}: {error}") from error


def write_document(path: Path, data: Any) -> None:
    if path.suffix in (".yaml", ".yml"):
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    else:
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _kind(path: Path) -> str:
    return "YAML" if path.suffix in (".yaml", ".yml") else "JSON"
