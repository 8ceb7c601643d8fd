"""Alembic environment: migrations run on the connection crm.appstate.db.migrate passes in."""
from alembic import context

connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    # Replicas starting together: one migrates, the others wait here, then find nothing to do.
    connection.exec_driver_sql("SELECT pg_advisory_xact_lock(190019)")
context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
