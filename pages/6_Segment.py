"""Segment detail: one segment's KPIs next to all segments, trends, customers won and lost,
top customers, complaints and its channel mix. The segment is the segment filter (?segment=...)."""
from crm import detail
from crm.frame import frame

page = frame("Segment detail", ":material/pie_chart:")
detail.show(page, "segment")
