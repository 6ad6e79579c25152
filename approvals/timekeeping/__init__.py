"""Working days (the State Council schedule and staff-loaded days) and the statutory clock of
a case."""
