"""Access log: who opened which page with which filters, and when (admins only, see roles.toml).
Kept in the app's own database (crm.appstate), shared by every replica."""
from crm import access, appstate, ui
from crm.frame import frame

page = frame("Access log", ":material/policy:")

try:
    log = access.read_log()
except Exception as error:  # noqa: BLE001 - the app's database is down or misconfigured
    ui.query_error(RuntimeError(f"the app's database {appstate.describe()} cannot be read: {error}"))
else:
    if log.empty:
        ui.empty("Nobody has opened a page yet.")
    else:
        ui.table(log, file_name="access_log", key="access_log")
