"""The first schema: access log, KPI notes and initiatives, assessment rounds, responses,
answers and the questions admins add.

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

EMAIL = 320


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_email", sa.String(EMAIL), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("page", sa.String(64), nullable=False),
        sa.Column("filters", sa.Text, nullable=False),
    )
    op.create_index("access_log_at", "access_log", ["at"])
    op.create_table(
        "kpi_notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kpi", sa.String(64), nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("filters", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("author", sa.String(EMAIL), nullable=False),
        sa.Column("author_role", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("kpi_notes_period", "kpi_notes", ["period_start", "period_end", "kpi"])
    op.create_table(
        "initiatives",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kpi", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("due_on", sa.Date),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_by", sa.String(EMAIL), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(EMAIL), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("initiatives_kpi", "initiatives", ["kpi"])
    op.create_table(
        "assessment_rounds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("opens_on", sa.Date, nullable=False),
        sa.Column("closes_on", sa.Date, nullable=False),
        sa.Column("created_by", sa.String(EMAIL), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "assessment_responses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("round_id", sa.Integer, sa.ForeignKey("assessment_rounds.id"), nullable=False),
        sa.Column("respondent", sa.String(EMAIL), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("regions", sa.String(400), nullable=False),
        sa.Column("level", sa.String(40)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("round_id", "respondent"),
    )
    op.create_table(
        "assessment_answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("response_id", sa.Integer, sa.ForeignKey("assessment_responses.id"), nullable=False),
        sa.Column("question", sa.String(64), nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("dont_know", sa.Boolean, nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("response_id", "question"),
    )
    op.create_table(
        "assessment_added_questions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("theme", sa.String(64), nullable=False),
        sa.Column("text", sa.String(300), nullable=False),
        sa.Column("scale", sa.String(16), nullable=False),
        sa.Column("from_round_id", sa.Integer, sa.ForeignKey("assessment_rounds.id")),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.String(EMAIL), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("assessment_added_questions", "assessment_answers", "assessment_responses",
                  "assessment_rounds", "initiatives", "kpi_notes", "access_log"):
        op.drop_table(table)
