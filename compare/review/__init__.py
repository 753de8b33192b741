"""Review: analysts' decisions and the effective coverage matrix."""
