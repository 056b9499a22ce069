"""Load test of the reporting period: ``make loadtest`` runs ``loadtest/run.py``."""
