"""The site published (infra/publish.py): a release's files cached a year under their hashed folder,
index.html not cached and invalidated on CloudFront after them, old releases pruned but the last
few kept for pages opened before the deploy."""

from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from infra import publish, site

REGION = "eu-central-1"
BUCKET = "portal-site"


@pytest.fixture
def aws() -> object:
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        cloudfront = boto3.client("cloudfront", region_name="us-east-1")
        distribution = cloudfront.create_distribution(
            DistributionConfig={
                "CallerReference": "portal",
                "Comment": "",
                "Enabled": True,
                "Origins": {
                    "Quantity": 1,
                    "Items": [{"Id": "site", "DomainName": f"{BUCKET}.s3.amazonaws.com"}],
                },
                "DefaultCacheBehavior": {
                    "TargetOriginId": "site",
                    "ViewerProtocolPolicy": "redirect-to-https",
                },
            }
        )["Distribution"]["Id"]
        yield s3, cloudfront, distribution


def test_the_release_is_cached_a_year_and_index_html_is_not_and_is_invalidated(
    aws: tuple, tmp_path: Path
) -> None:  # type: ignore[type-arg]
    s3, cloudfront, distribution = aws
    site.build(tmp_path)

    release = publish.publish(s3, cloudfront, BUCKET, distribution, site=tmp_path)

    app = s3.get_object(Bucket=BUCKET, Key=f"assets/{release}/js/app.js")
    assert app["CacheControl"] == "public, max-age=31536000, immutable"
    assert app["ContentType"].startswith("text/javascript")
    index = s3.get_object(Bucket=BUCKET, Key="index.html")
    assert index["CacheControl"] == "no-cache"
    assert f"/assets/{release}/js/app.js".encode() in index["Body"].read()
    [invalidation] = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]["Items"]
    paths = cloudfront.get_invalidation(DistributionId=distribution, Id=invalidation["Id"])["Invalidation"]
    assert sorted(paths["InvalidationBatch"]["Paths"]["Items"]) == ["/", "/index.html"]
    shipped = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    stored = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert stored == shipped


def test_older_releases_are_pruned_keeping_the_last_few(aws: tuple, tmp_path: Path) -> None:  # type: ignore[type-arg]
    s3, cloudfront, distribution = aws
    site.build(tmp_path)
    [current] = [p.name for p in (tmp_path / "assets").iterdir()]
    # Releases of earlier deploys, oldest first.
    for number in range(5):
        s3.put_object(Bucket=BUCKET, Key=f"assets/old{number}/js/app.js", Body=b"")

    publish.publish(s3, cloudfront, BUCKET, distribution, site=tmp_path)

    left = {o["Key"].split("/")[1] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="assets/")["Contents"]}
    assert current in left
    assert len(left) == publish.KEEP_RELEASES
