"""Running Python code in a subprocess that cannot import ember.

ember is pip-installed in editable mode: a `.pth` file in site-packages
installs a meta-path finder mapping `ember` to the checkout, and tests set
PYTHONPATH to the worktree. The subprocess runs with `-I -S`: no
PYTHONPATH, no current folder, no user site, and no `site` module, so no
`.pth` file runs. site-packages is then put on `sys.path` by hand (its
packages, jax, numpy, flatbuffers, onnxruntime, import without `.pth`
files), and any finder or path naming ember is dropped. The prelude
proves `import ember` fails before the test's code runs.
"""

import os
import subprocess
import sys
import sysconfig
import textwrap

import pytest

_PRELUDE = """\
import sys
sys.path[:] = [p for p in sys.path if "ember" not in p] + {paths!r}
sys.meta_path[:] = [
    f for f in sys.meta_path if "ember" not in repr(f).lower()
]
try:
    import ember
except ModuleNotFoundError:
    pass
else:
    raise SystemExit("ember is importable: " + repr(ember))
"""


def run_without_ember(code: str, cwd) -> str:
    """Runs `code` in a fresh interpreter that cannot import ember.

    Args:
        code: Python source; it runs after a prelude that checks that
            `import ember` raises ModuleNotFoundError.
        cwd: the folder to run in (e.g. pytest's `tmp_path`).

    Returns:
        The subprocess' standard output.
    """
    paths = sysconfig.get_paths()
    site_packages = sorted({paths["purelib"], paths["platlib"]})
    source = _PRELUDE.format(paths=site_packages) + textwrap.dedent(code)
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("PYTHON")
    }
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", source],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"subprocess failed ({result.returncode}):\n{result.stderr}"
        )
    return result.stdout


@pytest.fixture
def python_without_ember():
    """`run(code, cwd) -> stdout` in an interpreter without ember."""
    return run_without_ember
