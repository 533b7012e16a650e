"""The Textual workbench: screens, widgets and the app (pure UI over the core)."""
