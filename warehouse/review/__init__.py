"""The data-quality review site (issue #8): `build_site(warehouse, out)` writes static HTML that opens offline."""

from scorecards.warehouse.review.site import BuildReport, build_site, safe_name, serve_site

__all__ = ["BuildReport", "build_site", "safe_name", "serve_site"]
