"""Writing: file decisions that never overwrite an edit, lock, manifest, register, check report."""
