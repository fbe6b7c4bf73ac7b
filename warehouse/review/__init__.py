"""The data-quality review site (issue #8): `build_site(warehouse, out)` writes static HTML that opens offline."""

from scorecards.warehouse.review.links import safe_name
from scorecards.warehouse.review.server import serve_site
from scorecards.warehouse.review.site import BuildReport, build_site

__all__ = ["BuildReport", "build_site", "safe_name", "serve_site"]
