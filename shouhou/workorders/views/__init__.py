"""Console pages of the work-order centre, by subject: lists, create/edit, detail and actions, approvals,
settings. urls.py imports the modules directly."""
