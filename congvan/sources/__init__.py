"""Inputs: the criteria catalog and the results workbooks and CSVs."""
