"""`hthc diff`: a response at two revisions of the workspace, as a redline or a summary."""
