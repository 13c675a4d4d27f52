# LeadScout-ES developer tasks. `just --list` shows them.
venv := ".venv"
py := venv / "bin/python"

# create the virtualenv with the test extras
setup:
    python3 -m venv {{venv}} && {{venv}}/bin/pip install -q -e '.[test]'

# the CI subset (what .ci/run runs): everything but the slow campaigns
test: setup
    {{py}} -m pytest

# everything, including the slow crash / fault / soak campaigns
test-all: setup
    {{py}} -m pytest -m "slow or not slow"

# mypy + ruff on the package
lint: setup
    {{py}} -m mypy
    {{py}} -m ruff check leadscout_es tests benchmarks scripts

# run the speed and memory benchmarks (figures go to stdout; see docs/benchmarks.md)
bench: setup
    {{py}} benchmarks/bench_pipeline.py
    {{py}} benchmarks/bench_classifier.py
    {{py}} benchmarks/bench_sources.py
    {{py}} benchmarks/bench_projections.py

# the full crash campaign recorded in docs/reliability.md
crash-campaign: setup
    {{py}} benchmarks/crash_campaign.py --rows 100000 --kills 200

# classify the bundled sample and write every view
demo: setup
    {{venv}}/bin/leadscout-es --home .leadscout-demo ingest data/sample_leads.xlsx --job-id sample-demo --fresh
    for fmt in csv parquet sqlite xlsx; do {{venv}}/bin/leadscout-es --home .leadscout-demo project sample-demo --to $fmt; done
