"""The revisions section: the same figure reported with different values or statuses by different reports."""

from __future__ import annotations

from typing import Any

from scorecards.warehouse.review.paging import pack
from scorecards.warehouse.review.reader import Reader
from scorecards.warehouse.review.writer import Site


def write_revisions(site: Site, reader: Reader, doc_pages: dict[str, str], per_page: int) -> dict[str, int]:
    if not reader.has("revisions"):
        site.paginated("revisions", "revisions.html.j2", [], per_page, title="Revisions", latest=None)
        return {"revised_figures": 0}
    # Grouped here, not trusted to the view: a figure counts as revised when its reports disagree on
    # the value or the status.
    rows = reader.rows(
        """
        WITH figures AS (  -- a grouped join: PostgreSQL has no count(DISTINCT ...) OVER
            SELECT organisation, measure_label, breakdown, period_start, period_end,
                   count(DISTINCT coalesce(CAST(value AS TEXT), '') || '|' || coalesce(status, '')) AS versions
            FROM revisions GROUP BY organisation, measure_label, breakdown, period_start, period_end
        )
        SELECT r.organisation, r.measure_label, r.breakdown, r.period_label, r.period_start, r.period_end,
               r.source_file, r.page, r.value, r.status, r.report_period_end, r.loaded_at, r.revision, r.is_latest
        FROM revisions r JOIN figures f
          ON f.organisation IS NOT DISTINCT FROM r.organisation AND f.measure_label IS NOT DISTINCT FROM r.measure_label
         AND f.breakdown IS NOT DISTINCT FROM r.breakdown AND f.period_start IS NOT DISTINCT FROM r.period_start
         AND f.period_end IS NOT DISTINCT FROM r.period_end
        WHERE f.versions > 1
        ORDER BY measure_label, organisation, breakdown, period_start, period_end, revision, report_period_end,
                 source_file
        """
    )
    groups: list[dict[str, Any]] = []
    for row in rows:
        key = (row["organisation"], row["measure_label"], row["breakdown"], row["period_start"], row["period_end"])
        if not groups or groups[-1]["key"] != key:
            groups.append({"key": key, "organisation": row["organisation"], "measure_label": row["measure_label"],
                           "breakdown": row["breakdown"], "period_label": row["period_label"], "versions": []})
        row["doc_href"] = doc_pages.get(row["source_file"])
        groups[-1]["versions"].append(row)
    latest = None
    if reader.has("latest_observations"):
        latest = {"latest": reader.scalar("SELECT count(*) FROM latest_observations"),
                  "all": reader.scalar("SELECT count(*) FROM observations")}
    chunks = pack(groups, per_page, lambda g: len(g["versions"]), most=3 * per_page)
    site.paginated("revisions", "revisions.html.j2", groups, per_page, chunks=chunks, title="Revisions",
                   latest=latest)
    return {"revised_figures": len(groups)}
