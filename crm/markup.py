"""Text from outside (a URL, a data value, a database message) for Markdown: shown as it is,
never read as a link, an image, emphasis, an icon or a colour directive."""
from __future__ import annotations

import re


def code(text: str, limit: int = 60) -> str:
    """Text as a Markdown code span, cut short: shown exactly as it is, never as markup (a link,
    an image, an address made clickable). For values from a link in messages."""
    text = " ".join(str(text).replace("`", "'").split())
    return f"`{text[:limit]}{'…' if len(text) > limit else ''}`"


_MARKUP = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:])")  # what Markdown, links, LaTeX and directives use


def plain(text: str) -> str:
    """Text that Markdown shows as it is: every mark Markdown reads escaped, so no link, image,
    emphasis, icon or colour directive can be smuggled in (by a URL value, say)."""
    text = _MARKUP.sub(r"\\\1", " ".join(str(text).split()))  # one line: no heading or list
    # Escapes do not stop Markdown from making bare addresses clickable: a zero-width space does.
    return text.replace("//", "/\u200b/").replace("www\\.", "www\u200b\\.").replace("@", "@\u200b")
