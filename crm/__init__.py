"""CRM executive dashboard: the library behind the Streamlit pages."""
