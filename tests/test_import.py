import subprocess
import sys


def test_import_pulls_no_other_framework():
    # Import time is measured by `make bench`, not asserted here: a busy
    # machine would make a wall-clock test flaky.
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "import ember\n"
            "print(sorted(m for m in ('keras', 'tensorflow', 'torch')"
            " if m in sys.modules))\n",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert out.strip() == "[]"


def test_import_leaves_the_backend_uninitialized():
    # `ember.distribution.initialize` (jax.distributed.initialize) must
    # come before any computation, and after `import ember`.
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import ember\n"
            "from jax._src import xla_bridge\n"
            "print(bool(xla_bridge._backends))\n",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert out.strip() == "False"
