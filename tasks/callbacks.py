"""Callback dispatch tasks (thin wrappers over hotline.callbacks)."""
