"""Files of large data sets: found in `$DEEPLING_HOME/datasets/<name>/`, else downloaded there.

A download goes to a hidden temporary file in the same folder, is checked against its known
sha256 while it streams, and only then is renamed into place, so an interrupted or corrupt
download never leaves a file under the real name. Files already in the folder are used as they
are (the readers check their structure), so copies made by other tools work offline.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

_CHUNK = 1 << 16


class DatasetNotFoundError(FileNotFoundError):
    """Files of a data set are missing and could not be downloaded (offline, or no mirror)."""


class ChecksumError(ValueError):
    """A downloaded file's sha256 is not the published one; the file was not kept."""


def data_home() -> Path:
    """`$DEEPLING_HOME/datasets`, by default `~/.deepling/datasets` (created when needed)."""
    home = os.environ.get("DEEPLING_HOME") or os.path.join("~", ".deepling")
    return Path(os.path.expanduser(home)) / "datasets"


def _progress(total: int | None, desc: str):
    """A tqdm byte counter on stderr, or a silent stand-in when tqdm is not installed."""
    try:
        from tqdm import tqdm
    except ImportError:
        return _NoBar()
    return tqdm(
        total=total, desc=desc, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr
    )


class _NoBar:
    def update(self, n):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _hasher(expected: str):
    """sha256, or md5 for a 32-digit value (the checksums Keras pins for a few small files)."""
    return hashlib.md5() if len(expected) == 32 else hashlib.sha256()


def _stream(url: str, out, desc: str, expected: str = "") -> str:
    """Copy `url` into the open binary file `out`; return the digest of what was written
    (sha256, or md5 when `expected` is an md5)."""
    import http.client  # both loaded on first download only
    import urllib.request

    digest = _hasher(expected)
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            with _progress(total, desc) as bar:
                while chunk := response.read(_CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    bar.update(len(chunk))
    except http.client.HTTPException as e:  # IncompleteRead and kin are not OSErrors
        raise ConnectionError(f"{type(e).__name__}: {e}") from e
    return digest.hexdigest()


def download(url: str, dest: Path, sha256: str) -> Path:
    """Download `url` to `dest` through a temporary file, keeping it only if its sha256 matches.

    Network errors propagate as OSError (urllib's URLError is one); a mismatch raises
    ChecksumError naming the file and both checksums. Either way nothing is left behind.
    """
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            got = _stream(url, out, desc=dest.name, expected=sha256)
        if got != sha256:
            raise ChecksumError(
                f"{dest.name} downloaded from {url} has {_hasher(sha256).name} {got}, expected {sha256}; "
                "the file was discarded (a damaged transfer or a changed mirror)"
            )
        os.replace(tmp, dest)  # atomic on one file system: `dest` is whole or absent
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return dest


def _fetch_one(fname: str, sha256: str, folder: Path, mirrors) -> Path:
    """Try each mirror in turn; re-raise the last error when none gives the right file."""
    error: Exception | None = None
    for mirror in mirrors:
        try:
            return download(mirror + fname, folder / fname, sha256)
        except ChecksumError as e:
            error = e  # try the next mirror, but a bad file is what the user must hear about
        except OSError as e:
            if not isinstance(error, ChecksumError):
                error = e
    raise error


def verify(path: Path, sha256: str) -> None:
    """A file already in place must be the published one too: a wrong file fails here, early."""
    digest = _hasher(sha256)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != sha256:
        raise ChecksumError(
            f"{path} has {digest.name} {digest.hexdigest()}, expected {sha256}: it is not the published "
            "file (corrupt, truncated or another version). Delete it to download it again."
        )


def fetch(name: str, files: dict[str, str], mirrors, help_text: str = "") -> dict[str, Path]:
    """Paths of `files` (file name -> sha256) in `data_home()/name`, downloading missing ones.

    Raises DatasetNotFoundError naming every missing file, the folder to put them in and the
    mirrors, when a download fails for lack of network; ChecksumError for a corrupt download.
    """
    folder = data_home() / name
    missing = [f for f in files if not (folder / f).is_file()]
    for fname in files:
        if fname not in missing:
            verify(folder / fname, files[fname])
    for i, fname in enumerate(missing):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _fetch_one(fname, files[fname], folder, mirrors)
        except ChecksumError:
            raise
        except OSError as e:
            raise DatasetNotFoundError(
                f"{name}: missing {', '.join(missing[i:])} in {folder}{os.sep} and the download "
                f"failed ({type(e).__name__}: {e}). Put the files in that folder (or set "
                f"DEEPLING_HOME to a folder whose datasets/{name}/ holds them); they can be "
                f"downloaded from {' or '.join(mirrors)} under the names above. {help_text}"
            ) from e
    return {f: folder / f for f in files}
