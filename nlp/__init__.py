"""Petition text processing (extraction, classification): to come."""
