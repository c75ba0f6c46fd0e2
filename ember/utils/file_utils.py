"""`get_file`: download a file once into the Keras cache, as Keras does.

Differences from Keras, all on the safe side: a download is written to a
hidden temporary file, checked against the expected hash and only then
renamed into place, so an interrupted or corrupted download never leaves a
file that later passes for a complete one, and a cached file with a wrong
hash is kept until a verified replacement exists (Keras deletes it first).
Archives are extracted only when no member is absolute, climbs out of the
target folder or is a link (Keras skips such members with a warning). A
failed download raises `DownloadError` naming the URL and the exact path
where the file can be placed by hand.
"""

import hashlib
import os
import tempfile
import warnings

from ember.core.atomic import atomic_write

# Seconds a connection or a read may stall before the download fails: a
# machine without network fails fast instead of hanging.
_TIMEOUT_S = 10
_CHUNK = 1 << 16


class DownloadError(OSError):
    """A file could not be fetched from its URL.

    The message names the URL, the reason and the path where the file can
    be placed by hand.
    """


def keras_home() -> str:
    """Returns `$KERAS_HOME`, else `~/.keras` (`/tmp/.keras` when the home
    folder is not writable), read at each call."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")


def _cache_base(cache_dir) -> str:
    base = os.path.expanduser(os.fspath(cache_dir))
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        pass
    if not os.access(base, os.W_OK):
        tmp = "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()
        base = os.path.join(tmp, ".keras")
    return base


def _resolve_algorithm(algorithm: str, file_hash: str | None) -> str:
    if algorithm not in ("auto", "sha256", "md5"):
        raise ValueError(
            "`hash_algorithm` must be 'auto', 'sha256' or 'md5'. "
            f"Received: hash_algorithm={algorithm!r}"
        )
    if algorithm == "auto":
        if file_hash is not None and len(file_hash) == 64:
            return "sha256"
        return "md5"
    return algorithm


def hash_file(fpath, algorithm: str = "sha256") -> str:
    """Returns the hex digest of a file.

    Args:
        fpath: The file.
        algorithm: `"sha256"` or `"md5"` (`"auto"` means sha256).

    Returns:
        The hex digest, e.g. `"e3b0c442...b855"` for an empty file.
    """
    name = "sha256" if algorithm == "auto" else algorithm
    hasher = hashlib.new(_resolve_algorithm(name, None))
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash: str, algorithm: str = "auto") -> bool:
    """Returns whether a file's sha256 or md5 digest equals `file_hash`.

    Args:
        fpath: The file.
        file_hash: The expected hex digest.
        algorithm: `"sha256"`, `"md5"` or `"auto"` (sha256 for a 64-digit
            hash, md5 otherwise).
    """
    algorithm = _resolve_algorithm(algorithm, file_hash)
    return hash_file(fpath, algorithm) == str(file_hash)


def _file_name(fname, origin: str) -> str:
    import urllib.parse

    if fname is not None:
        fname = os.fspath(fname)
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(
                "Can't parse the file name from the origin provided: "
                f"'{origin}'. Please specify the `fname` argument."
            )
    elif os.sep in fname:
        raise ValueError(
            "Paths are not accepted as the `fname` argument; use "
            f"`cache_dir` for the file's folder. Received: fname={fname}"
        )
    return fname


def _targets(fname, origin, datadir, extract) -> tuple[str, str | None]:
    """Returns (download path, extraction folder or None), as Keras."""
    name = _file_name(fname, origin)
    if not extract:
        return os.path.join(datadir, name), None
    if fname and "." in name:
        stem = name[: name.find(".")]
        return (
            os.path.join(datadir, name),
            os.path.join(datadir, f"{stem}_extracted"),
        )
    return (
        os.path.join(datadir, f"{name}_archive"),
        os.path.join(datadir, name),
    )


def _manual_hint(target, extraction_dir, file_hash, algorithm) -> str:
    hint = (
        "Without network access, download the file on another machine and "
        f"place it at {target}"
    )
    if extraction_dir is not None:
        hint += f" (it is extracted into {extraction_dir})"
    if file_hash is not None:
        hint += f"; its {algorithm} hash must be {file_hash}"
    return hint + "."


def _stream(response, path: str, algorithm: str, origin: str) -> str:
    """Writes the response body to `path`; returns its digest."""
    from ember.callbacks.progbar import Progbar

    length = response.headers.get("Content-Length")
    total = int(length) if length and length.isdigit() else None
    progbar = Progbar(total, unit_name="byte")
    hasher = hashlib.new(algorithm)
    received = 0
    with open(path, "wb") as out:
        while chunk := response.read(_CHUNK):
            out.write(chunk)
            hasher.update(chunk)
            received += len(chunk)
            progbar.update(received, finalize=False)
    if total is not None and received != total:
        raise DownloadError(
            f"The download of {origin} stopped after {received} of "
            f"{total} bytes."
        )
    progbar.update(received, finalize=True)
    return hasher.hexdigest()


def _download(origin, target, file_hash, algorithm, hint) -> None:
    """Downloads `origin` to `target` atomically, checking its hash."""
    import http.client
    import urllib.error
    import urllib.request

    print(f"Downloading data from {origin}")

    def write(temporary: str) -> None:
        try:
            with urllib.request.urlopen(origin, timeout=_TIMEOUT_S) as r:
                digest = _stream(r, temporary, algorithm, origin)
        except urllib.error.HTTPError as error:
            raise DownloadError(
                f"URL fetch failure on {origin}: {error.code} -- "
                f"{error.reason}. {hint}"
            ) from error
        except urllib.error.URLError as error:
            raise DownloadError(
                f"URL fetch failure on {origin}: {error.reason}. {hint}"
            ) from error
        except DownloadError as error:
            raise DownloadError(f"{error} {hint}") from None
        except (OSError, http.client.HTTPException) as error:
            raise DownloadError(
                f"URL fetch failure on {origin}: the download was "
                f"interrupted ({type(error).__name__}: {error}). {hint}"
            ) from error
        if file_hash is not None and digest != str(file_hash):
            raise ValueError(
                f"Incomplete or corrupted file downloaded from {origin}: "
                f"its {algorithm} hash is {digest}, expected {file_hash}. "
                f"Nothing was written to {target}."
            )

    atomic_write(target, write)


def get_file(
    fname=None,
    origin=None,
    untar=False,
    md5_hash=None,
    file_hash=None,
    cache_subdir="datasets",
    hash_algorithm="auto",
    extract=False,
    archive_format="auto",
    cache_dir=None,
    force_download=False,
) -> str:
    """Downloads a file from a URL if it is not already in the cache.

    The file goes to `cache_dir/cache_subdir/fname`, by default
    `~/.keras/datasets/fname` (`$KERAS_HOME/datasets` when `KERAS_HOME`
    is set). A download is checked against `file_hash` before it replaces
    anything; a cached file whose hash is wrong is downloaded again, and
    kept until the new one is verified.

    Args:
        fname: Name of the file in the cache; by default the last part of
            `origin`'s path. With `extract=True`, a name without a dot
            names the extraction folder.
        origin: The URL of the file.
        untar: Deprecated: `extract=True` with `archive_format="tar"`.
        md5_hash: Deprecated: `file_hash` with `hash_algorithm="md5"`.
        file_hash: The expected sha256 or md5 hex digest of the file.
        cache_subdir: Folder under the cache folder (an absolute path is
            used as it is).
        hash_algorithm: `"auto"` (sha256 for a 64-digit hash, else md5),
            `"sha256"` or `"md5"`.
        extract: Whether to extract the file, a tar or zip archive.
        archive_format: `"auto"` (tar, then zip), `"tar"`, `"zip"`, a
            list of them, or `None`.
        cache_dir: The cache folder; `$KERAS_HOME` or `~/.keras` when
            `None`.
        force_download: Download even when the file is cached.

    Returns:
        The path of the file, or of the extraction folder with `extract`.

    Raises:
        DownloadError: the URL cannot be fetched; the message names the
            path where the file can be placed by hand.
        ValueError: the downloaded file's hash is wrong, or an archive
            member is unsafe.

    Example:

    >>> path = get_file(origin="https://example.com/data.csv")  # doctest: +SKIP
    """
    if origin is None:
        raise ValueError(
            'Please specify the "origin" argument (URL of the file to '
            "download)."
        )
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    algorithm = _resolve_algorithm(hash_algorithm, file_hash)
    base = _cache_base(keras_home() if cache_dir is None else cache_dir)
    datadir = os.path.join(base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    target, extraction_dir = _targets(fname, origin, datadir, extract or untar)
    hint = _manual_hint(target, extraction_dir, file_hash, algorithm)

    download = force_download or not os.path.exists(target)
    if not download and file_hash is not None:
        if not validate_file(target, file_hash, algorithm):
            print(
                f"A local file was found at {target}, but its {algorithm} "
                f"hash does not match the expected {file_hash}: it is "
                "incomplete or outdated, so the data is downloaded again "
                "(the file is kept until a verified copy replaces it)."
            )
            download = True
            hint = (
                f"The file at {target} has the wrong {algorithm} hash. " + hint
            )
    if download:
        _download(origin, target, file_hash, algorithm, hint)

    if extraction_dir is None:
        return target
    from ember.utils._archive import extract_archive

    if not extract_archive(
        target, extraction_dir, "tar" if untar else archive_format
    ):
        warnings.warn("Could not extract archive.", stacklevel=2)
    return extraction_dir
