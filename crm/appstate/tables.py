"""The app-state tables, as SQLAlchemy Core objects for queries. The schema itself is created
and changed by the migrations (crm/appstate/migrations/versions); keep the two in step."""
import sqlalchemy as sa

metadata = sa.MetaData()
EMAIL = 320  # longest e-mail address

access_log = sa.Table(
    "access_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user_email", sa.String(EMAIL), nullable=False),
    sa.Column("role", sa.String(64), nullable=False),
    sa.Column("page", sa.String(64), nullable=False),
    sa.Column("filters", sa.Text, nullable=False),
)

kpi_notes = sa.Table(
    "kpi_notes", metadata,
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

initiatives = sa.Table(
    "initiatives", metadata,
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

rounds = sa.Table(
    "assessment_rounds", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("opens_on", sa.Date, nullable=False),
    sa.Column("closes_on", sa.Date, nullable=False),
    sa.Column("created_by", sa.String(EMAIL), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

responses = sa.Table(
    "assessment_responses", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("round_id", sa.Integer, sa.ForeignKey("assessment_rounds.id"), nullable=False),
    sa.Column("respondent", sa.String(EMAIL), nullable=False),
    sa.Column("role", sa.String(64), nullable=False),
    sa.Column("regions", sa.String(400), nullable=False),
    sa.Column("level", sa.String(40)),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("round_id", "respondent"),
)

answers = sa.Table(
    "assessment_answers", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("response_id", sa.Integer, sa.ForeignKey("assessment_responses.id"), nullable=False),
    sa.Column("question", sa.String(64), nullable=False),
    sa.Column("score", sa.Float),
    sa.Column("dont_know", sa.Boolean, nullable=False),
    sa.Column("text", sa.Text),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("response_id", "question"),
)

added_questions = sa.Table(
    "assessment_added_questions", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("theme", sa.String(64), nullable=False),
    sa.Column("text", sa.String(300), nullable=False),
    sa.Column("scale", sa.String(16), nullable=False),
    sa.Column("from_round_id", sa.Integer, sa.ForeignKey("assessment_rounds.id")),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_by", sa.String(EMAIL), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
