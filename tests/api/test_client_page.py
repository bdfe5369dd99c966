"""The web client's files: the page at `/`, every module it loads, and its icon."""

import re

import httpx


def test_the_page_and_every_module_it_imports_are_served(api_base):
    page = httpx.get(f"{api_base}/")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    pending, seen = ["/client/app.js"], set()
    while pending:
        path = pending.pop()
        seen.add(path)
        module = httpx.get(f"{api_base}{path}")
        assert module.status_code == 200, path
        for name in re.findall(r'^import .* from "\./([\w-]+\.js)";$', module.text, re.M):
            if f"/client/{name}" not in seen:
                pending.append(f"/client/{name}")
    assert {"/client/controller.js", "/client/view.js", "/client/texts-ko.js"} <= seen


def test_the_icon_is_served_where_browsers_ask(api_base):
    icon = httpx.get(f"{api_base}/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/svg+xml" and icon.text.startswith("<svg")
    assert httpx.get(f"{api_base}/client/favicon.svg").status_code == 200


def test_both_languages_have_every_text_the_page_names(api_base):
    keys = {}
    for language in ("ko", "en"):
        text = httpx.get(f"{api_base}/client/texts-{language}.js").text
        keys[language] = set(re.findall(r"^  (\w+):", text, re.M))
    assert keys["ko"] == keys["en"]
    named = set(re.findall(r'data-i18n(?:-placeholder)?="(\w+)"', httpx.get(f"{api_base}/").text))
    for module in ("view.js", "talk-view.js", "blocks.js", "feedback.js", "controller.js"):
        named |= set(re.findall(r'\bt\("(\w+)"', httpx.get(f"{api_base}/client/{module}").text))
    assert named and named <= keys["en"], named - keys["en"]
