"""Administration by the bureau's system administrator (Role.ADMIN): staff accounts and their
roles, the expert pool, the holiday schedules. The JSON API and the /admin pages call these
same functions; every change appends an audit event. Functions flush, never commit."""
