# The two commands of the README's Quick start, and a few for working on the code.
.PHONY: demo test check fix messages

demo:  ## install, load the demo county into SQLite and serve it on http://127.0.0.1:8000
	scripts/demo.sh $(ARGS)

test:  ## every check and every test, on SQLite and on a real PostgreSQL server
	scripts/test.sh

check:  ## lint, types and migrations only
	scripts/test.sh --checks-only

fix:  ## apply ruff's fixes and formatting
	scripts/uv.sh run ruff check --fix .
	scripts/uv.sh run ruff format .

messages:  ## refresh the Chinese catalogue after changing strings, then compile it
	SANFU_DEBUG=true .venv/bin/python scripts/messages.py extract
	SANFU_DEBUG=true .venv/bin/python scripts/messages.py compile
