"""Intake and review: the shared case logic every process kind runs on."""
