"""CFDI — Prodigia / PADE: the integration API of seed 002 (2020) and today's REST methods
(``shared/design/PRODIGIA_2026.md``): stamping, the 4.0 CSV, sealing, cancelling, SAT status."""
