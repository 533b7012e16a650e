"""Headless commands (scan, export, reconcile): thin wrappers over the core."""
