"""Atomic file writes: write a temporary file beside the target, then
rename it, so that a crash mid-write leaves the previous file intact."""

import contextlib
import os
import tempfile


def _file_mode(filepath: str) -> int:
    if os.path.exists(filepath):
        return os.stat(filepath).st_mode & 0o7777
    return 0o666 & ~umask()


def umask() -> int:
    """The process's file mode creation mask, left unchanged."""
    # Linux reports the umask without changing it (os.umask would set it
    # for every thread, for a moment).
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(filepath: str, write) -> None:
    """Calls `write(temporary_path)`, then renames the result to
    `filepath`: a crash mid-write leaves any previous file intact.

    The temporary file is hidden beside the target and named after the
    writing process; one left by a process that was killed is removed by
    the next save of the same file.
    """
    filepath = os.fspath(filepath)
    folder = os.path.dirname(os.path.abspath(filepath))
    prefix = f".{os.path.basename(filepath)}."
    _remove_orphans(folder, prefix)
    handle, temporary = tempfile.mkstemp(
        dir=folder, prefix=f"{prefix}{os.getpid()}.", suffix=".tmp"
    )
    os.close(handle)
    try:
        write(temporary)
        with open(temporary, "rb+") as f:
            os.fsync(f.fileno())
        # mkstemp makes the file private (0600); give it the mode a plain
        # `open` would, or the mode of the file it replaces.
        os.chmod(temporary, _file_mode(filepath))
        os.replace(temporary, filepath)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _remove_orphans(folder: str, prefix: str) -> None:
    """Removes temporary files `{prefix}{pid}.*.tmp` of dead processes."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        pid = name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                os.remove(os.path.join(folder, name))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # Exists, owned by someone else.
        return True
    return True
