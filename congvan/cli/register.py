"""`congvan register` and `congvan issue`: the outgoing-document register (see congvan.register)."""
