"""The system app has no models of its own: the system log is core.audit.SystemLog and the data jobs
are core.jobs.DataJob (both moved in issue 9, keeping their tables)."""
