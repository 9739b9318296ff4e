"""The three services, one package each (moto's layout: tables, models, routes), and the
registry that tells which service a path belongs to."""
