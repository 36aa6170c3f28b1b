"""What the session authorizer costs a consumer's request, against the route it guards.

On AWS, API Gateway runs the authorizer (functions/authorizer) once per token per 60 s
(`ReauthorizeEvery`) and caches its answer; locally it runs before every consumer request. Both
sides run warm in this process against moto, interleaved, and the medians are compared:

- authorizer: an ID token verified (RS256, the pool's JWKS already read) + one consistent GetItem;
- floor: `GET /api/profile` itself, the cheapest consumer read (one GetItem + Powertools' resolver).

    .venv/bin/python benchmarks/authorizer.py [--rounds 300]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    rounds = parser.parse_args().rounds

    from benchmarks.moto_world import moto_world
    from infra.lambda_runtime import LambdaContext

    with moto_world():
        import functions.auth.handler as auth
        from functions.authorizer import handler as authorizer
        from tests.unit.conftest import api_event, pool_keys_served
        from tests.unit.test_sessions import create_account, log_in

        create_account()
        token = log_in()["id_token"]
        event = {
            "type": "TOKEN",
            "authorizationToken": f"Bearer {token}",
            "methodArn": "arn:aws:execute-api:eu-central-1:123456789012:bench/prod/GET/api/profile",
        }
        with pool_keys_served():
            context = authorizer.lambda_handler(event, LambdaContext("SessionAuthorizerFunction"))["context"]
            profile = api_event("GET", "/api/profile", claims=context)

            def authorize() -> None:
                authorizer.lambda_handler(event, LambdaContext("SessionAuthorizerFunction"))

            def read_profile() -> None:
                assert auth.lambda_handler(profile, LambdaContext("AuthFunction"))["statusCode"] == 200

            sides: dict[str, list[float]] = {"authorizer": [], "GET /api/profile": []}
            for _ in range(rounds):
                for name, run in (("authorizer", authorize), ("GET /api/profile", read_profile)):
                    began = time.perf_counter()
                    run()
                    sides[name].append((time.perf_counter() - began) * 1000)

    medians = {name: statistics.median(times) for name, times in sides.items()}
    print(f"{'warm, in process, moto':<28} {'median ms':>10}")
    for name, value in medians.items():
        print(f"{name:<28} {value:>10.2f}")
    ratio = medians["authorizer"] / medians["GET /api/profile"]
    print(
        f"\nauthorizer / the route it guards: {ratio:.2f} "
        f"(on AWS paid once per token per 60 s, locally on every request)"
    )


if __name__ == "__main__":
    main()
