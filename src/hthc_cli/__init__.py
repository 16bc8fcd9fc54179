"""hthc: keep a policy team's positions as code; check them and render the response."""

__version__ = "0.1.0"
