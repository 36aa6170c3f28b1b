"""The uploads bucket: the only place that knows its keys.

Consumers' forms write `uploads/<sub>/<uuid>/<name>` only; a filed file is the request's own copy,
`requests/<request id>/<n>`, of exactly the version of the upload that was checked.
"""

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from functions.common.aws import s3
from functions.requests.settings import request_settings

if TYPE_CHECKING:
    from mypy_boto3_s3.type_defs import CopySourceTypeDef, GetObjectOutputTypeDef

# Without s3:ListBucket (not granted) S3 answers a missing key with 403 (AccessDenied), not 404.
_MISSING = frozenset({"403", "404", "AccessDenied", "NoSuchKey", "NotFound"})
# A source that is gone or is no longer the version (or the bytes) that was read.
_SOURCE_CHANGED = frozenset({"404", "412", "NoSuchKey", "NoSuchVersion", "PreconditionFailed"})


@dataclass(frozen=True)
class StoredUpload:
    """One version of an upload as one ranged GetObject returned it: its id, size, type, metadata
    and first bytes all belong to that version, and that version is what gets copied."""

    key: str
    version_id: str | None
    etag: str
    size: int
    content_type: str
    metadata: dict[str, str]
    first_bytes: bytes


def _total_size(answer: "GetObjectOutputTypeDef") -> int:
    """The whole object's size: after the slash of `Content-Range: bytes 0-7/1234` for a range."""
    total = str(answer.get("ContentRange", "")).rpartition("/")[2]
    return int(total) if total.isdigit() else int(answer.get("ContentLength", 0))


class UploadStore:
    """The uploads bucket: presigned forms, checks of uploads, the requests' copies, download links."""

    # Uploads carry this tag (the form sets it, and it stays): the bucket's lifecycle deletes them
    # after UnattachedUploadDays, filed or not. A filed file is the request's copy, never tagged.
    PENDING_TAGGING = "<Tagging><TagSet><Tag><Key>attached</Key><Value>no</Value></Tag></TagSet></Tagging>"

    def __init__(self) -> None:
        self._bucket = request_settings().uploads_bucket

    def presigned_post(
        self, key: str, content_type: str, max_size: int, expires_in: int, metadata: dict[str, str]
    ) -> tuple[str, dict[str, str]]:
        """A form that lets the browser store exactly `key`, of this type and at most `max_size`."""
        fields = {"Content-Type": content_type, "tagging": self.PENDING_TAGGING, **metadata}
        form = s3().generate_presigned_post(
            Bucket=self._bucket,
            Key=key,
            Fields=fields,
            Conditions=[
                *({name: value} for name, value in fields.items()),
                ["content-length-range", 1, max_size],
            ],
            ExpiresIn=expires_in,
        )
        return str(form["url"]), {k: str(v) for k, v in form["fields"].items()}

    def read(self, key: str, count: int) -> StoredUpload | None:
        """The current version of `key` with its first `count` bytes, or None when nothing is there."""
        answer = self._get(key, f"bytes=0-{count - 1}")
        if answer is None:
            return None
        with answer["Body"] as body:
            first = body.read(count)
        return StoredUpload(
            key=key,
            version_id=answer.get("VersionId"),
            etag=str(answer.get("ETag", "")),
            size=_total_size(answer),
            content_type=str(answer.get("ContentType", "")),
            metadata=dict(answer.get("Metadata", {})),
            first_bytes=first,
        )

    def _get(self, key: str, byte_range: str | None) -> "GetObjectOutputTypeDef | None":
        try:
            if byte_range is None:
                return s3().get_object(Bucket=self._bucket, Key=key)
            return s3().get_object(Bucket=self._bucket, Key=key, Range=byte_range)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code == "InvalidRange" and byte_range is not None:  # an empty object has no first byte
                return self._get(key, None)
            if code in _MISSING:
                return None
            raise

    def copy(self, upload: StoredUpload, key: str) -> tuple[str | None, str | None] | None:
        """Copies the very version of `upload` that was read to `key`, with the type that was checked
        and no tags; returns the copy's version id and SHA-256 (hex, computed by S3), or None when
        that version is gone or (in a bucket that was ever unversioned) its bytes changed."""
        source: CopySourceTypeDef = {"Bucket": self._bucket, "Key": upload.key}
        if upload.version_id:
            source["VersionId"] = upload.version_id
        try:
            copied = s3().copy_object(
                Bucket=self._bucket,
                Key=key,
                CopySource=source,
                CopySourceIfMatch=upload.etag,
                MetadataDirective="REPLACE",
                ContentType=upload.content_type,
                Metadata=upload.metadata,
                TaggingDirective="REPLACE",
                ChecksumAlgorithm="SHA256",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code", "") in _SOURCE_CHANGED:
                return None
            raise
        checksum = copied.get("CopyObjectResult", {}).get("ChecksumSHA256")
        return copied.get("VersionId"), base64.b64decode(checksum).hex() if checksum else None

    def discard(self, keys: Sequence[str]) -> list[str]:
        """Deletes copies a filing made and did not keep; returns the keys S3 did not delete. In the
        versioned bucket this leaves a delete marker: the lifecycle purges the copy the next day."""
        if not keys:
            return []
        answer = s3().delete_objects(
            Bucket=self._bucket, Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True}
        )
        return [str(error.get("Key", "")) for error in answer.get("Errors", [])]

    def download_url(self, key: str, filename: str, content_type: str, expires_in: int) -> str:
        from urllib.parse import quote

        return s3().generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self._bucket,
                "Key": key,
                "ResponseContentDisposition": f"attachment; filename*=UTF-8''{quote(filename)}",
                "ResponseContentType": content_type,
            },
            ExpiresIn=expires_in,
        )
