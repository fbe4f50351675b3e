"""The outgoing-document register (sổ văn bản đi): store, schema, records, exports."""
