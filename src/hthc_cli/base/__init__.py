"""The base layer: locations, diagnostics and the code table, errors, labels, suggestions.

It imports nothing else of hthc_cli; every other layer may import it.
"""
