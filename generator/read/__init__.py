"""Reading: files -> raw rows with their location; column mapping; value parsing; validation into records."""
