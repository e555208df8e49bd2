"""Business rules of the OPP: deadlines, who signs, document links, per-student signals."""
