"""Practising: preparing a script for listening (clips, then the exact timeline), the
session log of each listening session and the recorder that keeps it while the
player plays, and multi-week journeys."""
