"""A consumer whose address bounced sees it in «Профиль», on a desktop and on a phone."""

from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PageLog, Portal, log_in_new_consumer, shot


@pytest.mark.parametrize("viewport", [DESKTOP, {"width": 375, "height": 740}], ids=["desktop", "phone"])
def test_the_profile_says_mail_to_the_address_does_not_arrive(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    email = log_in_new_consumer(page, portal, tag="bounce", start="#/profile")
    expect(page.get_by_role("heading", level=1, name="Профиль")).to_be_visible()
    expect(page.locator("#profile-mail-undeliverable")).to_have_count(0)

    bounced = requests.post(
        f"{portal.url}/_local/bounce", json={"email": email, "kind": "bounce"}, timeout=10
    )
    assert bounced.status_code == 202
    page.reload()

    notice = page.locator("#profile-mail-undeliverable")
    expect(notice).to_contain_text("Письма на этот адрес не доставляются")
    expect(notice).to_contain_text(email)
    expect(notice).to_be_in_viewport()
    shot(page, artifacts, f"30-profile-mail-undeliverable-{viewport['width']}")
    page_log.assert_clean([])
