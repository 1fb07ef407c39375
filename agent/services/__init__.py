"""Deterministic domain services: the database decides approvals, schedules and publications, never the model."""
