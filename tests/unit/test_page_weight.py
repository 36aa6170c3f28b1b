"""Every page of the site loads at most 60 KB of JS and CSS, uncompressed as shipped (minified by
infra/site.py), and nothing from another host (docs/architecture.md §10) — read from web/ itself,
so it holds for pages no browser test opens."""

import re

from infra.page_weight import BUDGET, WEB, foreign_urls, page_weights, views
from infra.site import shipped


def test_every_page_loads_at_most_60_kb_of_js_and_css() -> None:
    for page in page_weights():
        files = ", ".join(f"{f.relative_to(WEB)} {len(shipped(f))}" for f in sorted(page.files))
        assert page.total <= BUDGET, f"{page.view}: {page.total} bytes ({files})"


def test_every_view_a_route_names_is_weighed() -> None:
    routes = (WEB / "js" / "routes.js").read_text(encoding="utf-8")

    named = set(re.findall(r"(?:view|guestView): '([\w-]+)'", routes))

    assert named <= set(views())
    assert {"not-found", "pending", "public"} <= set(views())


def test_a_page_counts_the_stylesheets_its_view_adds() -> None:
    askue = next(page for page in page_weights() if page.view == "askue")

    assert {WEB / "css" / "site.css", WEB / "css" / "askue.css"} <= askue.files


def test_the_site_names_no_other_host() -> None:
    assert foreign_urls() == []
