"""Channel detail: one channel's KPIs next to all channels, trends, customers won and lost,
top customers, complaints and its segment mix. The channel is the channel filter (?channel=...)."""
from crm import detail
from crm.frame import frame

page = frame("Channel detail", ":material/call_split:")
detail.show(page, "channel")
