"""Runs code in a fresh Python that cannot import ember.

ember is pip-installed in editable mode: a `.pth` file in site-packages
installs a meta-path finder mapping `ember` to the checkout, and tests set
PYTHONPATH to the worktree. The child runs with `-I -S`: no PYTHONPATH, no
current folder, no user site and no `site` module, so no `.pth` file runs.
site-packages is then put on `sys.path` by hand (jax, numpy, flatbuffers,
onnxruntime import without `.pth` files), any finder or path naming ember
is dropped, the modules asked for are blocked, and the prelude proves that
`import ember` fails before the test's code runs.
"""

import json
import os
import subprocess
import sys
import sysconfig
import textwrap

import numpy as np

_PRELUDE = """\
import importlib.abc
import sys

sys.path[:] = [p for p in sys.path if "ember" not in p] + {paths!r}
sys.meta_path[:] = [
    f for f in sys.meta_path if "ember" not in repr(f).lower()
]


class _Blocked(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ModuleNotFoundError(f"blocked: {{name}}")
        return None


sys.meta_path.insert(0, _Blocked())
try:
    import ember
except ModuleNotFoundError:
    pass
else:
    raise SystemExit("ember is importable: " + repr(ember))
"""


def run_isolated(
    code: str, folder, blocked: tuple = (), timeout: float = 300
) -> str:
    """Runs `code` in a fresh interpreter that cannot import ember.

    Args:
        code: Python source; it runs after a prelude that checks that
            `import ember` raises ModuleNotFoundError.
        folder: the folder to run in (e.g. pytest's `tmp_path`).
        blocked: top-level modules that must not be imported either
            (`("jax",)` to prove an ONNX file needs only onnxruntime).
        timeout: seconds before the child is killed.

    Returns:
        The child's standard output; AssertionError if it failed.
    """
    paths = sysconfig.get_paths()
    site_packages = sorted({paths["purelib"], paths["platlib"]})
    prelude = _PRELUDE.format(paths=site_packages, blocked=tuple(blocked))
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("PYTHON")
    }
    environment["OMP_NUM_THREADS"] = "1"
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", prelude + textwrap.dedent(code)],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"subprocess failed ({result.returncode}):\n{result.stdout}"
            f"{result.stderr}"
        )
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
    return run_isolated(code, folder, blocked=("jax", "jaxlib", "keras"))
