"""The signing workers leave with the service: a service process killed (SIGKILL, no chance to
stop its pool) leaves no worker behind, holding the operator's key, for good."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from .conftest import DocumentSettingsDouble, make_statement

SERVICE = """
import asyncio, pickle, sys
from types import SimpleNamespace
from invoicing.adapters.pdf import build_renderer

settings, statement = pickle.loads(sys.stdin.buffer.read())

async def main():
    renderer = build_renderer(SimpleNamespace(**settings))
    await renderer.render([statement, statement])
    print("rendered", flush=True)
    await asyncio.sleep(600)

asyncio.run(main())
"""


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    """Running, not ended (a zombie nobody reaps has ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _left(pids: list[int]) -> list[int]:
    """The ``pids`` still running once they had 30 seconds to leave."""
    for _ in range(300):
        if not (running := [pid for pid in pids if _alive(pid)]):
            return running
        time.sleep(0.1)
    return running


def test_a_killed_service_leaves_no_signing_worker_behind(tmp_path: Path) -> None:
    settings = asdict(DocumentSettingsDouble(documents_dir=tmp_path / "documents"))
    service = subprocess.Popen([sys.executable, "-c", SERVICE], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE)
    assert service.stdin is not None and service.stdout is not None
    service.stdin.write(pickle.dumps((settings, make_statement("ro"))))
    service.stdin.close()
    workers: list[int] = []
    try:
        assert service.stdout.readline() == b"rendered\n"
        workers = _children(service.pid)
        assert workers, "the service rendered without a worker process"
        service.send_signal(signal.SIGKILL)
        service.wait(timeout=20)
        assert _left(workers) == []
    finally:
        service.kill()
        for pid in filter(_alive, workers):  # this test's own processes, if they stayed
            os.kill(pid, signal.SIGKILL)
