"""The domain: the field registry, records, findings and errors, and when Ctrl-C may strike
(interrupts). Imports nothing else of ours."""
