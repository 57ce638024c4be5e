"""Imports and exports of a cooperative's records (CSV, XLSX), from a page or the command line."""
