"""hthc review import: a reviewed .docx read back into the workspace."""
