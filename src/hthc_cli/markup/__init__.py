"""The workspace's one Markdown dialect, as markdown-it token rules.

Check walks the tokens that the writers consume; nothing else parses a text.
"""
