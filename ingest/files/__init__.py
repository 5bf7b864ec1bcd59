"""Readers of export files: delimited text in any encoding, JSON, Excel workbooks, as tables."""
