"""The reconciliation screen (ITRAC per entry against the accounts-payable file)."""

from itrac_tui.tui.screens.reconcile.screen import ReconcileScreen

__all__ = ["ReconcileScreen"]
