"""`congvan lint`: NĐ 30 layout checker (see congvan.layout)."""
