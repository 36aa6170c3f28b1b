"""The site as it ships (infra/site.py): every JS and CSS file minified without changing what it
means — each module still parses as a module and imports the same modules — and the other files as
they are. The browser tests run the shipped files (the local gateway serves them)."""

import re
import subprocess  # nosec B404 # node --check on files this test writes
from pathlib import Path

import playwright

from infra import site
from infra.page_weight import static_imports

NODE = Path(playwright.__file__).parent / "driver" / "node"  # Playwright (a dev dependency) ships Node
MODULES = sorted(site.WEB.rglob("*.js"))


def test_every_script_and_stylesheet_ships_smaller_and_nothing_else_changes(tmp_path: Path) -> None:
    sizes = site.build(tmp_path)

    assert {name for name, _, _ in sizes} == {
        p.relative_to(site.WEB) for p in site.WEB.rglob("*") if p.suffix in (".js", ".css")
    }
    assert all(shipped < source for _, source, shipped in sizes)
    for path in site.WEB.rglob("*"):
        if path.is_file() and path.suffix not in (".js", ".css"):
            assert (tmp_path / path.relative_to(site.WEB)).read_bytes() == path.read_bytes()


def test_every_shipped_module_parses_as_a_module(tmp_path: Path) -> None:
    for path in MODULES:
        copy = tmp_path / f"{path.stem}.mjs"
        copy.write_bytes(site.shipped(path))
        checked = subprocess.run([NODE, "--check", copy], capture_output=True, text=True, check=False)  # nosec B603
        assert checked.returncode == 0, f"{path.relative_to(site.WEB)}: {checked.stderr}"


def test_every_shipped_module_imports_what_its_source_imports(tmp_path: Path) -> None:
    site.build(tmp_path)

    for path in MODULES:
        copy = tmp_path / path.relative_to(site.WEB)
        assert {p.relative_to(tmp_path) for p in static_imports(copy)} == {
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
