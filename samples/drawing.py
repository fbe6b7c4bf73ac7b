"""Shared ingredients of the random report models: invented word lists used by more than one style
(none taken from the seed reports) and the helpers that draw labels and figure series from a seeded rng.
"""

from __future__ import annotations

import random
from collections.abc import Callable

_PLACES = [
    "Ashcombe", "Brackenford", "Caldermere", "Dunhollow", "Eastwick Vale", "Fernleigh", "Greyhaven",
    "Hartsmoor", "Kingsbridge Vale", "Lowerby", "Marlow Fen", "Northcote Downs", "Oakhurst", "Redmarsh",
    "Stonebury", "Thornvale", "Westerholme", "Wyecliffe", "Elderbrook", "Pennington Cross",
]
_ORG_KINDS = [
    "Children's Trust", "Children's Services", "County Council Children's Services", "Borough Council",
    "Council Children and Families Directorate", "Children and Young People's Partnership",
]
_ACTIVITIES = [
    ("Single assessments", "completed"), ("Early help assessments", "completed"),
    ("Initial health assessments for children entering care", "completed"),
    ("Review health assessments for children in care", "completed"),
    ("Return home interviews", "offered"), ("Child protection visits", "carried out"),
    ("Statutory visits to children in care", "carried out"), ("Pathway plan reviews", "completed"),
    ("Personal education plan reviews", "held"), ("Strategy discussions", "held"),
    ("Core group meetings", "held"), ("Reviews of children in care", "held"),
    ("Private fostering visits", "completed"), ("Section 47 enquiries", "completed"),
    ("Contact decisions at the front door", "made"), ("Visits to children in need", "completed"),
    ("Foster carer annual reviews", "completed"), ("Care plan reviews", "held"),
    ("Missing episode debriefs", "offered"), ("Family group conferences", "convened"),
]
_TIMESCALES = [
    "within timescale", "within 45 working days", "within 20 working days", "within 10 working days",
    "within statutory timescales", "within 72 hours", "within 24 hours", "within the agreed timescale",
    "within 15 working days", "within 6 weeks", "within 5 working days", "within 28 days",
]
_COHORTS = [
    "children in care", "care leavers aged 17-21", "children subject to a child protection plan",
    "children in need", "young people open to the youth offending service", "children placed in foster care",
    "disabled children open to the service", "unaccompanied asylum-seeking children",
    "children in residential placements", "children on a child in need plan",
]
_OUTCOMES_UP = [
    "with an up to date care plan", "seen alone at their most recent visit", "in suitable accommodation",
    "in education, employment or training", "with an allocated qualified social worker",
    "whose views are recorded in their plan", "with a completed health assessment",
    "with dental checks up to date", "with an up to date chronology", "who took part in their review",
    "with a permanence plan agreed by the second review", "with an up to date personal education plan",
]
_OUTCOMES_DOWN = [
    "placed more than 20 miles from home", "with three or more placements in the last 12 months",
    "with a change of social worker in the quarter", "reported missing in the quarter",
    "re-referred within 12 months of closure", "subject to a plan for a second or subsequent time",
    "waiting more than 8 weeks for an assessment", "excluded from school during the term",
]
_TEAMS = [
    "Front Door", "Assessment", "Child in Need", "Child Protection", "Children in Care", "Care Leavers",
    "Disabled Children", "Family Support", "Edge of Care",
]
_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
]


def _unique(used: set[str], make: Callable[[], str]) -> str:
    """Draw labels from ``make`` until one is new to this report."""
    label = make()
    for _ in range(50):
        if label not in used:
            break
        label = make()
    if label in used:  # word lists exhausted: keep the report valid rather than repeat a label
        label = f"{label} ({len(used) + 1})"
    used.add(label)
    return label


def _cap(text: str) -> str:
    """``text`` with its first letter in capitals."""
    return text[:1].upper() + text[1:]


def _series(rng: random.Random, n: int, centre: float, sd: float, lo: float, hi: float,
            decimals: int) -> list[float]:
    """``n`` figures wandering around ``centre``, kept within ``lo``..``hi``."""
    out, level = [], centre
    for _ in range(n):
        level += rng.gauss(0, sd * 0.5)
        out.append(round(min(hi, max(lo, level + rng.gauss(0, sd))), decimals))
    return out
