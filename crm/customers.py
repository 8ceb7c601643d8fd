"""The Customers page: the list of customers behind the current filters and, with ?customer=ID,
one customer's profile. Paging, sorting and search run in SQL (queries/customers/), which sees
customer ids only; crm.data joins names and e-mails for users with the personal-data right (and
finds ids by name for their searches). Customers without consent are left out of downloads."""
from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from crm import access, charts, data, ui
from crm.formatting import format_value
from crm.frame import Page
from crm.markup import plain

PAGE_SIZE = 50
ALL_ROWS = 10**9  # page_size for the whole list (the CSV download)
SORTS = {  # the customer_list query's $sort_by values
    "revenue": "Revenue in the period", "lifetime": "Lifetime revenue", "linked": "Linked value",
    "orders": "Orders in the period", "acquired": "Newest first", "id": "Customer id",
}
PAGE_KEY, SEARCH_KEY, SORT_KEY = "customers_page_number", "customers_search", "customers_sort"
FLAG = "⚑ linked value"
FLAG_HELP = ("⚑ linked value: the customer's own lifetime revenue is in the bottom 50 % of all customers, but "
             "the value of their household / parent group is in the top 20 %. Treat them as part of that group.")
PROFILE_KPIS = ["lifetime_revenue", "orders", "linked_value", "active_spells", "days_active"]


def show(page: Page) -> None:
    customer_id = st.query_params.get("customer")
    if customer_id:  # filters.sync_url keeps ?customer= in the address bar
        show_profile(page, customer_id)
    else:
        show_list(page)


# --- the list ---------------------------------------------------------------------------------

def show_list(page: Page) -> None:
    scope = access.current()
    st.caption("Customers of the selected regions, segments and acquisition channels who were active at any time "
               "in the period or acquired in it; status at the end of the period.")
    search_col, sort_col = st.columns([3, 2])
    search = search_col.text_input(
        "Search", key=SEARCH_KEY, on_change=_first_page, icon=":material/search:",
        placeholder="Customer id, city" + (", name or e-mail" if scope.personal_data else ""))
    sort_by = sort_col.selectbox("Sort by", list(SORTS), format_func=SORTS.get, key=SORT_KEY, on_change=_first_page)
    # Names live apart from the warehouse: ids found by name or e-mail (only with the right) go to the query.
    found = data.find_customers(search)
    query = {"page_size": PAGE_SIZE, "sort_by": sort_by, "search": search.strip() or "*",
             "found_ids": "\n".join(found) or "*"}

    number = st.session_state.get(PAGE_KEY, 1)
    rows = page.run("customer_list", page=number, **query)
    if rows.empty and number > 1:  # the filters changed under a later page: back to the first
        number = st.session_state[PAGE_KEY] = 1
        rows = page.run("customer_list", page=number, **query)
    if rows.empty:
        ui.empty("No customer matches the filters and the search.")
        return

    total = int(rows["total_count"].iloc[0])
    pages = math.ceil(total / PAGE_SIZE)
    ui.table(for_display(rows), file_name=f"customers_page_{number}", key="customer_list", height=740)
    pager, summary = st.columns([1, 4], vertical_alignment="bottom")
    pager.number_input("Page", min_value=1, max_value=pages, key=PAGE_KEY)
    first = (number - 1) * PAGE_SIZE + 1
    summary.caption(f"Customers {first:,}–{first + len(rows) - 1:,} of {total:,} · page {number:,} of {pages:,}. "
                    f"{FLAG_HELP}")
    profile_picker(page, rows["customer_id"].tolist(), key="list_profile")
    _whole_list_download(page, query, total)


def _first_page() -> None:
    st.session_state[PAGE_KEY] = 1


def for_display(rows: pd.DataFrame) -> pd.DataFrame:
    """The list as shown: the flag as a marker, without the list-wide totals."""
    shown = rows.drop(columns=[c for c in ("total_count",) if c in rows.columns])
    if "low_value_high_link" in shown.columns:
        shown = shown.assign(low_value_high_link=shown["low_value_high_link"].map({True: FLAG}).fillna(""))
    return shown


def _whole_list_download(page: Page, query: dict, total: int) -> None:
    """The whole filtered list as CSV, prepared on request (it can hold every customer)."""
    if not st.button(f"Prepare a CSV of all {total:,} customers", icon=":material/download:", key="prepare_all"):
        return
    everyone = page.run("customer_list", **{**query, "page": 1, "page_size": ALL_ROWS}).drop(columns="total_count")
    download = data.for_download(everyone)
    left_out = len(everyone) - len(download)
    st.download_button(f"Download {len(download):,} customers (CSV)" + (f"; {left_out:,} without consent left out"
                                                                         if left_out else ""),
                       ui.csv_bytes(download), file_name="customers.csv", mime="text/csv",
                       key="download_all_customers", icon=":material/download:", on_click="ignore")


def profile_picker(page: Page, customer_ids: list[str], *, key: str) -> None:
    """Open one of these customers' profile (by id: names are joined only for some roles)."""
    if not customer_ids:
        return
    choice, link = st.columns([2, 3], vertical_alignment="bottom")
    picked = choice.selectbox("Open the profile of", customer_ids, key=key)
    link.page_link(ui.CUSTOMERS_PAGE, label=f"Profile of {picked}", icon=":material/person:",
                   query_params={**page.filters.to_url(), "customer": picked})


# --- one customer -------------------------------------------------------------------------------

def show_profile(page: Page, customer_id: str) -> None:
    st.page_link(ui.CUSTOMERS_PAGE, label="All customers", icon=":material/arrow_back:",
                 query_params=page.filters.to_url())
    profile = page.run("customer_profile", customer=customer_id)
    if profile.empty:
        ui.empty(f"No customer {plain(customer_id)} in the regions you can see (with the current region "
                 "filter).")
        return
    me = profile.iloc[0]  # name and e-mail only for users with the personal-data right (crm.data)
    links = page.run("customer_links", customer=customer_id)
    mine = links[links["customer_id"] == customer_id].iloc[0]

    # Imported values (a name such as "[x](http://...)") are shown as text, never as Markdown.
    me = me.map(lambda v: plain(v) if isinstance(v, str) else v)
    name, email = me.get("name"), me.get("email")
    st.subheader(f"{name} · {me['customer_id']}" if isinstance(name, str) and name else me["customer_id"])
    st.caption(" · ".join(str(part) for part in [
        me["status"], me["segment"], f"{me['region']} ({me['city'] or me['country']}, {me['country']})",
        f"acquired through {me['channel']} on {me['acquired_on']:%d %b %Y}",
        f"lost on {me['lost_on']:%d %b %Y} ({me['loss_reason'] or 'no reason recorded'})" if pd.notna(me["lost_on"])
        else None,
        f"e-mail {email}" if isinstance(email, str) and email else None,
        "consent given" if me["consent"] else "⚠ no consent: do not contact or profile",
    ] if part))
    ui.kpi_tiles(page, PROFILE_KPIS, pd.concat([profile.iloc[0], mine[["linked_value_amount"]]]))
    if mine["low_value_high_link"]:
        st.warning(f"**{FLAG}**: own lifetime revenue of {format_value('x_amount', mine['lifetime_revenue_amount'])} is in "
                   f"the bottom 50 % of all customers, but the household / parent group's "
                   f"{format_value('x_amount', mine['linked_value_amount'])} is in the top 20 %. Treat them as part "
                   "of that group.", icon=":material/flag:")

    left, right = st.columns(2)
    with left.container(border=True):
        st.subheader("Active spells")
        ui.chart(charts.spell_timeline(page.run("customer_spell_timeline", customer=customer_id), page.as_of))
    with right.container(border=True):
        st.subheader("Orders per month")
        orders = page.run("customer_orders_monthly", customer=customer_id)
        if orders["orders_count"].sum() == 0:
            ui.empty("No orders.")
        else:
            ui.chart(charts.monthly_bars(orders, "revenue_amount", title="Revenue", value_format=",.2f"))

    with st.container(border=True):
        st.subheader("Household / parent group")
        st.caption("The customer, its parent and the parent's other children (or its own children), in the regions "
                   "you can see; the linked value counts every member.")
        ui.table(for_display(links), file_name=f"linked_customers_{customer_id}", key="profile_links")
        profile_picker(page, [c for c in links["customer_id"] if c != customer_id], key="links_profile")

    left, right = st.columns(2)
    with left.container(border=True):
        st.subheader("Interactions by channel")
        interactions = page.run("customer_interactions", customer=customer_id)
        if ui.has_rows(interactions, "No interactions recorded."):
            ui.chart(charts.breakdown(interactions, "channel", "interactions_count", title="Interactions"),
                     key="profile_channels", drill="channel")
    with right.container(border=True):
        st.subheader("Survey answers")
        surveys = page.run("customer_surveys", customer=customer_id)
        if ui.has_rows(surveys, "No survey answers."):
            ui.table(surveys, file_name=f"surveys_{customer_id}", key="profile_surveys")
    with st.container(border=True):
        st.subheader("Complaints")
        complaints = page.run("customer_complaints", customer=customer_id)
        if ui.has_rows(complaints, "No complaints."):
            ui.table(complaints, file_name=f"complaints_{customer_id}", key="profile_complaints")
