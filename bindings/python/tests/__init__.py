"""The Python binding's tests (a package, so that its module names never clash with Tests/python)."""
