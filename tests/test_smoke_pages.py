from __future__ import annotations

import pytest

PUBLIC_PAGES = ["/", "/contact", "/accessibility", "/privacy", "/cookies", "/adopt/enquiry", "/staff/sign-in"]


@pytest.mark.parametrize("lang", ["en", "cy", "pl", "ur", "pa"])
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_render_in_every_language(client, demo, path, lang):
    client.get(f"/?lang={lang}")
    response = client.get(path)
    assert response.status_code == 200
    page = client.last_page
    assert page.tree.get("lang") == lang
    assert page.tree.get("dir") == ("rtl" if lang == "ur" else "ltr")
