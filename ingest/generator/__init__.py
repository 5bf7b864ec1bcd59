"""The synthetic community: a realistic, reproducible Chinese community as canonical CSV files."""
