"""Input from members and partners taken into the workspace: an e-mail becomes an input."""
