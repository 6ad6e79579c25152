"""The simulator: a seeded year of applications (``plan``), replayed day by day through the
real services (``replay``, ``participation``). It sits above the domain and the flows and below
the CLI: the domain never imports it."""

from approvals.rooms import compose

compose()  # the features registered with the shared case logic, as in the app
