"""The staff workbench's pages. Each parses its input, calls one selector or service, renders."""
