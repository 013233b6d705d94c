"""Writes the project-local Deno kernelspec used to run the notebooks.

The kernelspec lives in scripts/notebooks/kernels/deno/kernel.json (not committed: it names the
absolute path of the `deno` on PATH), so that executing the notebooks never depends on a user's
`deno jupyter --install`. It is what `deno jupyter --install` writes, plus env NO_COLOR=1 (no
ANSI escapes in committed outputs) and DENO_NO_UPDATE_CHECK=1.

Use it from Jupyter with JUPYTER_PATH pointing here (the path is printed):

    .venv/bin/python scripts/notebooks/kernelspec.py
    JUPYTER_PATH=scripts/notebooks .venv/bin/jupyter lab notebooks/
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
KERNEL_NAME = "deno"
KERNELS_DIR = HERE / "kernels"


def deno_executable() -> str:
    """The `deno` to run: $DENO if set, else the first on PATH."""
    deno = os.environ.get("DENO") or shutil.which("deno")
    if not deno:
        raise SystemExit("deno is not on PATH (set DENO=/path/to/deno)")
    return str(Path(deno).absolute())


def write_kernelspec() -> Path:
    """Writes kernels/deno/kernel.json and returns the directory JUPYTER_PATH should name."""
    spec = {
        "argv": [deno_executable(), "jupyter", "--kernel", "--conn", "{connection_file}"],
        "display_name": "Deno",
        "language": "typescript",
        "env": {"NO_COLOR": "1", "DENO_NO_UPDATE_CHECK": "1"},
    }
    target = KERNELS_DIR / KERNEL_NAME
    target.mkdir(parents=True, exist_ok=True)
    text = json.dumps(spec, indent=2) + "\n"
    path = target / "kernel.json"
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return HERE


def main() -> int:
    jupyter_path = write_kernelspec()
    print(f"wrote {KERNELS_DIR / KERNEL_NAME / 'kernel.json'}")
    print(f"use it with: JUPYTER_PATH={jupyter_path} .venv/bin/jupyter lab notebooks/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
