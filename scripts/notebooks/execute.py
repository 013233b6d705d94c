"""Executes the Deno notebooks headless and checks them; optionally writes their outputs back.

    .venv/bin/python scripts/notebooks/execute.py [--write] [NOTEBOOK ...]

Every code cell runs on the project-local Deno kernel (see kernelspec.py). The run fails when a
cell raises, when a notebook takes longer than --max-seconds, or when a cell's outputs do not
match its tags:
  - untagged code cells must produce at least one output (a value, a print, a chart);
  - cells tagged "no-output" must produce none (imports, definitions);
  - cells tagged "plot" must produce an SVG chart (image/svg+xml, or text/html with an <svg>);
  - stderr output fails the cell unless it is tagged "allow-stderr".

Deno 2.9.6 sometimes sends a cell's result (execute_result / display_data) AFTER the kernel has
reported idle for it; plain nbclient/nbconvert stop reading at idle and drop it. This executor
keeps reading the cell's iopub messages for --grace seconds after idle (up to --late-wait
seconds when the cell is expected to produce output and has none yet) and attaches what comes.
With --write, each notebook that passes is written back with its outputs (no timing metadata).
Exit status: 0 when every notebook passed, 1 otherwise.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import queue
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError
from traitlets import default

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kernelspec import KERNEL_NAME, KERNELS_DIR, write_kernelspec  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


class ProjectKernelManager(AsyncKernelManager):
    """A kernel manager that only knows the project-local kernelspecs (never a user's)."""

    @default("kernel_spec_manager")
    def _kernel_spec_manager_default(self):
        return KernelSpecManager(kernel_dirs=[str(KERNELS_DIR)])


class PatientClient(NotebookClient):
    """A NotebookClient that keeps listening to a cell's iopub messages briefly after idle."""

    def __init__(self, nb, grace: float, late_wait: float, **kw):
        super().__init__(nb, **kw)
        self.grace = grace
        self.late_wait = late_wait
        self.late_outputs = 0
        self._parent: str | None = None
        self.on_cell_executed = self._remember_parent

    def _remember_parent(self, cell, cell_index, execute_reply):
        self._parent = execute_reply.get("parent_header", {}).get("msg_id")

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        self._parent = None
        cell = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        if cell.cell_type == "code" and cell.source.strip() and self._parent:
            await self._drain(cell, cell_index, self._parent)
        return cell

    async def _drain(self, cell, cell_index, parent: str) -> None:
        tags = cell.metadata.get("tags", [])
        expects = "no-output" not in tags
        loop = asyncio.get_running_loop()
        start = loop.time()
        while True:
            waiting_for_first = expects and not cell.outputs
            limit = self.late_wait if waiting_for_first else self.grace
            remaining = start + limit - loop.time()
            if remaining <= 0:
                return
            try:
                msg = await self.kc.get_iopub_msg(timeout=remaining)
            except (queue.Empty, asyncio.TimeoutError):
                return
            if msg.get("parent_header", {}).get("msg_id") != parent:
                continue
            if msg["msg_type"] in ("status", "execute_input"):
                continue
            before = len(cell.outputs)
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                pass
            if len(cell.outputs) > before:
                self.late_outputs += 1
                start = loop.time()  # more may follow: keep listening a little longer


def has_svg(output) -> bool:
    data = output.get("data", {})
    return "image/svg+xml" in data or "<svg" in str(data.get("text/html", ""))


def check_outputs(nb) -> list[str]:
    """Problems with the outputs of an executed notebook (empty when it is fine)."""
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        tags = cell.metadata.get("tags", [])
        outs = cell.get("outputs", [])
        first = cell.source.strip().splitlines()[0][:60]
        where = f"cell {i} ({first!r})"
        for o in outs:
            if o.output_type == "error":
                problems.append(f"{where}: {o.ename}: {o.evalue}")
            if o.output_type == "stream" and o.name == "stderr" and "allow-stderr" not in tags:
                problems.append(f"{where}: wrote to stderr: {o.text.strip()[:200]}")
        if "no-output" in tags:
            if outs:
                problems.append(f"{where}: tagged no-output but produced {len(outs)} output(s)")
        elif not outs:
            problems.append(f"{where}: produced no output (tag it no-output if that is expected)")
        if "plot" in tags and not any(has_svg(o) for o in outs):
            problems.append(f"{where}: tagged plot but produced no SVG chart")
    return problems


def execute(path: Path, args) -> tuple[list[str], float, object]:
    nb = nbformat.read(path, as_version=4)
    client = PatientClient(
        nb,
        grace=args.grace,
        late_wait=args.late_wait,
        kernel_manager_class=ProjectKernelManager,
        kernel_name=KERNEL_NAME,
        timeout=args.timeout,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    started = time.monotonic()
    problems: list[str] = []
    try:
        client.execute()
    except CellExecutionError as e:
        problems.append(f"cell error: {str(e).strip().splitlines()[-1][:300]}")
    except Exception as e:  # dead kernel, timeout
        problems.append(f"{type(e).__name__}: {e}")
    seconds = time.monotonic() - started
    problems += check_outputs(nb)
    if seconds > args.max_seconds:
        problems.append(f"took {seconds:.1f}s, over the {args.max_seconds:.0f}s budget")
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Deno", "language": "typescript"}
    print(f"  {client.late_outputs} late output(s) recovered after idle", flush=True)
    return problems, seconds, nb


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("notebooks", nargs="*", type=Path)
    p.add_argument("--write", action="store_true", help="write outputs back to passing notebooks")
    p.add_argument("--grace", type=float, default=0.5, help="seconds to keep reading after idle")
    p.add_argument("--late-wait", type=float, default=5.0,
                   help="seconds to wait for the first output of a cell expected to produce one")
    p.add_argument("--timeout", type=float, default=300, help="seconds per cell")
    p.add_argument("--max-seconds", type=float, default=120, help="budget per notebook")
    args = p.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        print("no notebooks found")
        return 1
    jupyter_dir = write_kernelspec()
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(jupyter_dir)] + [x for x in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if x])
    failed = 0
    for path in paths:
        print(f"executing {path}", flush=True)
        problems, seconds, nb = execute(path.resolve(), args)
        status = "FAIL" if problems else "ok"
        print(f"{status} {path} in {seconds:.1f}s", flush=True)
        for problem in problems:
            print(f"  - {problem}", flush=True)
        if problems:
            failed += 1
        elif args.write:
            nbformat.write(nb, path)
            print(f"  wrote {path}", flush=True)
    print(f"{len(paths) - failed} notebook(s) passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
