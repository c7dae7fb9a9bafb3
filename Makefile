# The two commands of README.md.
.PHONY: demo test bench
demo:  ## set up and run the web app with demo data on SQLite (http://127.0.0.1:8000)
	bash scripts/demo.sh
test:  ## set up and run ruff, mypy and the suite on SQLite and PostgreSQL (what CI runs)
	bash scripts/test.sh
bench:  ## the PostgreSQL benchmark at 1,000,000 cadres (docs/benchmarks.md)
	bash scripts/setup.sh && .venv/bin/python -m bench.run --cadres 1000000 --units 20000
