# The team's vocabulary: make run, make test (and lint, unit, api, e2e, package, deploy).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# checkov pins dependencies (an old boto3) the project's venv cannot share: it gets a venv of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV_SPEC := checkov>=3.2,<4
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-$(shell echo '$(CHECKOV_SPEC)' | cksum | cut -d' ' -f1)
# AWS's SAM translator pins a pydantic the functions cannot share: it too gets a venv of its own.
SAM_VENV := .venv-sam
SAM_SPEC := aws-sam-translator==1.115.0 pyyaml>=6,<7
SAM_STAMP := $(SAM_VENV)/.installed-$(shell echo '$(SAM_SPEC)' | cksum | cut -d' ' -f1)

.PHONY: run test lint security unit api e2e fuzz load lock cfn-lint openapi events-doc cloudformation package preflight deploy clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

$(CHECKOV_STAMP):
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet '$(CHECKOV_SPEC)'
	@rm -f $(CHECKOV_VENV)/.installed-* && touch $@

$(SAM_STAMP):
	@test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet $(foreach spec,$(SAM_SPEC),'$(spec)')
	@rm -f $(SAM_VENV)/.installed-* && touch $@

## run: the whole portal locally on http://127.0.0.1:8000 (Ctrl-C stops it)
run: $(STAMP)
	$(PY) -m infra.local

## test: linters, security scans, template checks, unit, API (with a bounded fuzz) and browser tests
## (the three venvs installed side by side; the linters and the scans, one process each, beside the
## unit tests on two; then the API and the browser tests side by side, each on two processes: they
## mostly wait for their local stacks and browsers)
test:
	$(MAKE) --no-print-directory -j3 $(STAMP) $(CHECKOV_STAMP) $(SAM_STAMP)
	$(MAKE) --no-print-directory -j3 --output-sync=target lint security unit
	$(MAKE) --no-print-directory -j2 --output-sync=target api e2e

lint: $(STAMP)
	$(VENV)/bin/ruff check functions infra tests benchmarks
	$(VENV)/bin/ruff format --check functions infra tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/cfn-lint template.yaml
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/deploy.yml

## security: checkov on template.yaml (findings fixed or justified on their resource), bandit on the
## code, pip-audit on the Lambda lock file (fails on a known vulnerability; a package the index cannot
## tell about is listed as "could not be audited")
security: $(STAMP) $(CHECKOV_STAMP)
	$(CHECKOV_VENV)/bin/checkov -f template.yaml --framework cloudformation --skip-download --quiet --compact
	@# bandit, without its warnings that a multi-line statement's other lines carry no issue for its # nosec
	$(PY) -c "import logging, sys; logging.disable(logging.WARNING); from bandit.cli.main import main; \
		sys.argv = ['bandit', '-r', 'functions', 'infra', '-q']; main()"
	$(VENV)/bin/pip-audit -r requirements/lambda.txt --require-hashes --disable-pip --progress-spinner off

## lock: resolve pyproject.toml's dependencies for the Lambda runtime into requirements/lambda.txt
lock: $(STAMP)
	$(PY) -m infra.lock

unit: $(STAMP) $(SAM_STAMP)
	$(PY) -m pytest tests/unit -q -n 2

api: $(STAMP)
	$(PY) -m pytest tests/api -q -n 2

# Two processes, each with its own local stack and browser on free ports; a file's tests stay in
# one process (module fixtures: a consumer and their data built once per file).
e2e: $(STAMP)
	$(PY) -m pytest tests/e2e -q -n 2 --dist loadfile

## fuzz: the API fuzzed from its OpenAPI document with 1000 new examples per operation (~4 min)
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-1000} FUZZ_RANDOM=1 $(PY) -m pytest tests/api/test_api_fuzz.py -q

## load: a consumer mix against the local stack with Locust (headless, bounded): req/s, p50/p95/p99
load: $(STAMP)
	$(PY) benchmarks/load.py

## openapi: the OpenAPI document docs/openapi.json and the integrators' installable typed client
## clients/portal-integration-client/ (openapi-python-client; package portal_integration), both generated
## from the code; commit both (tests/unit/test_openapi.py fails when either drifts); the docs function
## serves that file as it is. Also builds the client's wheel into .aws-build/clients/ (not committed)
openapi: $(STAMP)
	$(PY) -m infra.openapi

## events-doc: docs/events.md, the schema of the events for integrators, from functions/common/events.py
## (tests/unit/test_events.py fails when it drifts)
events-doc: $(STAMP)
	$(PY) -m infra.events_doc

## package: one folder per function, .aws-build/<Function>/ (its CodeUri in template.yaml), holding only
## that function's code and dependencies for the template's runtime (Python 3.12, arm64); prints sizes
package: $(STAMP)
	$(PY) -m infra.package
	$(PY) -m infra.site

## cloudformation: template.yaml as `sam deploy` hands it to CloudFormation, by AWS's own translator
## (.aws-build/cloudformation.json), checked by cfn-lint (tests/unit/test_deploy.py checks its resources)
## (no $(STAMP): the unit tests run it, and must not reinstall the venv they run in)
cloudformation: $(SAM_STAMP)
	$(SAM_VENV)/bin/python -m infra.translate
	$(VENV)/bin/cfn-lint .aws-build/cloudformation.json --ignore-checks W3005

## deploy: ENV=staging or ENV=prod (samconfig.toml's environments; staging first, then prod):
## infra/preflight.py checks the stack's parameters (samconfig.toml's parameter_overrides and
## environment variables named after them: MAIL_SENDER, PORTAL_URL, ASKUE_BASE_URL, ALARM_EMAIL,
## OPERATOR_NAME, OPERATOR_ADDRESS, OPERATOR_INN, PERSONAL_DATA_OFFICER, PERSONAL_DATA_OFFICER_CONTACT,
## optionally DOMAIN_NAMES and CERTIFICATE_ARN...) and stops, naming each one missing or a placeholder,
## before anything is built; then package, translate and lint, sam deploy (needs AWS credentials
## and the SAM CLI), and the site as shipped (.aws-build/site: assets/<release>/ cached a year,
## index.html not cached and invalidated on CloudFront: infra/publish.py). docs/operations.md.
deploy: preflight package cloudformation
	$(PY) -m infra.deploy --env $(ENV)

preflight: $(STAMP)
	$(PY) -m infra.preflight --env "$(ENV)"

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) $(SAM_VENV) .aws-build .mypy_cache .ruff_cache .pytest_cache .hypothesis test-artifacts
