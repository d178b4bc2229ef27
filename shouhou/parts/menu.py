"""Navigation entries of spare parts (GEN-04 备件管理)."""
