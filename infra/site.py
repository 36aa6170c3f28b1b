"""The site as it ships: `web/` with its JavaScript and CSS minified, under a content-hashed folder.

`web/` stays readable source with comments and needs no build step to work on. What a browser
receives — from the local gateway and from the S3 bucket behind CloudFront — is the same files with
comments and needless whitespace taken out by rjsmin and rcssmin (maintained minifiers that keep
names, so nothing is renamed and a stack trace still reads). That is what the page budget of
docs/architecture.md §10 counts (infra/page_weight.py) and what the browser tests run.

Built for the bucket (`build`), every file but index.html goes under `assets/<release>/`, the
release being a hash of every shipped file's path and bytes, and each absolute reference to a file
of the site (index.html's stylesheet and script, a module's '/css/charts.css') is rewritten to it.
A change anywhere makes a new folder; one index.html names one release, so a browser never mixes
modules of two deploys (the relative imports, static and dynamic, stay inside the folder), and
the folder's files can be cached for a year (infra/publish.py) while index.html is not cached.
The local gateway serves `web/`'s layout, each file shipped (`shipped`), as before.

    .venv/bin/python -m infra.site [DEST]     # writes DEST (default .aws-build/site), prints sizes
"""

import argparse
import hashlib
import re
import shutil
from functools import lru_cache
from pathlib import Path

import rcssmin
import rjsmin

from infra.template import ROOT

WEB = ROOT / "web"
BUILD = ROOT / ".aws-build" / "site"


def _minified(path: Path, source: str) -> str:
    if path.suffix == ".js":
        return str(rjsmin.jsmin(source)).strip() + "\n"
    return str(rcssmin.cssmin(source)).strip() + "\n"


@lru_cache(maxsize=256)
def _shipped(path: Path, _modified_ns: int, _size: int) -> bytes:
    source = path.read_bytes()
    if path.suffix not in (".js", ".css"):
        return source
    return _minified(path, source.decode("utf-8")).encode("utf-8")


def shipped(path: Path) -> bytes:
    """The bytes a browser receives for a file of `web/` (cached until the file changes)."""
    status = path.stat()
    return _shipped(path, status.st_mtime_ns, status.st_size)


ENTRY = "index.html"
ASSETS = "assets"
# A quoted (or url(...)) absolute path of a file, as index.html, the modules and the styles write them.
_ABSOLUTE_FILE = re.compile(r"""(?<=["'(])/([A-Za-z0-9_./-]+\.[A-Za-z0-9]+)(?=["')])""")
_TEXT = frozenset({".html", ".js", ".css", ".svg"})


def _files() -> list[Path]:
    return sorted(path for path in WEB.rglob("*") if path.is_file())


def release(files: list[Path] | None = None) -> str:
    """The release's folder name: a hash of every shipped file's path and bytes (12 hex digits)."""
    digest = hashlib.sha256()
    for path in files if files is not None else _files():
        digest.update(path.relative_to(WEB).as_posix().encode() + b"\0" + shipped(path) + b"\0")
    return digest.hexdigest()[:12]


def _pointed_to_release(path: Path, data: bytes, prefix: str) -> bytes:
    """`data` with each absolute reference to a file of the site moved under `prefix`."""
    if path.suffix not in _TEXT:
        return data

    def moved(match: re.Match[str]) -> str:
        target = match.group(1)
        return f"{prefix}/{target}" if target != ENTRY and (WEB / target).is_file() else match.group(0)

    return _ABSOLUTE_FILE.sub(moved, data.decode("utf-8")).encode("utf-8")


def build(dest: Path = BUILD) -> list[tuple[Path, int, int]]:
    """Write the shipped site to `dest` (index.html, assets/<release>/…); return (file, source
    bytes, shipped bytes) per JS/CSS file."""
    shutil.rmtree(dest, ignore_errors=True)
    files = _files()
    prefix = f"/{ASSETS}/{release(files)}"
    sizes = []
    for path in files:
        name = path.relative_to(WEB)
        target = dest / name if name.as_posix() == ENTRY else dest / prefix.lstrip("/") / name
        target.parent.mkdir(parents=True, exist_ok=True)
        data = _pointed_to_release(path, shipped(path), prefix)
        target.write_bytes(data)
        if path.suffix in (".js", ".css"):
            sizes.append((name, path.stat().st_size, len(data)))
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", nargs="?", type=Path, default=BUILD)
    dest = parser.parse_args().dest
    sizes = build(dest)
    source, shipped_total = sum(s for _, s, _ in sizes), sum(m for _, _, m in sizes)
    print(f"{dest}: {len(sizes)} JS and CSS files, {source:,} bytes of source -> {shipped_total:,} shipped")


if __name__ == "__main__":
    main()
