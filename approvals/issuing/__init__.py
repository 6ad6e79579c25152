"""Issuing a case's documents: numbers, contexts, the words they print."""
