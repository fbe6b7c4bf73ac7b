"""The RAG checks section: where the report's RAG disagrees with the one recomputed from the figure."""

from __future__ import annotations

from scorecards.warehouse.review.links import doc_link
from scorecards.warehouse.review.reader import Reader
from scorecards.warehouse.review.writer import Site


def write_rag(site: Site, reader: Reader, doc_pages: dict[str, str], per_page: int) -> dict[str, int]:
    if not reader.has("rag_checks"):
        site.paginated("rag", "rag.html.j2", [], per_page, title="RAG checks", summary=None, bases=[])
        return {"rag_checks": 0, "rag_disagreements": 0}
    summary = reader.rows(
        """
        SELECT count(*) AS checks, count(*) FILTER (WHERE agrees) AS agree,
               count(*) FILTER (WHERE NOT agrees) AS disagree, count(*) FILTER (WHERE agrees IS NULL) AS unknown
        FROM rag_checks
        """
    )[0]
    bases = reader.rows(
        "SELECT basis, count(*) AS checks, count(*) FILTER (WHERE NOT agrees) AS disagree FROM rag_checks "
        "GROUP BY basis ORDER BY checks DESC, basis")
    # What the report states: the RAG in the figure's cell, else the one its measure's position text gives
    # (the view's stated_rag, where the warehouse has it).
    stated = "coalesce(nullif(reported_rag, ''), stated_rag)" if "stated_rag" in reader.columns("rag_checks") \
        else "reported_rag"
    disagreements = reader.rows(
        f"""
        SELECT source_file, page, table_index, row_index, col_index, measure_label, breakdown, period_label,
               value, unit, reported_rag, {stated} AS stated_rag, position_text, recomputed_rag, basis
        FROM rag_checks WHERE NOT agrees
        ORDER BY source_file, table_index, row_index, col_index, breakdown, period_label
        """
    )
    for row in disagreements:
        row["doc_href"] = doc_link(doc_pages, row)
    site.paginated("rag", "rag.html.j2", disagreements, per_page, title="RAG checks", summary=summary,
                   bases=bases)
    return {"rag_checks": int(summary["checks"] or 0), "rag_disagreements": len(disagreements)}
