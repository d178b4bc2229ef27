"""The phone pages under /m/, split by subject (DESIGN §3)."""
