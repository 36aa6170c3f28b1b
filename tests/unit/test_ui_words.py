"""The site speaks one language to the consumer (issue 32): «электронная почта», never «email», and
no «э/э» abbreviation, in any text of web/ a person reads or in any request type's title; the landing
page gives no direction that is false on some screen («в правом верхнем углу»)."""

import re

from functions.requests.vocabulary import REQUEST_KINDS
from infra.site import WEB

# A quoted string or an HTML text run holding Cyrillic: what a person reads.
_TEXT = re.compile(r"""'[^'\n]*[А-Яа-яЁё][^'\n]*'|`[^`]*[А-Яа-яЁё][^`]*`|>[^<>]*[А-Яа-яЁё][^<>]*<""")
_COMMENT = re.compile(r"^\s*(//|/\*|\*)")


def _texts() -> list[tuple[str, str]]:
    found = []
    for path in sorted([*WEB.rglob("*.js"), WEB / "index.html"]):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not _COMMENT.match(line):
                found += [(path.name, text) for text in _TEXT.findall(line)]
    return found


def test_texts_say_elektronnaya_pochta_never_email() -> None:
    assert len(_texts()) > 100  # the scan reads the site's texts
    assert [
        (name, text)
        for name, text in _texts()
        if re.search(r"\bemail\b", text, re.I)
        and not re.fullmatch(r"""[`'].*\$\{[^}]*email[^}]*\}.*[`']""", text)
    ] == []


def test_no_abbreviation_e_e_in_texts_or_request_titles() -> None:
    assert [text for _, text in _texts() if "э/э" in text] == []
    assert [kind.title for kind in REQUEST_KINDS if "э/э" in kind.title] == []


def test_the_landing_page_names_no_corner_of_the_screen() -> None:
    public = (WEB / "js" / "views" / "public.js").read_text(encoding="utf-8")

    assert "углу" not in public
