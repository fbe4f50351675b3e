"""The workspace configuration (congvan.toml) and the declared schemas of every TOML file clerks edit."""

from congvan.config.office import REGISTER_URL_ENV
from congvan.config.workspace import (
    CONFIG_NAME,
    Agency,
    AssessmentSettings,
    GeneralSection,
    LetterSettings,
    RecipientSettings,
    Signer,
    Workspace,
    check_targets,
    load_workspace,
)

__all__ = [
    "CONFIG_NAME",
    "REGISTER_URL_ENV",
    "Agency",
    "AssessmentSettings",
    "GeneralSection",
    "LetterSettings",
    "RecipientSettings",
    "Signer",
    "Workspace",
    "check_targets",
    "load_workspace",
]
