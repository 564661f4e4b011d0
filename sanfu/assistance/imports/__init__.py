"""Importing the bodies' spreadsheets: reading, mapping columns, checking each row, writing."""
