"""Text from outside (a URL, a data value, a database message) for Markdown: shown as it is,
never read as a link, an image, emphasis, an icon or a colour directive."""
from __future__ import annotations

import re


def quoted(text: str, limit: int = 40) -> str:
    """A value from a link, for a message: quoted, cut short, and never read as markup."""
    text = " ".join(str(text).split())
    return f"“{plain(text[:limit])}{'…' if len(text) > limit else ''}”"


def code(text: str, limit: int = 60) -> str:
    """Text as a Markdown code span: shown exactly as it is, never as markup (a link, an image)."""
    text = " ".join(str(text).replace("`", "'").split())
    return f"`{text[:limit]}{'…' if len(text) > limit else ''}`"


_MARKUP = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:])")  # what Markdown, links, LaTeX and directives use


def plain(text: str) -> str:
    """Text that Markdown shows as it is: every mark Markdown reads escaped, so no link, image,
    emphasis, icon or colour directive can be smuggled in (by a URL value, say)."""
    return _MARKUP.sub(r"\\\1", " ".join(str(text).split()))  # one line: no heading or list
