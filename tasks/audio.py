"""Audio render tasks (thin wrappers over hotline.prompts and audio)."""
