"""容缺受理: accepting an application with named non-key materials owed on a signed commitment.

The rules are data (``rules.yaml``, each with its evidence marker); ``gate`` is what the case
workflow calls (one call at submission, one at sign-off); ``commitments`` is the applicant's
and the sweep's side; ``credit_list`` is the bad-credit list staff load."""
