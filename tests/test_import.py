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
    out = _run(
        "import time, sys\n"
        "t = time.perf_counter()\n"
        "import ember\n"
        "print(time.perf_counter() - t)\n"
        "print(sorted(m for m in ('keras', 'tensorflow', 'torch')"
        " if m in sys.modules))\n"
    )
    seconds, frameworks = out.strip().splitlines()
    assert frameworks == "[]"
    assert float(seconds) < 1.0, f"import ember took {seconds} s"
