"""Consumer profiles in DynamoDB: one item per consumer, keyed by the Cognito `sub`."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from functions.auth.models import ProfileOutput
from functions.common.dynamo import Table, cancellation_reasons, condition_failed
from functions.common.sessions import SessionStore
from functions.common.settings import portal_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


class NoProfile(Exception):
    """The consumer has no profile with an address (none, or erased): nothing was changed."""


def _refused(error: ClientError) -> dict[str, Any] | None:
    """The profile as it was when a transaction's update of it (its first action) was refused by
    its condition (empty when there is none); None when the transaction failed otherwise."""
    reasons = cancellation_reasons(error)
    if not reasons or reasons[0].code != "ConditionalCheckFailed":
        return None
    return reasons[0].item


@dataclass(frozen=True)
class ConsumerRecord:
    """A consumer's profile as the integration reads it: erased — nothing but the id is left."""

    user_id: str
    erased: bool
    deletion_requested: bool = False
    category: str | None = None
    full_name: str | None = None
    org_name: str | None = None
    phone: str | None = None
    email: str | None = None
    registered_at: str | None = None


# Who deleted an account (`deleted_by`): the consumer, or the integrator that did it on their request
# (`integrator:support`). An account deleted before the portal kept it was deleted by its consumer.
DELETED_BY_CONSUMER = "consumer"


@dataclass(frozen=True)
class DeletionRecord:
    """Where an account stands in its deletion: its address while it has one, when and by whom it was
    deleted (None: it was not), and when its personal data were erased (None: not yet)."""

    user_id: str
    email: str | None
    deleted_at: datetime | None
    deleted_by: str | None
    erased_at: datetime | None


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


class ProfileStore:
    def __init__(self) -> None:
        self._table = Table(portal_settings().profiles_table)

    def create(self, profile: ProfileOutput, registration_job: str) -> None:
        """Stores the profile with the id of the registration job that made it (see `made_by`)."""
        item: dict[str, Any] = profile.model_dump(
            mode="json", exclude_none=True, exclude={"consent_required"}
        )
        item["registration_job"] = registration_job
        self._table.put(item, condition="attribute_not_exists(user_id)")

    def get(self, user_id: str) -> ProfileOutput | None:
        """The profile; None when there is none, or when its personal data were erased (what is kept
        then is no profile: functions/auth/erasure.py)."""
        item = self._table.get({"user_id": user_id})
        return (
            ProfileOutput.model_validate(item)
            if item and "email" in item and "erased_at" not in item
            else None
        )

    def card(self, user_id: str) -> "ConsumerRecord | None":
        """Who the consumer is, as the company's CRM reads it (one GetItem): None when there is no such
        account; an erased one's record says so and holds nothing else (its personal data are gone)."""
        item = self._table.get({"user_id": user_id})
        if item is None:
            return None
        if "erased_at" in item or "email" not in item:
            return ConsumerRecord(user_id=user_id, erased=True)
        return ConsumerRecord(
            user_id=user_id,
            erased=False,
            deletion_requested="deleted_at" in item,
            category=str(item.get("category") or "") or None,
            full_name=str(item.get("full_name") or "") or None,
            org_name=str(item.get("org_name") or "") or None,
            phone=str(item.get("phone") or "") or None,
            email=str(item.get("email") or "") or None,
            registered_at=str(item.get("registered_at") or "") or None,
        )

    def outage_mail_addresses(self, user_ids: Sequence[str]) -> dict[str, str]:
        """Of these consumers, the address of each who takes outage mails (not turned off in «Профиль»,
        not deleted, mail not undeliverable): one BatchGetItem per 100."""
        found = self._table.batch_get([{"user_id": user_id} for user_id in user_ids])
        return {
            str(item["user_id"]): str(item["email"])
            for item in found
            if "email" in item
            and "deleted_at" not in item
            and "mail_undeliverable_since" not in item
            and item.get("outage_mails", True) is not False
        }

    def made_by(self, user_id: str) -> tuple[bool, str | None]:
        """Whether the profile exists, and the registration job that made it (None if unknown)."""
        item = self._table.get({"user_id": user_id}, consistent=True, projection="user_id, registration_job")
        if not item:
            return False, None
        job = item.get("registration_job")
        return True, str(job) if job is not None else None

    def delete(self, user_id: str) -> None:
        self._table.delete({"user_id": user_id})

    def deleted_at(self, user_id: str) -> datetime | None:
        """When the consumer deleted the account (pending its erasure), or None: one consistent GetItem."""
        item = self._table.get({"user_id": user_id}, consistent=True, projection="deleted_at")
        return datetime.fromisoformat(str(item["deleted_at"])) if item and "deleted_at" in item else None

    def deletion(self, user_id: str) -> DeletionRecord | None:
        """The account's deletion as recorded (one consistent GetItem); None when there is no such account."""
        item = self._table.get(
            {"user_id": user_id},
            consistent=True,
            projection="user_id, email, deleted_at, deleted_by, erased_at",
        )
        if not item:
            return None
        deleted_at = _time(item.get("deleted_at"))
        return DeletionRecord(
            user_id=user_id,
            email=str(item["email"]) if item.get("email") and "erased_at" not in item else None,
            deleted_at=deleted_at,
            deleted_by=str(item.get("deleted_by") or DELETED_BY_CONSUMER) if deleted_at else None,
            erased_at=_time(item.get("erased_at")),
        )

    def deletion_requested(self, user_id: str) -> bool:
        item = self._table.get({"user_id": user_id}, consistent=True, projection="deleted_at")
        return bool(item and "deleted_at" in item)

    def mark_deleted(self, user_id: str, at: str, by: str, owed: "TransactWriteItemTypeDef") -> bool:
        """The consumer's consent was withdrawn and the account deleted (`by` the consumer, or the
        integrator acting on their request): pending erasure from `at` on (sparse index
        PendingErasure, read by functions/auth/erasure.py), in one transaction with `owed` (the
        outbox's Put of what the deletion owes: functions/common/outbox.py).

        Kept once: True for the call that recorded it, False when the deletion was recorded already
        (the time is not moved, nothing is owed again). Raises NoProfile when there is no profile
        with an address."""
        update = self._table.update_action(
            {"user_id": user_id},
            "SET deleted_at = :at, deleted_by = :by, erasure = :pending, erase_after = :at",
            condition="attribute_exists(email) AND attribute_not_exists(deleted_at)",
            values={":at": at, ":by": by, ":pending": "pending"},
            old_on_failure=True,
        )
        try:
            self._table.transact([update, owed])
        except ClientError as error:
            refused = _refused(error)
            if refused is None:
                raise
            if "deleted_at" in refused:
                return False
            raise NoProfile from None
        return True

    def pending_erasure(self, until: str) -> list[str]:
        """The consumers whose erasure is due (`erase_after` up to `until`): Queries of the index."""
        items = self._table.query_all(
            "erasure = :pending AND erase_after <= :until",
            {":pending": "pending", ":until": until},
            index="PendingErasure",
            projection="user_id",
        )
        return [str(item["user_id"]) for item in items]

    def erase(self, user_id: str, at: str) -> None:
        """Replaces the profile with what is kept after erasure: no personal data, only the proof of
        the consents (the last one's version, time and text hash, and the ones it replaced) and when
        and by whom it was withdrawn, and when erased."""
        item = self._table.get({"user_id": user_id}, consistent=True)
        if item is None:
            return
        kept = (
            "consent_given_at",
            "consent_text_version",
            "consent_text_sha256",
            "earlier_consents",
            "deleted_at",
            "deleted_by",
        )
        tombstone = {key: item[key] for key in kept if key in item}
        self._table.put({"user_id": user_id, **tombstone, "erased_at": at})

    def change(
        self, user_id: str, category: str, changes: dict[str, str | bool], owed: "TransactWriteItemTypeDef"
    ) -> None:
        """Sets the fields on the consumer's profile if it is (still) of `category` and has an
        address, in one transaction with `owed` (the outbox's Put of what the change owes).

        Raises NoProfile when there is no such profile."""
        names = {f"#{field}": field for field in changes}
        values: dict[str, Any] = {f":{field}": value for field, value in changes.items()}
        values[":category"] = category
        update = self._table.update_action(
            {"user_id": user_id},
            "SET " + ", ".join(f"#{field} = :{field}" for field in changes),
            condition="attribute_exists(email) AND category = :category",
            names=names,
            values=values,
        )
        try:
            self._table.transact([update, owed])
        except ClientError as error:
            if _refused(error) is None:
                raise
            raise NoProfile from None

    def record_consent(
        self, user_id: str, earlier: ProfileOutput, version: str, at: str, sha256: str
    ) -> bool:
        """The consumer accepted the text `version` (152-ФЗ ст. 9 ч. 1, ч. 4): kept like the first
        consent (version, time, hash); the acceptance it replaces (`earlier`'s) is appended to
        `earlier_consents`, so that each one stays provable.

        True when recorded; False when the profile no longer holds `earlier`'s version (a concurrent
        acceptance recorded it first). Raises NoProfile when the account has no address or is being
        deleted."""
        previous = {
            "version": earlier.consent_text_version,
            "at": earlier.consent_given_at.isoformat(),
            "sha256": earlier.consent_text_sha256 or "",
        }
        try:
            self._table.update(
                {"user_id": user_id},
                "SET earlier_consents = list_append(if_not_exists(earlier_consents, :none), :earlier), "
                "consent_text_version = :version, consent_given_at = :at, consent_text_sha256 = :sha",
                condition="attribute_exists(email) AND attribute_not_exists(deleted_at) "
                "AND consent_text_version = :previous",
                values={
                    ":none": [],
                    ":earlier": [previous],
                    ":version": version,
                    ":at": at,
                    ":sha": sha256,
                    ":previous": earlier.consent_text_version,
                },
            )
        except ClientError as error:
            if not condition_failed(error):
                raise
            if self.deletion_requested(user_id) or self.get(user_id) is None:
                raise NoProfile from None
            return False
        return True

    def mark_mail_undeliverable(self, user_id: str, at: datetime) -> None:
        """The consumer's email takes no mail (SES reported it): shown in the profile."""
        self._table.update(
            {"user_id": user_id},
            "SET mail_undeliverable_since = if_not_exists(mail_undeliverable_since, :at)",
            condition="attribute_exists(user_id)",
            values={":at": at.isoformat()},
        )

    def change_email(self, user_id: str, email: str, also: Sequence["TransactWriteItemTypeDef"]) -> None:
        """The profile's address becomes `email` (common/sessions.py's `take_login`), in one
        transaction with `also` (what the change owes); NoProfile when the profile is gone."""
        if not SessionStore().take_login(user_id, email, also):
            raise NoProfile(user_id)


class ResetCodeUnusable(Exception):
    """No code is waiting, it has expired, its attempts are spent, or it was used meanwhile."""


@dataclass(frozen=True)
class ResetCode:
    """A mailed code as the profile keeps it: its hash only, never the code; for an email change
    also the new address it was mailed to (`to`)."""

    code_hash: str
    expires_at: int  # seconds since the epoch
    attempts: int = 0
    to: str | None = None


RESET_CODE = "reset_code"  # «Забыли пароль?»
EMAIL_CODE = "email_code"  # the change of the email (the login), mailed to the new address


class ResetCodeStore:
    """The consumer's waiting mailed code of one purpose: attributes `{purpose}_*` of the profile
    item (`reset_code_*` for a forgotten password, `email_code_*` for a new email).

    One code per consumer and purpose: a new one replaces the old (its attempts start again). Every
    check of a code first spends one attempt with a conditional UpdateItem, so concurrent guesses
    cannot pass the limit; using the code removes it on condition that it is still the same one, so
    it works once.
    """

    def __init__(self, purpose: str = RESET_CODE) -> None:
        self._table = Table(portal_settings().profiles_table)
        self._p = purpose

    def _set(self, code: ResetCode) -> tuple[str, dict[str, Any]]:
        p = self._p
        expression = f"SET {p}_hash = :h, {p}_expires_at = :e, {p}_attempts = :a"
        values: dict[str, Any] = {":h": code.code_hash, ":e": code.expires_at, ":a": code.attempts}
        if code.to is not None:
            expression += f", {p}_to = :to"
            values[":to"] = code.to
        return expression, values

    def put(self, user_id: str, code: ResetCode) -> bool:
        """Keeps the code for the consumer; False when the consumer has no profile."""
        expression, values = self._set(code)
        try:
            self._table.update(
                {"user_id": user_id},
                expression,
                condition="attribute_exists(email) AND attribute_not_exists(deleted_at)",
                values=values,
            )
        except ClientError as error:
            if condition_failed(error):
                return False
            raise
        return True

    def spend_attempt(self, user_id: str, now: int, max_attempts: int) -> ResetCode:
        """Counts one attempt at the waiting code and returns it (with the attempts before this one)."""
        p = self._p
        try:
            item = self._table.update(
                {"user_id": user_id},
                f"SET {p}_attempts = {p}_attempts + :one",
                condition=f"{p}_expires_at > :now AND {p}_attempts < :max",
                values={":one": 1, ":now": now, ":max": max_attempts},
                returns="ALL_OLD",
            )
        except ClientError as error:
            if condition_failed(error):
                raise ResetCodeUnusable from None
            raise
        return ResetCode(
            code_hash=str(item[f"{p}_hash"]),
            expires_at=int(item[f"{p}_expires_at"]),
            attempts=int(item[f"{p}_attempts"]),
            to=str(item[f"{p}_to"]) if f"{p}_to" in item else None,
        )

    def use(self, user_id: str, code_hash: str) -> None:
        """Removes the code if it is still `code_hash`: of two uses at once, one passes."""
        p = self._p
        try:
            self._table.update(
                {"user_id": user_id},
                f"REMOVE {p}_hash, {p}_expires_at, {p}_attempts, {p}_to",
                condition=f"{p}_hash = :h",
                values={":h": code_hash},
            )
        except ClientError as error:
            if condition_failed(error):
                raise ResetCodeUnusable from None
            raise

    def restore(self, user_id: str, code: ResetCode) -> None:
        """Puts the code back as it was before an attempt that could not finish (AWS failing): the
        attempt is not counted, and a used code is waiting again, unless a newer code replaced it."""
        expression, values = self._set(code)
        p = self._p
        try:
            self._table.update(
                {"user_id": user_id},
                expression,
                condition=f"attribute_exists(user_id) AND (attribute_not_exists({p}_hash) OR {p}_hash = :h)",
                values=values,
            )
        except ClientError as error:
            if not condition_failed(error):
                raise
