# The team's vocabulary: make run, make test (and lint, unit, api, e2e, package, deploy).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint unit api e2e cfn-lint openapi package deploy clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

## run: the whole portal locally on http://127.0.0.1:8000 (Ctrl-C stops it)
run: $(STAMP)
	$(PY) -m infra.local

## test: linters, template checks, unit, API and browser tests
test: lint unit api e2e

lint: $(STAMP)
	$(VENV)/bin/ruff check functions infra tests benchmarks
	$(VENV)/bin/ruff format --check functions infra tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/cfn-lint template.yaml

unit: $(STAMP)
	$(PY) -m pytest tests/unit -q

api: $(STAMP)
	$(PY) -m pytest tests/api -q

e2e: $(STAMP)
	$(PY) -m pytest tests/e2e -q

## package: one folder per function, .aws-build/<Function>/ (its CodeUri in template.yaml), holding only
## that function's code and dependencies for the template's runtime (Python 3.12, arm64); prints sizes
package: $(STAMP)
	$(PY) -m infra.package

## deploy: package, then sam deploy (needs AWS credentials and the SAM CLI); uploads web/
deploy: package
	sam deploy --guided --capabilities CAPABILITY_IAM
	aws s3 sync web/ s3://$$(aws cloudformation describe-stacks --stack-name $${STACK:-portal} \
		--query "Stacks[0].Outputs[?OutputKey=='SiteBucketName'].OutputValue" --output text)/ --delete

clean:
	rm -rf $(VENV) .aws-build .mypy_cache .ruff_cache .pytest_cache test-artifacts
