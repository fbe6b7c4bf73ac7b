"""What a run reports: each file's outcome, and the run's summary (`RunSummary.totals`, the `runs` row).

Plain data, shared by the pipeline that fills them and the batching that writes files' outcomes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass
class FileOutcome:
    path: Path
    source_file: str
    sha256: str
    # loaded | failed | skipped (its bytes were seen before) | not_read (found in a folder, not a report it can
    # read: another file type, a broken or looping link; recorded in `failures`, never tried)
    status: str
    reason: str = ""
    change: str = "new"  # new | changed | unchanged, against what the warehouse last saw of this name
    pages: int = 0
    tables: int = 0
    observations: int = 0
    quarantined: int = 0


@dataclass
class RunSummary:
    outcomes: list[FileOutcome] = field(default_factory=list)
    started_at: datetime = field(default_factory=datetime.now)
    finished_at: datetime | None = None
    interrupted: bool = False
    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))  # joins `runs` to `validations`
    corrections_applied: int = 0
    orphaned_corrections: list[str] = field(default_factory=list)  # one line each, reported at the end

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def totals(self) -> dict[str, int]:
        return {
            "files": len(self.outcomes) - self.count("not_read"),
            "new": sum(1 for o in self.outcomes if o.change == "new"),
            "changed": sum(1 for o in self.outcomes if o.change == "changed"),
            "unchanged": sum(1 for o in self.outcomes if o.change == "unchanged"),
            "loaded": self.count("loaded"),
            "failed": self.count("failed"),
            "not read": self.count("not_read"),
            "pages": sum(o.pages for o in self.outcomes),
            "tables": sum(o.tables for o in self.outcomes),
            "observations": sum(o.observations for o in self.outcomes),
            "quarantined": sum(o.quarantined for o in self.outcomes),
            "corrections applied": self.corrections_applied,
            "corrections orphaned": len(self.orphaned_corrections),
        }
