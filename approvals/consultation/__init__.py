"""靠前服务 (提前介入): pre-application consultations — a planned project registered by an
enterprise (or its agent), an assigned officer, booked consultation slots with reminders, the
written guidance (指导意见) and the applications that later link to the project."""
