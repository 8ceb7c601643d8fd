"""The dashboard's one error type: every problem a user can be told about derives from CrmError
(a query file, the warehouse, an import, the roles file, a query's limits), so the pages and the
command line catch one thing and show its message, which names what is wrong and where."""


class CrmError(Exception):
    """A problem with a message for the user; anything else is a bug, logged with a reference."""
