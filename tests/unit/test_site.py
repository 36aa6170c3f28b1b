"""The site as it ships (infra/site.py): every JS and CSS file minified without changing what it
means — each module still parses as a module and imports the same modules — and the other files as
they are. The browser tests run the shipped files (the local gateway serves them)."""

import re
import shutil
import subprocess  # nosec B404 # node --check on files this test writes
from pathlib import Path

import playwright
import pytest

from infra import site
from infra.page_weight import static_imports

NODE = Path(playwright.__file__).parent / "driver" / "node"  # Playwright (a dev dependency) ships Node
MODULES = sorted(site.WEB.rglob("*.js"))


def _built(tmp_path: Path) -> Path:
    """Where the build put the release's files (assets/<release>/)."""
    [release] = (tmp_path / site.ASSETS).iterdir()
    return release


def test_every_script_and_stylesheet_ships_smaller_and_nothing_else_changes(tmp_path: Path) -> None:
    sizes = site.build(tmp_path)
    assets = _built(tmp_path)

    assert {name for name, _, _ in sizes} == {
        p.relative_to(site.WEB) for p in site.WEB.rglob("*") if p.suffix in (".js", ".css")
    }
    assert all(shipped < source for _, source, shipped in sizes)
    for path in site.WEB.rglob("*"):
        if path.is_file() and path.suffix not in (".js", ".css", ".html", ".svg"):
            assert (assets / path.relative_to(site.WEB)).read_bytes() == path.read_bytes()
    shipped = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert shipped == {"index.html"} | {
        (assets / p.relative_to(site.WEB)).relative_to(tmp_path).as_posix()
        for p in site.WEB.rglob("*")
        if p.is_file() and p.name != "index.html"
    }


def test_every_absolute_reference_points_into_the_release_and_resolves(tmp_path: Path) -> None:
    site.build(tmp_path)
    prefix = "/" + _built(tmp_path).relative_to(tmp_path).as_posix()
    index = (tmp_path / "index.html").read_text(encoding="utf-8")

    assert f'<script type="module" src="{prefix}/js/app.js">' in index
    assert f'<link rel="stylesheet" href="{prefix}/css/site.css">' in index
    for path in tmp_path.rglob("*"):
        if path.suffix in (".html", ".js", ".css"):
            for reference in re.findall(
                r"""["'(](/[A-Za-z0-9_./-]+\.(?:js|css|svg))["')]""", path.read_text(encoding="utf-8")
            ):
                assert reference.startswith(prefix + "/"), (path, reference)
                assert (tmp_path / reference.lstrip("/")).is_file(), (path, reference)


def test_a_change_to_any_file_makes_a_new_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    web = tmp_path / "web"
    shutil.copytree(site.WEB, web)
    monkeypatch.setattr(site, "WEB", web)
    first = site.release()

    (web / "css" / "print.css").write_text("body { color: black; }\n", encoding="utf-8")

    assert site.release() != first
    site.build(tmp_path / "out")
    assert _built(tmp_path / "out").name == site.release()


def test_every_shipped_module_parses_as_a_module(tmp_path: Path) -> None:
    for path in MODULES:
        copy = tmp_path / f"{path.stem}.mjs"
        copy.write_bytes(site.shipped(path))
        checked = subprocess.run([NODE, "--check", copy], capture_output=True, text=True, check=False)  # nosec B603
        assert checked.returncode == 0, f"{path.relative_to(site.WEB)}: {checked.stderr}"


def test_every_shipped_module_imports_what_its_source_imports(tmp_path: Path) -> None:
    site.build(tmp_path)
    assets = _built(tmp_path)

    for path in MODULES:
        copy = assets / path.relative_to(site.WEB)
        assert {p.relative_to(assets) for p in static_imports(copy)} == {
            p.relative_to(site.WEB) for p in static_imports(path)
        }, path


def test_a_changed_file_is_minified_again(tmp_path: Path) -> None:
    module = tmp_path / "m.js"
    module.write_text("// first\nexport const a = 1;\n", encoding="utf-8")
    first = site.shipped(module)
    module.write_text("// second, longer\nexport const b   =   2;\n", encoding="utf-8")

    assert first == b"export const a=1;\n"
    assert site.shipped(module) == b"export const b=2;\n"


def test_no_template_literal_is_nested_in_another() -> None:
    # rjsmin reads template literals unnested only: one inside another's ${…} is minified as code,
    # and its spaces go («однотарифный,5разрядов» was shipped so). Concatenate instead.
    nested = re.compile(r"\$\{[^}`]*`")
    found = [
        f"{path.relative_to(site.WEB)}:{number}"
        for path in MODULES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if nested.search(line)
    ]

    assert found == []
