"""Workflows: build drafts, issue, recreate, recipients reports, workspace scaffold."""
