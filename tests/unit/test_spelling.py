"""One spelling and one term per thing, over the site (web/) and the Russian texts of functions/.

- ё everywhere the word has it: «учёт» (учёта, учётом, безучётное, учётная запись), «введённые»,
  «подключённые», «присоединённая», «повреждённое», «надёжность» — the forms the portal uses; the
  rule is «ё everywhere», so a form written with е is refused wherever it appears.
- one term per thing: the meter is «прибор учёта» (ПП № 442's term), never «счётчик»/«счетчик»; the
  address field is «Электронная почта», as Russian forms call it, never «Email»/«E-mail».

Russian text in Python is its string literals (comments and identifiers are English); a meter's name
that ASKUE sends as data (infra/askue_simulator.py) is not the portal's text and is not checked.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<![А-Яа-яЁё])(?:[Бб]ез)?[Уу]чет"), "«учёт» с ё"),
    (re.compile(r"[Вв]веденн"), "«введённ…» с ё"),
    (re.compile(r"[Пп]одключенн"), "«подключённ…» с ё"),
    (re.compile(r"[Пп]рисоединенн"), "«присоединённ…» с ё"),
    (re.compile(r"[Пп]овреждённ".replace("ё", "е")), "«повреждённ…» с ё"),
    (re.compile(r"[Нн]адежн"), "«надёжн…» с ё"),
    (re.compile(r"(?<![А-Яа-яЁё])[Сс]ч[её]тчик"), "«прибор учёта», не «счётчик»"),
    (re.compile(r"(?<![\w@.])(?:Email|E-mail|e-mail)(?![\w@])"), "«Электронная почта», не «Email»"),
]


def _web_texts() -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / "web").rglob("*")):
        if path.suffix in (".js", ".html"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.lstrip().startswith("//"):
                    found.append((f"{path.relative_to(ROOT)}:{number}", line))
    return found


def _python_texts() -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / "functions").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and re.search("[А-Яа-яЁё]", node.value)
            ):
                if isinstance(getattr(node, "parent", None), ast.Expr):
                    continue
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.value))
    return found


TEXTS = _web_texts() + _python_texts()


def test_the_texts_are_found() -> None:
    assert len(TEXTS) > 500
    assert any("прибор учёта" in text.lower() for _, text in TEXTS)


@pytest.mark.parametrize(("rule", "why"), RULES, ids=[why for _, why in RULES])
def test_one_spelling_and_one_term(rule: re.Pattern[str], why: str) -> None:
    wrong = [f"{where}: {text.strip()[:120]}" for where, text in TEXTS if rule.search(text)]

    assert wrong == [], f"{why}:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("Номер прибора учета", True),
        ("Номер прибора учёта", False),
        ("Безучетное потребление", True),
        ("Введите показания счетчика", True),
        ("Email", True),
        ("support@portal.example.ru", False),
        ("Электронная почта", False),
    ],
)
def test_the_rules_catch_what_they_name(text: str, wrong: bool) -> None:
    assert any(rule.search(text) for rule, _ in RULES) is wrong
