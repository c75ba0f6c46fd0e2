"""get_file: cache, hashes, atomic downloads, safe extraction, offline."""

import hashlib
import io
import os
import subprocess
import sys
import tarfile
import time
import zipfile

import pytest

from ember.utils import get_file
from ember.utils.file_utils import DownloadError
from ember.utils.file_utils import hash_file
from ember.utils.file_utils import validate_file
from tests.utils.local_server import LocalServer
from tests.utils.local_server import closed_port_url

BODY = bytes(range(256)) * 1000  # 256 kB: several chunks
SHA256 = hashlib.sha256(BODY).hexdigest()
MD5 = hashlib.md5(BODY).hexdigest()


@pytest.fixture
def server():
    with LocalServer() as local:
        local.files["data.bin"] = BODY
        yield local


def _read(path) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _listing(folder):
    return sorted(
        os.path.relpath(os.path.join(root, name), folder)
        for root, dirs, files in os.walk(folder)
        for name in files + dirs
    )


def test_download_is_cached_and_verified(server, tmp_path):
    path = get_file(
        origin=server.url("data.bin"), file_hash=SHA256, cache_dir=tmp_path
    )
    assert path == str(tmp_path / "datasets" / "data.bin")
    assert _read(path) == BODY
    again = get_file(
        origin=server.url("data.bin"), file_hash=SHA256, cache_dir=tmp_path
    )
    assert again == path
    assert server.requests == ["data.bin"]  # the second call used the cache
    assert _listing(tmp_path) == ["datasets", "datasets/data.bin"]


def test_fname_cache_subdir_and_md5(server, tmp_path):
    path = get_file(
        "renamed.bin",
        server.url("data.bin"),
        md5_hash=MD5,
        cache_subdir="sub",
        cache_dir=tmp_path,
    )
    assert path == str(tmp_path / "sub" / "renamed.bin")
    # A 32-digit hash means md5 under hash_algorithm="auto".
    assert validate_file(path, MD5)
    assert not validate_file(path, SHA256[:32])
    assert hash_file(path) == SHA256
    assert hash_file(path, "md5") == MD5


def test_keras_home_then_home_folder(server, tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    path = get_file(origin=server.url("data.bin"))
    assert path == str(tmp_path / "kh" / "datasets" / "data.bin")
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    path = get_file(origin=server.url("data.bin"))
    assert path == str(tmp_path / "home" / ".keras" / "datasets" / "data.bin")


def test_wrong_hash_raises_and_leaves_no_file(server, tmp_path):
    with pytest.raises(ValueError, match=f"expected {'0' * 64}"):
        get_file(
            origin=server.url("data.bin"),
            file_hash="0" * 64,
            cache_dir=tmp_path,
        )
    assert os.listdir(tmp_path / "datasets") == []


def test_download_dying_mid_stream_leaves_no_file(server, tmp_path):
    server.cut["data.bin"] = 100_000
    with pytest.raises(DownloadError, match="100000 of 256000 bytes"):
        get_file(origin=server.url("data.bin"), cache_dir=tmp_path)
    assert os.listdir(tmp_path / "datasets") == []


def test_dying_download_keeps_the_previous_file(server, tmp_path):
    cached = tmp_path / "datasets" / "data.bin"
    cached.parent.mkdir()
    cached.write_bytes(b"previous")
    server.cut["data.bin"] = 1000
    with pytest.raises(DownloadError):
        get_file(
            origin=server.url("data.bin"),
            cache_dir=tmp_path,
            force_download=True,
        )
    assert cached.read_bytes() == b"previous"
    assert os.listdir(cached.parent) == ["data.bin"]


@pytest.mark.slow  # a child process imports ember
def test_killed_download_leaves_no_complete_looking_file(server, tmp_path):
    folder = tmp_path / "datasets"
    server.cut["data.bin"] = 200_000  # three 64 kB chunks reach the disk
    server.hold.add("data.bin")
    code = (
        "import sys; from ember.utils import get_file; "
        "get_file(origin=sys.argv[1], cache_dir=sys.argv[2])"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code, server.url("data.bin"), str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(
            name.endswith(".tmp") and os.path.getsize(folder / name) > 0
            for name in (os.listdir(folder) if folder.exists() else [])
        ):
            time.sleep(0.05)
    finally:
        child.kill()
        child.wait(timeout=10)
    leftovers = os.listdir(folder)
    assert len(leftovers) == 1 and leftovers[0].startswith(".data.bin.")
    server.release.set()
    server.cut.clear()
    path = get_file(origin=server.url("data.bin"), cache_dir=tmp_path)
    assert _read(path) == BODY
    # The dead process's temporary file went with the next download.
    assert os.listdir(folder) == ["data.bin"]


def test_cached_file_with_wrong_hash_is_kept_until_replaced(server, tmp_path):
    cached = tmp_path / "datasets" / "data.bin"
    cached.parent.mkdir()
    cached.write_bytes(b"stale")
    origin = closed_port_url("data.bin")
    with pytest.raises(DownloadError, match="has the wrong sha256 hash"):
        get_file(origin=origin, file_hash=SHA256, cache_dir=tmp_path)
    assert cached.read_bytes() == b"stale"
    # A bad replacement does not replace it either.
    server.files["data.bin"] = b"also wrong"
    with pytest.raises(ValueError, match="Nothing was written"):
        get_file(
            origin=server.url("data.bin"), file_hash=SHA256, cache_dir=tmp_path
        )
    assert cached.read_bytes() == b"stale"
    server.files["data.bin"] = BODY
    get_file(
        origin=server.url("data.bin"), file_hash=SHA256, cache_dir=tmp_path
    )
    assert cached.read_bytes() == BODY


def test_force_download_replaces_a_cached_file(server, tmp_path):
    get_file(origin=server.url("data.bin"), cache_dir=tmp_path)
    server.files["data.bin"] = b"new version"
    path = get_file(origin=server.url("data.bin"), cache_dir=tmp_path)
    assert _read(path) == BODY  # cached, no hash: kept
    path = get_file(
        origin=server.url("data.bin"), cache_dir=tmp_path, force_download=True
    )
    assert _read(path) == b"new version"
    assert server.requests == ["data.bin", "data.bin"]


def test_offline_error_names_url_and_manual_path(tmp_path):
    origin = closed_port_url("mnist.npz")
    target = tmp_path / "datasets" / "mnist.npz"
    with pytest.raises(DownloadError) as info:
        get_file(origin=origin, file_hash=SHA256, cache_dir=tmp_path)
    message = str(info.value)
    assert message.startswith(f"URL fetch failure on {origin}: ")
    assert f"place it at {target}; its sha256 hash must be {SHA256}" in (
        message
    )
    assert not target.exists()


def test_http_error_names_the_status(server, tmp_path):
    origin = server.url("missing.bin")
    with pytest.raises(DownloadError, match=f"on {origin}: 404 -- Not Found"):
        get_file(origin=origin, cache_dir=tmp_path)


def test_argument_errors(tmp_path):
    with pytest.raises(ValueError, match='specify the "origin"'):
        get_file("a.bin", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="Received: fname=a/b.bin"):
        get_file("a/b.bin", origin="http://x/y", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="Can't parse the file name"):
        get_file(origin="http://127.0.0.1/", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="hash_algorithm='sha1'"):
        get_file(origin="http://x/y", hash_algorithm="sha1")


def _tar(members) -> bytes:
    """members: (name, bytes | None for a folder | ("sym"|"hard", target))."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in members:
            info = tarfile.TarInfo(name)
            if content is None:
                info.type = tarfile.DIRTYPE
                archive.addfile(info)
            elif isinstance(content, tuple):
                info.type = {"sym": tarfile.SYMTYPE, "hard": tarfile.LNKTYPE}[
                    content[0]
                ]
                info.linkname = content[1]
                archive.addfile(info)
            else:
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def _zip(members) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members:
            if isinstance(content, tuple):  # a symbolic link
                info = zipfile.ZipInfo(name)
                info.external_attr = (0o120777 << 16) | 0
                archive.writestr(info, content[1])
            elif content is None:  # a folder
                archive.writestr(name.rstrip("/") + "/", b"")
            else:
                archive.writestr(name, content)
    return buffer.getvalue()


GOOD = [("pkg", None), ("pkg/a.txt", b"A"), ("pkg/sub/b.txt", b"B")]


@pytest.mark.parametrize("kind", ["tar", "zip"])
def test_extract_follows_keras_names(server, tmp_path, kind):
    server.files["pkg.tar.gz"] = (_tar if kind == "tar" else _zip)(GOOD)
    # No fname: the archive is stored as "<name>_archive" beside the folder.
    folder = get_file(
        origin=server.url("pkg.tar.gz"), extract=True, cache_dir=tmp_path
    )
    assert folder == str(tmp_path / "datasets" / "pkg.tar.gz")
    assert (tmp_path / "datasets" / "pkg.tar.gz_archive").is_file()
    assert _listing(folder) == ["pkg", "pkg/a.txt", "pkg/sub", "pkg/sub/b.txt"]
    # An fname with a dot: the archive keeps it, the folder is "_extracted".
    folder = get_file(
        "data.tgz",
        server.url("pkg.tar.gz"),
        extract=True,
        cache_dir=tmp_path,
    )
    assert folder == str(tmp_path / "datasets" / "data_extracted")
    assert (tmp_path / "datasets" / "data.tgz").is_file()
    assert _read(os.path.join(folder, "pkg", "sub", "b.txt")) == b"B"


def test_untar_and_unknown_archive(server, tmp_path):
    server.files["t.tar.gz"] = _tar(GOOD)
    folder = get_file(
        "t", server.url("t.tar.gz"), untar=True, cache_dir=tmp_path
    )
    assert folder == str(tmp_path / "datasets" / "t")
    with pytest.warns(UserWarning, match="Could not extract archive"):
        get_file("d", server.url("data.bin"), extract=True, cache_dir=tmp_path)
    assert not (tmp_path / "datasets" / "d").exists()


UNSAFE = [
    ("tar", ("../evil.txt", b"x"), "points outside"),
    ("tar", ("pkg/../../evil.txt", b"x"), "points outside"),
    ("tar", ("/tmp/evil_absolute.txt", b"x"), "absolute path"),
    ("tar", ("pkg/link", ("sym", "/etc/passwd")), "symbolic link"),
    ("tar", ("pkg/inner", ("sym", "a.txt")), "symbolic link"),
    ("tar", ("pkg/hard", ("hard", "pkg/a.txt")), "hard link"),
    ("zip", ("../evil.txt", b"x"), "points outside"),
    ("zip", ("/tmp/evil_absolute.txt", b"x"), "absolute path"),
    ("zip", ("pkg/link", ("sym", "/etc/passwd")), "symbolic link"),
]


@pytest.mark.parametrize(("kind", "member", "reason"), UNSAFE)
def test_unsafe_archive_members_are_refused(
    server, tmp_path, kind, member, reason
):
    cache = tmp_path / "cache"
    server.files["bad.tar.gz"] = (_tar if kind == "tar" else _zip)(
        [*GOOD, member]
    )
    with pytest.raises(ValueError, match=f"member '{member[0]}'.*{reason}"):
        get_file("bad", server.url("bad.tar.gz"), extract=True, cache_dir=cache)
    # Nothing extracted, inside or outside the cache.
    assert _listing(cache) == ["datasets", "datasets/bad_archive"]
    assert not (tmp_path / "evil.txt").exists()
    assert not os.path.exists("/tmp/evil_absolute.txt")


def test_failed_extraction_keeps_the_previous_folder(server, tmp_path):
    server.files["p.tar.gz"] = _tar(GOOD)
    folder = get_file(
        "p", server.url("p.tar.gz"), extract=True, cache_dir=tmp_path
    )
    server.files["p.tar.gz"] = _tar([("x.txt", b"x"), ("../evil", b"e")])
    with pytest.raises(ValueError, match="points outside"):
        get_file(
            "p",
            server.url("p.tar.gz"),
            extract=True,
            cache_dir=tmp_path,
            force_download=True,
        )
    assert _listing(folder) == ["pkg", "pkg/a.txt", "pkg/sub", "pkg/sub/b.txt"]
    assert sorted(os.listdir(tmp_path / "datasets")) == ["p", "p_archive"]
    # A good new archive replaces the folder as a whole.
    server.files["p.tar.gz"] = _tar([("x.txt", b"x")])
    get_file(
        "p",
        server.url("p.tar.gz"),
        extract=True,
        cache_dir=tmp_path,
        force_download=True,
    )
    assert _listing(folder) == ["x.txt"]
