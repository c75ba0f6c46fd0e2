"""Safe extraction of tar and zip archives for `get_file`.

Every member is checked before anything is written: a member whose name is
absolute, climbs out of the target folder (`..`), is a link (symbolic or
hard) or a special file (device, fifo) is refused with a `ValueError`
naming it. The archive is extracted into a hidden folder beside the target
which then replaces the target, so a failed extraction leaves the previous
folder as it was.
"""

import contextlib
import os
import shutil
import stat
import tempfile

from ember.core.atomic import umask

_CHUNK = 1 << 20


def _check_name(archive_path: str, name: str) -> str:
    """Returns the member's relative path parts joined, or raises."""
    unix = name.replace("\\", "/")
    if unix.startswith("/") or (len(unix) > 1 and unix[1] == ":"):
        raise ValueError(
            f"Refusing to extract archive {archive_path}: member {name!r} "
            "has an absolute path."
        )
    parts = [part for part in unix.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ValueError(
            f"Refusing to extract archive {archive_path}: member {name!r} "
            "points outside the extraction folder."
        )
    return os.path.join(*parts) if parts else ""


def _refuse_kind(archive_path: str, name: str, kind: str) -> None:
    raise ValueError(
        f"Refusing to extract archive {archive_path}: member {name!r} is "
        f"a {kind}; only regular files and folders are extracted."
    )


def _tar_members(archive, archive_path: str):
    """Yields (relative path, member) after checking every member."""
    checked = []
    for member in archive.getmembers():
        relative = _check_name(archive_path, member.name)
        if member.issym():
            _refuse_kind(archive_path, member.name, "symbolic link")
        if member.islnk():
            _refuse_kind(archive_path, member.name, "hard link")
        if not (member.isfile() or member.isdir()):
            _refuse_kind(archive_path, member.name, "special file")
        checked.append((relative, member))
    return checked


def _zip_members(archive, archive_path: str):
    checked = []
    for info in archive.infolist():
        relative = _check_name(archive_path, info.filename)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            _refuse_kind(archive_path, info.filename, "symbolic link")
        kind = stat.S_IFMT(mode)
        if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
            _refuse_kind(archive_path, info.filename, "special file")
        checked.append((relative, info))
    return checked


def _copy(source, destination: str) -> None:
    os.makedirs(os.path.dirname(destination), exist_ok=True)
    with open(destination, "wb") as out:
        shutil.copyfileobj(source, out, _CHUNK)


def _extract_tar(archive_path: str, folder: str) -> None:
    import tarfile

    with tarfile.open(archive_path) as archive:
        for relative, member in _tar_members(archive, archive_path):
            target = os.path.join(folder, relative)
            if member.isdir():
                os.makedirs(target, exist_ok=True)
                continue
            source = archive.extractfile(member)
            with contextlib.closing(source):
                _copy(source, target)


def _extract_zip(archive_path: str, folder: str) -> None:
    import zipfile

    with zipfile.ZipFile(archive_path) as archive:
        for relative, info in _zip_members(archive, archive_path):
            target = os.path.join(folder, relative)
            if info.is_dir():
                os.makedirs(target, exist_ok=True)
                continue
            with archive.open(info) as source:
                _copy(source, target)


def _formats(archive_format) -> list[str]:
    if archive_format is None:
        return []
    if archive_format == "auto":
        return ["tar", "zip"]
    if isinstance(archive_format, str):
        archive_format = [archive_format]
    formats = list(archive_format)
    for name in formats:
        if name not in ("tar", "zip"):
            raise ValueError(
                "`archive_format` must be 'auto', 'tar', 'zip', a list of "
                f"them or None. Received: archive_format={archive_format!r}"
            )
    return formats


def _matching_format(archive_path: str, formats: list[str]) -> str | None:
    for name in formats:
        if name == "tar":
            import tarfile

            if tarfile.is_tarfile(archive_path):
                return name
        else:
            import zipfile

            if zipfile.is_zipfile(archive_path):
                return name
    return None


def extract_archive(
    archive_path: str, folder: str, archive_format="auto"
) -> bool:
    """Extracts a tar or zip archive into `folder`, safely and atomically.

    Args:
        archive_path: The archive file.
        folder: The folder to create (replaced when it exists).
        archive_format: `"auto"` (tar then zip), `"tar"`, `"zip"`, a list
            of them, or `None` (no extraction).

    Returns:
        `True` if the archive matched a format and was extracted, `False`
        when no format matched.
    """
    name = _matching_format(archive_path, _formats(archive_format))
    if name is None:
        return False
    folder = os.path.abspath(folder)
    parent = os.path.dirname(folder)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(
        dir=parent, prefix=f".{os.path.basename(folder)}.", suffix=".tmp"
    )
    try:
        if name == "tar":
            _extract_tar(archive_path, staging)
        else:
            _extract_zip(archive_path, staging)
        os.chmod(staging, 0o777 & ~umask())
        _swap_in(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return True


def _swap_in(staging: str, folder: str) -> None:
    """Replaces `folder` by `staging`; the old folder goes only after."""
    if not os.path.lexists(folder):
        os.rename(staging, folder)
        return
    old = tempfile.mkdtemp(
        dir=os.path.dirname(folder),
        prefix=f".{os.path.basename(folder)}.old.",
        suffix=".tmp",
    )
    os.rmdir(old)
    os.rename(folder, old)
    try:
        os.rename(staging, folder)
    except BaseException:
        os.rename(old, folder)
        raise
    if os.path.isdir(old) and not os.path.islink(old):
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.remove(old)
