"""Runs code in a fresh Python where ember (and jax) cannot be imported.

ember is installed editable into the venv: a `.pth` file in site-packages
runs `__editable___ember_*_finder.install()`, which puts a finder on
`sys.meta_path` mapping `ember` to the source tree. The child process
runs with `-I` (no PYTHONPATH, no current directory on sys.path), drops
that finder and any sys.path entry holding an `ember` package, and blocks
jax, so what it runs needs only what it imports itself.
"""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np

_PRELUDE = textwrap.dedent(
    """
    import importlib.abc
    import os
    import sys

    sys.meta_path[:] = [
        f for f in sys.meta_path
        if "__editable__" not in getattr(f, "__module__", "")
        and "__editable__" not in type(f).__module__
    ]
    sys.path[:] = [
        p for p in sys.path
        if not os.path.exists(os.path.join(p or ".", "ember", "__init__.py"))
    ]
    sys.path_importer_cache.clear()


    class _Blocked(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("jax", "jaxlib", "keras"):
                raise ModuleNotFoundError(f"blocked: {name}")
            return None


    sys.meta_path.insert(0, _Blocked())
    try:
        import ember  # noqa: F401
    except ModuleNotFoundError:
        pass
    else:
        raise SystemExit("ember is still importable: " + ember.__file__)
    """
)


def run_isolated(code: str, folder: str, timeout: float = 120) -> str:
    """Runs `code` in a child Python without ember; returns its stdout.

    Args:
        code: the script body (after the prelude that removes ember).
        folder: the working directory (holds the files the code reads).
        timeout: seconds before the child is killed.

    Returns:
        What the child printed. Raises AssertionError if it failed.
    """
    script = os.path.join(folder, "isolated_check.py")
    with open(script, "w") as f:
        f.write(_PRELUDE + "\n" + textwrap.dedent(code))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")
    }
    env["OMP_NUM_THREADS"] = "1"
    result = subprocess.run(
        [sys.executable, "-I", script],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def run_onnx_without_ember(
    onnx_path: str, inputs: dict, expected: list, folder: str, atol: float
) -> str:
    """Loads `onnx_path` in onnxruntime, without ember, and compares.

    Args:
        onnx_path: the exported file.
        inputs: input name -> numpy array.
        expected: the outputs the model gave, in the file's output order.
        folder: a scratch folder for the data and the script.
        atol: the absolute tolerance.

    Returns:
        The child's stdout (ends with "ok").
    """
    data = os.path.join(folder, "isolated_data.npz")
    np.savez(
        data,
        **{f"in_{k}": v for k, v in inputs.items()},
        **{f"out_{i}": v for i, v in enumerate(expected)},
    )
    code = f"""
    import numpy as np
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        {json.dumps(os.fspath(onnx_path))}, options,
        providers=["CPUExecutionProvider"],
    )
    data = np.load({json.dumps(data)})
    feeds = {{k[3:]: data[k] for k in data.files if k.startswith("in_")}}
    outputs = session.run(None, feeds)
    assert len(outputs) == {len(expected)}, len(outputs)
    for i, got in enumerate(outputs):
        np.testing.assert_allclose(got, data[f"out_{{i}}"], atol={atol})
    print("jax" in sys.modules, "ember" in sys.modules)
    print("ok")
    """
    return run_isolated(code, folder)
