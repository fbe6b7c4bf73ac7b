"""The observation and documents suites, built in code once and kept as JSON under version control.

`python -m expectations.suite` rewrites observations.json from `build_suite()` and documents.json
from `build_documents_suite()`; the pipeline only reads the JSON, and tests check they agree. Each
expectation carries `meta.rule`, the short name that quarantine rows give as their reason (and the
validations view shows).

The documents suite checks each document's one `document_facts` row: every figure-bearing cell of
its tables is cited by some row (normalise.accounting). A failure moves no row; it is recorded in
`validations`, naming the document.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column

SUITE_PATH = Path(__file__).with_name("observations.json")
DOCUMENTS_SUITE_PATH = Path(__file__).with_name("documents.json")
KEY_COLUMNS = ["source_file", "measure_label", "breakdown", "period_label"]


def statuses() -> list[str]:
    from scorecards.normalise.vocab import vocabulary

    return [*sorted(vocabulary()["status"]), "reported"]


def build_suite() -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name="observations",
        expectations=[
            # in_set ignores nulls, so a null status needs its own check.
            gxe.ExpectColumnValuesToNotBeNull(column="status", meta={"rule": "status is present"}),
            gxe.ExpectColumnValuesToBeInSet(
                column="status", value_set=statuses(), meta={"rule": "status in the allowed set"}
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="value", min_value=0, max_value=100, row_condition=Column("unit") == "percent",
                meta={"rule": "percentage within 0..100"},
            ),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="period_end", column_B="period_start", or_equal=True,
                ignore_row_if="both_values_are_missing", meta={"rule": "period_start <= period_end"},
            ),
            gxe.ExpectCompoundColumnsToBeUnique(
                column_list=KEY_COLUMNS, meta={"rule": "one row per file, measure, breakdown and period"}
            ),
            gxe.ExpectColumnValuesToNotBeNull(
                column="value", row_condition=Column("status") == "reported",
                meta={"rule": "a reported figure has a value"},
            ),
            gxe.ExpectColumnValuesToBeNull(
                column="value", row_condition=Column("status") != "reported",
                meta={"rule": "only a reported figure has a value"},
            ),
        ],
    )


def build_documents_suite() -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name="documents",
        expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="uncited_cells", min_value=0, max_value=0,
                meta={"rule": "every figure cell ends in a row (uncited_cells = 0)"},
            ),
        ],
    )


def save_suite(suite: gx.ExpectationSuite, path: Path = SUITE_PATH) -> None:
    path.write_text(json.dumps(suite.to_json_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")


def load_suite(path: Path = SUITE_PATH) -> gx.ExpectationSuite:
    raw = json.loads(path.read_text(encoding="utf-8"))
    suite = gx.ExpectationSuite(**raw)
    # GX logs and drops an expectation it cannot build; a silently shorter suite is worse than none.
    if len(suite.expectations) != len(raw["expectations"]):
        raise ValueError(f"{path}: {len(raw['expectations']) - len(suite.expectations)} expectation(s) did not load")
    return suite


if __name__ == "__main__":
    save_suite(build_suite())
    save_suite(build_documents_suite(), DOCUMENTS_SUITE_PATH)
    print(f"wrote {SUITE_PATH} and {DOCUMENTS_SUITE_PATH}")
