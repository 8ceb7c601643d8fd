"""The app's pages in one table: script path, title and icon. The navigation, the access check
(the roles file names pages by id) and the links between pages all read it."""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


class SitePage(NamedTuple):
    path: str    # the script, relative to dashboard.py (classic pages/ mode, auto navigation hidden)
    title: str
    icon: str

    @property
    def id(self) -> str:
        return page_id(self.path)


PAGES = [
    SitePage("dashboard.py", "Overview", ":material/dashboard:"),
    SitePage("pages/1_Acquisition_and_loss.py", "Acquisition & loss", ":material/swap_vert:"),
    SitePage("pages/2_Lifecycle.py", "Lifecycle", ":material/autorenew:"),
    SitePage("pages/3_Channels.py", "Channels", ":material/hub:"),
    SitePage("pages/4_Scorecard.py", "Scorecard", ":material/target:"),
    SitePage("pages/4_Assessment.py", "Assessment", ":material/fact_check:"),
    SitePage("pages/5_Service_quality.py", "Service quality", ":material/support_agent:"),
    SitePage("pages/6_Segment.py", "Segment detail", ":material/pie_chart:"),
    SitePage("pages/6_Channel.py", "Channel detail", ":material/call_split:"),
    SitePage("pages/6_Customers.py", "Customers", ":material/groups:"),
    SitePage("pages/7_Query_library.py", "Query library", ":material/library_books:"),
    SitePage("pages/8_Data.py", "Data", ":material/database:"),
    SitePage("pages/8_Access_log.py", "Access log", ":material/policy:"),
    SitePage("pages/9_Definitions.py", "Definitions", ":material/menu_book:"),
]


def page_id(path: str) -> str:
    """A page's id in the roles file: its file name without the order prefix (dashboard.py = overview)."""
    stem = Path(path).stem
    return "overview" if stem == "dashboard" else stem.split("_", 1)[-1].lower() if stem[0].isdigit() else stem.lower()


def path(page: str) -> str:
    """The script of the page with this id, for st.page_link."""
    return next(p.path for p in PAGES if p.id == page)
