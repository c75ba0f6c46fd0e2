"""Side-by-side speed of ember and Keras 3 (JAX backend).

The workloads (founding MLP and CNN fits, predict throughput and latency)
need `fit`, which lands with the training issue; until then this script
says so and exits cleanly.
"""

import sys


def main() -> int:
    print(
        "bench: not available yet. The fit / predict workloads arrive with "
        "the training issue (compile, fit, evaluate, predict)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
