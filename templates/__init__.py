"""Jinja templates of the files dockergen generates (installed as dockergen.templates)."""
