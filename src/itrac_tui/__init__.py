"""itrac-tui: a terminal workbench for IEEPA refunds from ACE ITRAC exports."""

__version__ = "0.1.0"
