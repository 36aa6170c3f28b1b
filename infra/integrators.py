"""The integrators' keys: issued for the local stack, rotated by an operator in AWS.

Rotation (README, «Integrators»), with the stack's credentials in the shell:

    python -m infra.integrators rotate crm --table <IntegratorKeysTable> --overlap-hours 24

prints the new key once (only its SHA-256 is stored); the integrator's older keys keep working for
the overlap (the stack's `IntegratorKeyOverlapHours`, 24 by default; 0 ends them at once: a key that
leaked). The integrator must be named in the template's `Integrators` parameter, with its scopes.
"""

import argparse
import os
from collections.abc import Iterable, Mapping

from functions.authorizer.integrator_keys import IntegratorKeyStore
from functions.common.integrators import parse_integrators


def local_key(integrator: str, prefix: str) -> str:
    """A local integrator's key, known in advance so that examples and tests can use it."""
    return f"{prefix}-{integrator}-key"


def issue_local_keys(parameters: Mapping[str, str], prefix: str) -> dict[str, str]:
    """Issues each integrator of the `Integrators` parameter its local key (the functions' environment
    must name the IntegratorKeysTable); returns name -> key."""
    keys = {name: local_key(name, prefix) for name in parse_integrators(parameters["Integrators"])}
    store = IntegratorKeyStore()
    for name, key in keys.items():
        store.rotate(name, 0, key=key)
    return keys


def keys_banner(keys: Mapping[str, str], integrators: str) -> Iterable[str]:
    """One line per integrator: its key and scopes, as `make run` prints them."""
    scopes = parse_integrators(integrators)
    width = max((len(name) for name in keys), default=0)
    for name, key in keys.items():
        yield f"{name:<{width}}  x-api-key: {key}   ({' '.join(sorted(scopes[name]))})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m infra.integrators", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    rotate = commands.add_parser(
        "rotate", help="issue a new key to an integrator; older keys end after the overlap"
    )
    rotate.add_argument("integrator")
    rotate.add_argument("--table", required=True, help="the stack's IntegratorKeysTable (its output)")
    rotate.add_argument("--overlap-hours", type=float, required=True, help="how long older keys keep working")
    args = parser.parse_args(argv)
    os.environ["INTEGRATOR_KEYS_TABLE"] = args.table
    key = IntegratorKeyStore().rotate(args.integrator, int(args.overlap_hours * 3600))
    print(f"Новый ключ {args.integrator}: {key}")
    ending = f"{args.overlap_hours:g} ч (и до 60 с кэша авторизатора)"
    print(f"Прежние ключи {args.integrator} действуют ещё {ending}.")


if __name__ == "__main__":
    main()
