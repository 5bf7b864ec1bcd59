"""Text processing for Chinese community data: tokenisation for search, petition extraction."""
