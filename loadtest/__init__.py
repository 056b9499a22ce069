"""Load test of the reporting period (issue 5): ``make loadtest`` runs ``loadtest/run.py``."""
