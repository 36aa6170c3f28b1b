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

.PHONY: run test lint security unit api e2e fuzz load lock cfn-lint openapi events-doc cloudformation package deploy clean

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
## (the linters and the scans side by side: each is one process; the suites each on two processes)
test: $(STAMP) $(CHECKOV_STAMP) $(SAM_STAMP)
	$(MAKE) --no-print-directory -j2 --output-sync=target lint security
	$(MAKE) --no-print-directory unit api e2e

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

## openapi: the OpenAPI document docs/openapi.json and the integrators' typed client
## clients/portal_integration/ (openapi-python-client), both generated from the code; commit both
## (tests/unit/test_openapi.py fails when either drifts); the docs function serves that file as it is
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

## deploy: package, then sam deploy with samconfig.toml (needs AWS credentials and the SAM CLI;
## ALARM_EMAIL, required, is where the alarms are mailed; OPERATOR_NAME, OPERATOR_ADDRESS, OPERATOR_INN,
## PD_OFFICER, PD_OFFICER_CONTACT, required, are the facts the personal-data policy states (no
## ASCII double quote in them); STACK overrides the stack name); uploads
## the site as shipped (.aws-build/site/: web/ with its JS and CSS minified by infra/site.py)
# template.yaml's AlarmEmail has no default: a deploy without it is refused before anything is built.
ifneq ($(filter deploy,$(MAKECMDGOALS)),)
ifeq ($(strip $(ALARM_EMAIL)),)
$(error make deploy needs ALARM_EMAIL, the address the portal's alarms are mailed to (template.yaml's AlarmEmail has no default), e.g. ALARM_EMAIL=ops@your-company.ru make deploy)
endif
# The personal-data policy's facts (template.yaml's Operator* and PersonalDataOfficer* have no default).
ifneq ($(strip $(OPERATOR_NAME)),)
ifneq ($(strip $(OPERATOR_ADDRESS)),)
ifneq ($(strip $(OPERATOR_INN)),)
ifneq ($(strip $(PD_OFFICER)),)
ifneq ($(strip $(PD_OFFICER_CONTACT)),)
OPERATOR_FACTS_GIVEN = yes
endif
endif
endif
endif
endif
ifneq ($(OPERATOR_FACTS_GIVEN),yes)
$(error make deploy needs the facts the personal-data policy states: OPERATOR_NAME, OPERATOR_ADDRESS, OPERATOR_INN, PD_OFFICER (the person responsible for personal data, 152-ФЗ ст. 22.1) and PD_OFFICER_CONTACT (README, «Deploying»))
endif
endif
deploy: package cloudformation
	sam deploy --stack-name $${STACK:-portal} --parameter-overrides "AlarmEmail=$$ALARM_EMAIL" \
		"OperatorName=\"$$OPERATOR_NAME\" OperatorAddress=\"$$OPERATOR_ADDRESS\" OperatorInn=$$OPERATOR_INN" \
		"PersonalDataOfficer=\"$$PD_OFFICER\" PersonalDataOfficerContact=\"$$PD_OFFICER_CONTACT\""
	aws s3 sync .aws-build/site/ s3://$$(aws cloudformation describe-stacks --stack-name $${STACK:-portal} \
		--query "Stacks[0].Outputs[?OutputKey=='SiteBucketName'].OutputValue" --output text)/ --delete

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) $(SAM_VENV) .aws-build .mypy_cache .ruff_cache .pytest_cache .hypothesis test-artifacts
