"""Customers: the list behind the current filters (paged, sortable, searchable, CSV download),
and with ?customer=ID one customer's profile."""
from crm import customers
from crm.frame import frame

page = frame("Customers", ":material/groups:")
customers.show(page)
