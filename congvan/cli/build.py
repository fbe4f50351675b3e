"""`congvan build` and `congvan init`."""
