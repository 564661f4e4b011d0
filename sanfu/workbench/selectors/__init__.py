"""Reads for the staff workbench, by subdomain: queues and lists, one case, supervision, the
dashboard. Every read starts from `Case.objects.visible_to(user)` or a selector built on it."""
