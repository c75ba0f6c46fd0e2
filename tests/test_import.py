import subprocess
import sys


def _run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_import_is_fast_and_pulls_no_other_framework():
    # Wall clock, best of three. `make test` runs this file on its own,
    # before the parallel suite, so that other tests do not slow it down.
    runs = [
        _run(
            "import time, sys\n"
            "t = time.perf_counter()\n"
            "import ember\n"
            "print(time.perf_counter() - t)\n"
            "print(sorted(m for m in ('keras', 'tensorflow', 'torch')"
            " if m in sys.modules))\n"
        )
        for _ in range(3)
    ]
    results = [run.strip().splitlines() for run in runs]
    assert all(frameworks == "[]" for _, frameworks in results)
    best = min(float(seconds) for seconds, _ in results)
    assert best < 1.0, f"import ember took {best} s"
