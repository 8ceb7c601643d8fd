"""CRM maturity self-assessment: answer the questionnaire (with the data's evidence beside each
question), see your answers, and, with the right, the results and the rounds (crm.assessment_view)."""
from crm import access, assessment_view
from crm.frame import frame

page = frame("CRM maturity self-assessment", ":material/fact_check:")

assessment_view.draw(page, access.current())
