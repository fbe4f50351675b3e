"""The letter's content: assessment of scores and the template context of one letter (pure)."""
