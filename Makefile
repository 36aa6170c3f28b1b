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

## package: the Lambda code and its dependencies for Python 3.12 on arm64, where template.yaml points
package: $(STAMP)
	rm -rf .aws-build/lambda && mkdir -p .aws-build/lambda
	$(PY) -m pip install --quiet --target .aws-build/lambda --platform manylinux2014_aarch64 \
		--implementation cp --python-version 3.12 --only-binary=:all: \
		$$($(PY) -c "import tomllib; print(' '.join(tomllib.load(open('pyproject.toml','rb'))['project']['dependencies']))")
	cp -r functions .aws-build/lambda/
	find .aws-build/lambda -name __pycache__ -prune -exec rm -rf {} +
	du -sh .aws-build/lambda

## deploy: package, then sam deploy (needs AWS credentials and the SAM CLI); uploads web/
deploy: package
	sam deploy --guided --capabilities CAPABILITY_IAM
	aws s3 sync web/ s3://$$(aws cloudformation describe-stacks --stack-name $${STACK:-portal} \
		--query "Stacks[0].Outputs[?OutputKey=='SiteBucketName'].OutputValue" --output text)/ --delete

clean:
	rm -rf $(VENV) .aws-build .mypy_cache .ruff_cache .pytest_cache test-artifacts
