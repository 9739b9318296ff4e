"""Firma Virtual — WSFV (seed 001) and the calls CHILE_2026.md shows it answering today
(create-contract-express, callbacks)."""
