"""FES — Certificadora del Sur (seed 000): obtenerCertificado issues a real PKCS#12."""
