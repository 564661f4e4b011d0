"""Every response carries a Content-Security-Policy with a fresh nonce and a
Permissions-Policy; no template holds an inline script or an inline event handler."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import Tree, https_client

TEMPLATES = Path(__file__).resolve().parents[2] / "sanfu"


@pytest.mark.django_db
def test_pages_carry_the_policies_with_a_fresh_nonce(tree: Tree) -> None:
    client = https_client()
    first, second = client.get("/"), client.get("/accounts/login/")
    policies = [r["Content-Security-Policy"] for r in (first, second)]
    for policy in policies:
        assert "default-src 'self'" in policy
        assert "object-src 'none'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-eval" not in policy
        assert "script-src 'self' 'nonce-" in policy
    nonces = [re.search(r"'nonce-([^']+)'", policy).group(1) for policy in policies]  # type: ignore[union-attr]
    assert nonces[0] != nonces[1]
    assert "camera=()" in first["Permissions-Policy"]


def test_no_template_runs_inline_script_or_style_without_the_nonce() -> None:
    offenders = []
    for template in TEMPLATES.rglob("templates/**/*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "nonce=" not in tag:
                offenders.append(f"{template.name}: {tag}")
        for tag in re.findall(r"<style\b[^>]*>", text):
            if "nonce=" not in tag:
                offenders.append(f"{template.name}: {tag}")
        if re.search(r"\son[a-z]+\s*=", text) or "javascript:" in text:
            offenders.append(f"{template.name}: an inline event handler")
    assert offenders == []
