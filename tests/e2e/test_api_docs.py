"""Swagger UI at /api/docs works in Chromium under the strict CSP: its two inline scripts run (they
are allowed by hash), nothing else is blocked, and every part of the API is listed."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PageLog

pytestmark = pytest.mark.e2e


def test_swagger_ui_lists_the_api_without_any_csp_violation(
    page: Page, page_log: PageLog, portal_url: str, artifacts: Path
) -> None:
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(f"{portal_url}/api/docs")

    for tag in ("Учётная запись", "Заявки", "Показания", "АСКУЭ", "Интеграция"):
        expect(page.locator(".opblock-tag", has_text=tag).first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/readings/export")).to_be_visible()
    page.screenshot(path=artifacts / "api-docs.png")
    assert violations == []
    # Powertools' page names no icon, so Chromium asks for /favicon.ico (the site's is favicon.svg).
    assert [e for e in page_log.console_errors if "/favicon.ico" not in e] == []
    assert page_log.page_errors == []
    assert page_log.foreign_requests == []
