"""Roles and region clamping (pure functions on hand-made values), and every page as every role.
Personal data and consent: tests/test_privacy.py."""
import pandas as pd
import pytest

from crm import access
from conftest import ROOT, open_page

ROLES = access.load_roles(ROOT / ".streamlit" / "roles.toml")


def test_the_shipped_roles_file_gives_the_default_roles():
    executive = access.scope_for(ROLES, "ceo@example.com")
    manager = access.scope_for(ROLES, "Ana.Garcia@example.com".lower())
    analyst = access.scope_for(ROLES, "someone@example.com", groups=["staff", "crm-analysts"])
    admin = access.scope_for(ROLES, "admin@example.com")
    assert (executive.regions, executive.personal_data, executive.may_open("query_library")) == (None, True, False)
    assert (manager.regions, manager.may_open("overview"), manager.may_open("data")) == (("Iberia",), True, False)
    assert (analyst.role, analyst.personal_data, analyst.may_open("query_library")) == ("analyst", False, True)
    assert admin.pages is None and admin.may_open("data") and admin.may_open("access_log")
    assert access.scope_for(ROLES, "stranger@example.com", groups=["staff"]) is None


@pytest.mark.parametrize("selected, expected", [
    ([], ["DACH", "Nordics"]),                 # "all" for a restricted user means all of theirs
    (["Nordics"], ["Nordics"]),
    (["Iberia"], ["DACH", "Nordics"]),         # a region from the URL outside theirs is dropped
    (["Iberia", "DACH"], ["DACH"]),
])
def test_regions_are_clamped_to_the_users_regions(selected, expected):
    manager = access.scope_for(ROLES, "jurgen.gross@example.com")
    assert manager.clamp_regions(selected) == expected
    assert manager.clamp({"regions": selected, "segments": []})["regions"] == expected
    assert access.scope_for(ROLES, "ceo@example.com").clamp_regions(selected) == selected


def test_a_roles_file_with_an_unknown_role_is_refused(tmp_path):
    path = tmp_path / "roles.toml"
    path.write_text('[roles.admin]\npages = "*"\n[users."x@example.com"]\nrole = "boss"\n')
    with pytest.raises(access.RolesFileError, match=r"users.x@example.com has unknown role 'boss'"):
        access.load_roles(path)


# --- enforced in the running app (AppTest with a signed-in user) ------------------------------


from streamlit.testing.v1 import AppTest  # noqa: E402

from crm import catalog, warehouse  # noqa: E402
from crm.parameters import default_values  # noqa: E402

PAGES = ["dashboard.py", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))]
USERS = list(ROLES["users"])


def open_as(email: str, page: str = "dashboard.py", **params) -> AppTest:
    return open_page(page, params, user={"is_logged_in": True, "email": email})


@pytest.mark.parametrize("email", USERS)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_as_every_role(app_env, email, page):
    from crm.site import PAGES, page_id
    scope = access.scope_for(ROLES, email)
    at = open_as(email, page)
    assert not at.exception, [e.value for e in at.exception]
    refused = any("may not open this page" in e.value for e in at.error)
    assert refused != scope.may_open(page_id(page))
    listed = {link.proto.label for link in at.sidebar.get("page_link")}
    assert listed == {label for path, label, _ in PAGES if scope.may_open(page_id(path))}  # closed pages unlisted


def tiles(at: AppTest) -> list[str]:
    return [m.value for m in at.metric]


def test_a_sales_manager_sees_the_numbers_of_their_region_only(app_env):
    manager = tiles(open_as("ana.garcia@example.com"))
    admin_iberia = tiles(open_as("admin@example.com", region="Iberia"))
    assert manager == admin_iberia and manager != tiles(open_as("admin@example.com"))
    asks_for_dach = open_as("ana.garcia@example.com", region="DACH")
    assert tiles(asks_for_dach) == admin_iberia  # the URL cannot widen the view
    assert any("outside the regions you may see" in w.value for w in asks_for_dach.warning)
    assert asks_for_dach.sidebar.multiselect[0].options == ["Iberia"]


def test_an_unknown_user_gets_no_data(app_env):
    at = open_as("stranger@example.com")
    assert not at.exception and not at.metric
    assert any("has no role" in e.value for e in at.error)


def in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in a fixed order (a query without ORDER BY may return them in any order)."""
    return frame.sort_values(list(frame.columns), na_position="last").reset_index(drop=True)


def test_every_query_file_is_clamped_to_the_users_regions(demo_warehouse):
    """For each query file: a sales manager asking for all regions, or for another region, gets
    exactly what an unrestricted user gets for the manager's region, and no other region."""
    con = warehouse.connect(warehouse.current_path(demo_warehouse))
    values = default_values(warehouse.info(con))
    manager = access.scope_for(ROLES, "jurgen.gross@example.com")
    for query_id, query in catalog.load(ROOT / "queries").items():
        assert isinstance(query, catalog.Query), query
        if "regions" not in query.parameters:
            continue
        own = warehouse.run(con, query.sql, query.bind({**values, "regions": ["DACH", "Nordics"]})).frame
        for asked in ([], ["Iberia"]):
            got = warehouse.run(con, query.sql, query.bind(manager.clamp({**values, "regions": asked}))).frame
            pd.testing.assert_frame_equal(in_order(got), in_order(own), rtol=1e-9, obj=query_id)
        if "region" in own.columns:
            assert set(own["region"]) <= {"DACH", "Nordics"}, query_id


def test_the_access_log_records_page_views_for_the_admin(app_env):
    open_as("ana.garcia@example.com", region="DACH")
    at = open_as("admin@example.com", "pages/8_Access_log.py")
    assert not at.exception
    log = at.dataframe[0].value
    ana = log[log["user"] == "ana.garcia@example.com"].iloc[0]
    assert (ana["role"], ana["page"]) == ("sales_manager", "overview") and "DACH" in ana["filters"]


def test_every_result_loses_the_rows_of_regions_the_user_may_not_see():
    # A query that ignores $regions (an analyst's own file, a staff table) still cannot show a
    # restricted manager another region's row: crm.data.for_scope drops it.
    from crm import data
    frame = pd.DataFrame({"region": ["DACH", "Iberia", "Nordics", None], "staff_count": [5, 7, 11, 23]})
    jurgen = access.scope_for(ROLES, "jurgen.gross@example.com")  # DACH and Nordics
    assert data.for_scope(frame, jurgen).fillna("-").values.tolist() == [["DACH", 5], ["Nordics", 11], ["-", 23]]
    analyst = access.scope_for(ROLES, "analyst@example.com")  # every region, no personal data
    assert data.for_scope(frame, analyst).equals(frame)


def test_view_as_survives_a_page_change_and_a_reload_and_the_scope_is_shown(app_env):
    at = open_page("dashboard.py")
    box = next(s for s in at.sidebar.selectbox if s.label == "View as (demo mode)")
    box.set_value("ana.garcia@example.com").run()
    assert at.query_params["as"] == "ana.garcia@example.com"  # a reload opens the same user
    assert "**Iberia only** (the regions your role sees)" in at.caption[0].value
    at.switch_page("pages/6_Customers.py").run()
    assert not at.exception
    assert next(s for s in at.sidebar.selectbox if s.label == "View as (demo mode)").value == "ana.garcia@example.com"
    assert "Iberia only" in at.caption[0].value
    reloaded = open_page("pages/6_Customers.py", {"as": "ana.garcia@example.com"})
    assert "Iberia only" in reloaded.caption[0].value
    assert "only" not in open_page("dashboard.py", {"as": "no.such.user@example.com"}).caption[0].value  # admin
