"""MkDocs hook: build the rule catalogue page from the policy data at docs build time.

``docs/rules/catalogue.md`` holds the marker ``<!-- catalogue -->``; this hook replaces it
with the tables :func:`edupoverty.rules.catalogue.catalogue_markdown` generates from the
bundled profiles, so the page cannot drift from the rules.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

MARKER = "<!-- catalogue -->"


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    if MARKER not in markdown:
        return markdown
    src = Path(__file__).resolve().parents[2] / "src"
    if str(src) not in sys.path:
        sys.path.insert(0, str(src))
    from edupoverty.rules.catalogue import catalogue_markdown

    return markdown.replace(MARKER, catalogue_markdown())
