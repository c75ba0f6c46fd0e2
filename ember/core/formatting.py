"""How progress lines print logged values, step times and ETAs.

Shared by `callbacks.ProgbarLogger`'s bars and `utils.Progbar`, so both
print numbers as Keras does.
"""

import numpy as np


def format_value(value) -> str:
    """Keras' format for a logged value: 4 decimals, scientific when tiny."""
    if isinstance(value, str):
        return value
    try:
        number = float(np.mean(np.asarray(value, dtype=np.float64)))
    except (TypeError, ValueError):
        return str(value)
    if abs(number) > 1e-3:
        return f"{number:.4f}"
    return f"{number:.4e}"


def format_time_per_unit(seconds: float, unit: str) -> str:
    """A step time as Keras prints it: `3s/step`, `12ms/step`, `80us/step`."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit}"
    return f"{seconds * 1e6:.0f}us/{unit}"


def format_eta(seconds: float) -> str:
    """Remaining seconds as Keras prints them: `42s`, `3:05`, `1:02:03`."""
    seconds = int(seconds)
    if seconds > 3600:
        hours, rest = divmod(seconds, 3600)
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    if seconds > 60:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds}s"
