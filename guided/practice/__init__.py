"""Practising: preparing a script for listening (clips, then the exact timeline), the
session log of each listening session, and multi-week journeys."""
