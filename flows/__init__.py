"""The workers' flows and steps. Importing them composes the domain's features (approvals/rooms.py):
a worker runs the same registered hooks as the app."""

from approvals.rooms import compose

compose()
