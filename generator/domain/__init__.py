"""The domain: the field registry, records, findings and errors. Imports nothing else of ours."""
