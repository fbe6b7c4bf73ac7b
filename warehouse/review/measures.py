"""The measures section: the list of measures, and per measure its series charts with target and bands."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from scorecards.warehouse.review.chart import Band, Point, band_class, band_text, series_chart
from scorecards.warehouse.review.links import safe_name
from scorecards.warehouse.review.reader import Reader
from scorecards.warehouse.review.writer import Site


def write_measures(site: Site, reader: Reader, doc_pages: dict[str, str], per_page: int) -> dict[str, int]:
    """One page per measure label: a chart per organisation and breakdown, with the latest report's target and
    bands. The series comes from latest_observations when present, so a revised figure is drawn once."""
    source = "latest_observations" if reader.has("latest_observations") else "observations"
    measures = reader.rows(
        f"""
        SELECT measure_label, count(*) AS figures, count(DISTINCT source_file) AS documents,
               count(DISTINCT organisation) AS organisations
        FROM {source} WHERE measure_label <> '' GROUP BY measure_label ORDER BY measure_label
        """
    )
    for m in measures:
        m["href"] = "measures/" + safe_name(m["measure_label"])
    site.paginated("measures", "measures.html.j2", measures, per_page, title="Measures")
    series = reader.by_file(  # "source_file" here is the measure label, so ByFile can walk it
        f"""
        SELECT measure_label AS source_file, organisation, breakdown, period_label, period_end, value, unit
        FROM {source}
        WHERE measure_label <> '' AND status = 'reported' AND value IS NOT NULL AND period_end IS NOT NULL
        ORDER BY measure_label, organisation, breakdown, period_end
        """
    )
    # The target and bands of each measure in each organisation's latest report.
    settings = reader.by_file(
        """
        SELECT m.measure_label AS source_file, d.organisation, m.source_file AS document, m.target_value,
               m.target_text, m.polarity, d.report_period_end
        FROM measures m JOIN documents d USING (source_file)
        WHERE m.measure_label <> ''
        ORDER BY m.measure_label, d.organisation, d.report_period_end DESC NULLS LAST, d.loaded_at DESC
        """
    )
    bands: dict[tuple[str, str], list[Band]] = defaultdict(list)
    for row in reader.rows("SELECT source_file, measure_label, band, lower, upper FROM measure_bands "
                           "ORDER BY source_file, measure_label, coalesce(lower, -1e308)"):
        bands[(row["source_file"], row["measure_label"])].append(Band(row["band"] or "", row["lower"], row["upper"]))
    for m in measures:
        label = m["measure_label"]
        latest_setting: dict[str, dict[str, Any]] = {}
        for row in settings.take(label):
            latest_setting.setdefault(row["organisation"] or "", row)
        charts: dict[tuple[str, str], dict[str, Any]] = {}
        for row in series.take(label):
            key = (row["organisation"] or "", row["breakdown"] or "")
            if key not in charts:
                charts[key] = {"organisation": key[0], "breakdown": key[1], "unit": row["unit"] or "", "points": []}
            charts[key]["points"].append(Point(row["period_end"], float(row["value"]), row["period_label"] or ""))
        drawn = []
        for (organisation, _), chart in sorted(charts.items()):
            setting = latest_setting.get(organisation)
            target = setting["target_value"] if setting else None
            chart_bands = bands.get((setting["document"], label), []) if setting else []
            chart["svg"] = series_chart(chart["points"], chart["unit"], target, chart_bands)
            chart["setting"] = setting
            chart["setting_href"] = doc_pages.get(setting["document"]) if setting else None
            chart["bands"] = [(band_class(b.name), band_text(b)) for b in chart_bands]
            drawn.append(chart)
        site.page(m["href"], "measure.html.j2", title=label, measure=m, charts=drawn, source=source)
    return {"measures": len(measures)}
