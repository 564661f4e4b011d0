"""The staff REST API at /api/ (django-ninja): the workbench's reads and actions, by token."""
