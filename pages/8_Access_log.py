"""Access log: who opened which page with which filters, and when (admins only, see roles.toml)."""
from crm import access, ui
from crm.frame import frame

page = frame("Access log", ":material/policy:")

log = access.read_log()
if log.empty:
    ui.empty("Nobody has opened a page yet.")
else:
    ui.table(log, file_name="access_log", key="access_log")
