"""The site as it ships: `web/` with its JavaScript and CSS minified.

`web/` stays readable source with comments and needs no build step to work on. What a browser
receives — from the local gateway and from the S3 bucket behind CloudFront — is the same files with
comments and needless whitespace taken out by rjsmin and rcssmin (maintained minifiers that keep
names, so nothing is renamed and a stack trace still reads). That is what the page budget of
docs/architecture.md §10 counts (infra/page_weight.py) and what the browser tests run.

    .venv/bin/python -m infra.site [DEST]     # writes DEST (default .aws-build/site), prints sizes
"""

import argparse
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


def build(dest: Path = BUILD) -> list[tuple[Path, int, int]]:
    """Write the shipped site to `dest`; return (file, source bytes, shipped bytes) per JS/CSS file."""
    shutil.rmtree(dest, ignore_errors=True)
    sizes = []
    for path in sorted(WEB.rglob("*")):
        if not path.is_file():
            continue
        target = dest / path.relative_to(WEB)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = shipped(path)
        target.write_bytes(data)
        if path.suffix in (".js", ".css"):
            sizes.append((path.relative_to(WEB), path.stat().st_size, len(data)))
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
