"""The one Jinja sandbox, .docx templates compiled once and rendered fast, clerk-written texts."""
