"""The phone pages under /m/, split by subject (architecture §3)."""
