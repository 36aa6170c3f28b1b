"""The shipped site (infra/site.py's build) put in the stack's SiteBucket, and index.html invalidated.

Order matters: the release's files first, each cached a year (its folder's name is the hash of its
content, so a name never gets other bytes), then index.html, not cached (`no-cache`: CloudFront and
browsers ask again each time), so that no index.html names files not yet there; then CloudFront's
copies of index.html (and of `/`, the DefaultRootObject) invalidated. The previous releases stay a
while, for pages opened before the deploy that still load their modules (KEEP_RELEASES).

    make deploy does it (infra/deploy.py); alone: publish(s3, cloudfront, bucket, distribution_id)
"""

import time
from pathlib import Path
from typing import Any

from infra.site import ASSETS, BUILD, ENTRY

IMMUTABLE = "public, max-age=31536000, immutable"
NOT_CACHED = "no-cache"
# The current release and the two before it: a page open across two deploys still finds its modules.
KEEP_RELEASES = 3
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
}


def stack_outputs(cloudformation: Any, stack: str) -> dict[str, str]:
    [description] = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    return {output["OutputKey"]: output["OutputValue"] for output in description.get("Outputs", [])}


def _put(s3: Any, bucket: str, key: str, path: Path, cache_control: str) -> None:
    s3.put_object(
        Bucket=bucket,
        Key=key,
        Body=path.read_bytes(),
        ContentType=CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
        CacheControl=cache_control,
    )


def _releases(s3: Any, bucket: str) -> dict[str, float]:
    """Each release folder in the bucket, with the time its first file was written."""
    found: dict[str, float] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{ASSETS}/"):
        for item in page.get("Contents", []):
            name = item["Key"].split("/")[1]
            written = item["LastModified"].timestamp()
            found[name] = min(found.get(name, written), written)
    return found


def publish(s3: Any, cloudfront: Any, bucket: str, distribution_id: str, site: Path = BUILD) -> str:
    """Upload the site built in `site`, invalidate index.html; return the release published."""
    [release] = [p.name for p in (site / ASSETS).iterdir() if p.is_dir()]
    present = set(_releases(s3, bucket))
    if release not in present:
        for path in sorted((site / ASSETS / release).rglob("*")):
            if path.is_file():
                _put(s3, bucket, path.relative_to(site).as_posix(), path, IMMUTABLE)
    _put(s3, bucket, ENTRY, site / ENTRY, NOT_CACHED)
    cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": 2, "Items": [f"/{ENTRY}", "/"]},
            "CallerReference": f"{release}-{time.time_ns()}",
        },
    )
    _prune(s3, bucket, keep=release)
    return release


def _prune(s3: Any, bucket: str, keep: str) -> None:
    """Delete the releases older than the newest KEEP_RELEASES (never the one just published)."""
    releases = _releases(s3, bucket)
    earlier = sorted(
        (name for name in releases if name != keep), key=lambda name: releases[name], reverse=True
    )
    for name in earlier[KEEP_RELEASES - 1 :]:
        keys = [
            {"Key": item["Key"]}
            for page in s3.get_paginator("list_objects_v2").paginate(
                Bucket=bucket, Prefix=f"{ASSETS}/{name}/"
            )
            for item in page.get("Contents", [])
        ]
        for start in range(0, len(keys), 1000):  # DeleteObjects takes at most 1,000 keys a call
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys[start : start + 1000], "Quiet": True})
