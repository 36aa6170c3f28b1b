"""What each page of the site loads, read from web/ without a browser (docs/architecture.md §10:
all JS and CSS of a page at most 60 KB uncompressed; no request to another host), counted as the
browser receives them: minified by infra/site.py, the way the gateway serves them and the bucket
holds them.

A page is the shell — index.html's stylesheets and its module scripts with their static imports —
plus its view: the view's module, the modules it imports statically, and every stylesheet those
modules add (a '/css/….css' they name). The views are those routes.js and router.js name.
benchmarks/page_weight.py prints the figures; tests/unit/test_page_weight.py holds them to the budget.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from infra.site import WEB, shipped

BUDGET = 60_000  # bytes of JS and CSS as shipped (minified, infra/site.py), uncompressed

_STATIC_IMPORT = re.compile(
    r"""(?:^|[;\s])(?:import|export)\s*(?:[\w*{}\s,$]+?\s*from\s*)?['"]([^'"]+)['"]"""
)
_STYLESHEET = re.compile(r"""['"](/css/[\w./-]+\.css)['"]""")
_HTML_STYLESHEET = re.compile(r"""<link\b[^>]*\brel=["']stylesheet["'][^>]*\bhref=["']([^"']+)["']""")
_HTML_MODULE = re.compile(r"""<script\b[^>]*\bsrc=["']([^"']+)["']""")
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?['"]?([^'")\s]+)""")
_VIEW_NAME = re.compile(r"""(?:view|guestView):\s*'([\w-]+)'|views/([\w-]+)\.js|'([\w-]+)'""")
_URL = re.compile(r"""(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s'"()<>]*""")
_XML_NAMESPACE = re.compile(r"""xmlns(?::\w+)?=["']$""")


def _site_file(url: str) -> Path:
    return WEB / url.lstrip("/")


def _without_comments(source: str) -> str:
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    return re.sub(r"(?m)^\s*//.*$", "", source)


@cache
def static_imports(module: Path) -> frozenset[Path]:
    """The module and everything it imports statically (not `import()`), transitively."""
    found = {module}
    for specifier in _STATIC_IMPORT.findall(_without_comments(module.read_text(encoding="utf-8"))):
        target = (module.parent / specifier).resolve() if specifier.startswith(".") else _site_file(specifier)
        found |= static_imports(target)
    return frozenset(found)


def _stylesheets_of(modules: frozenset[Path]) -> set[Path]:
    sheets: set[Path] = set()
    for module in modules:
        sheets |= {_site_file(url) for url in _STYLESHEET.findall(module.read_text(encoding="utf-8"))}
    return _with_css_imports(sheets)


def _with_css_imports(sheets: set[Path]) -> set[Path]:
    found = set(sheets)
    for sheet in sheets:
        imported = {
            (sheet.parent / url).resolve() for url in _CSS_IMPORT.findall(sheet.read_text(encoding="utf-8"))
        }
        found |= _with_css_imports(imported)
    return found


def shell() -> set[Path]:
    """index.html's stylesheets and module scripts with their imports (what every page loads)."""
    html = (WEB / "index.html").read_text(encoding="utf-8")
    files = _with_css_imports({_site_file(url) for url in _HTML_STYLESHEET.findall(html)})
    for script in _HTML_MODULE.findall(html):
        modules = static_imports(_site_file(script).resolve())
        files |= modules | _stylesheets_of(modules)
    return files


def views() -> list[str]:
    """The views the router can show: those routes.js and router.js name, in that order."""
    names: list[str] = []
    for source in ("js/routes.js", "js/router.js"):
        for match in _VIEW_NAME.finditer(_without_comments((WEB / source).read_text(encoding="utf-8"))):
            name = next(group for group in match.groups() if group)
            if (WEB / "js" / "views" / f"{name}.js").is_file() and name not in names:
                names.append(name)
    return names


@dataclass(frozen=True)
class PageWeight:
    view: str
    files: frozenset[Path]

    @property
    def js(self) -> int:
        return sum(len(shipped(f)) for f in self.files if f.suffix == ".js")

    @property
    def css(self) -> int:
        return sum(len(shipped(f)) for f in self.files if f.suffix == ".css")

    @property
    def source(self) -> int:
        """The same files as `web/` holds them, with their comments (for comparison)."""
        return sum(f.stat().st_size for f in self.files)

    @property
    def total(self) -> int:
        return self.js + self.css


def page_weights() -> list[PageWeight]:
    """Every view's page: the shell and the view's own files together."""
    common = shell()
    pages = []
    for view in views():
        modules = static_imports((WEB / "js" / "views" / f"{view}.js").resolve())
        pages.append(PageWeight(view, frozenset(common | modules | _stylesheets_of(modules))))
    return pages


def foreign_urls() -> list[str]:
    """Addresses of other hosts anywhere in web/ (an XML namespace is a name, not a request)."""
    found = []
    for path in sorted(WEB.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".js", ".css", ".svg", ".json", ".webmanifest"):
            text = path.read_text(encoding="utf-8")
            for match in _URL.finditer(text):
                if not _XML_NAMESPACE.search(text[max(0, match.start() - 20) : match.start()]):
                    found.append(f"{path.relative_to(WEB)}: {match.group()}")
    return found
