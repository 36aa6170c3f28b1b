"""The JS and CSS each page of the site loads, uncompressed, against the 60 KB budget
(docs/architecture.md §10), read from web/ without a browser (infra/page_weight.py) and counted as
shipped (minified by infra/site.py; the source column is web/ as written); and any address of
another host in web/.
The browser tests measure the same in Chromium (test-artifacts/e2e/*page-weight.json).

    .venv/bin/python benchmarks/page_weight.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from infra.page_weight import BUDGET, foreign_urls, page_weights, shell
from infra.site import shipped


def main() -> None:
    shared = sum(len(shipped(f)) for f in shell())
    print(f"shell (index.html's CSS, app.js and its imports): {shared:,} bytes shipped\n")
    print(f"{'view':<20} {'JS':>7} {'CSS':>7} {'total':>7}   of {BUDGET:,}   {'source':>7}")
    for page in page_weights():
        verdict = "ok" if page.total <= BUDGET else "OVER"
        share = page.total / BUDGET
        print(
            f"{page.view:<20} {page.js:>7,} {page.css:>7,} {page.total:>7,}   {share:4.0%} {verdict:<4}"
            f"   {page.source:>7,}"
        )
    print(f"\nrequests to other hosts: {foreign_urls() or 'none'}")


if __name__ == "__main__":
    main()
