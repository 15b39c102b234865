"""The release audit's report, in words: for the command and for the audit job."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..terms import Term
    from .attack import Finding
    from .protected_figures import ProtectedFigures


def _describe(finding: Finding) -> str:
    return " / ".join(finding.key)


def _range(finding: Finding) -> str:
    high = "no limit" if finding.high == float("inf") else f"{finding.high:,}"
    return f"{finding.low:,} to {high}"


@dataclass(frozen=True)
class AuditReport:
    heading: str
    lines: list[str]  # one for each figure that must stay uncertain
    verdict: str
    unsafe: int

    def text(self) -> str:
        return "\n".join([self.heading, *self.lines, self.verdict]) + "\n"


def audit_report(term: Term, release: ProtectedFigures) -> AuditReport:
    """Attack the term's release (ProtectedFigures.audit, a solver over every hidden figure)
    and say what a reader could work out."""
    findings = release.audit()
    counts = release.protection.counts
    shown = sum(1 for key in counts if release.shown(key))
    heading = (
        f"{term.name}: {shown:,} counts shown, {len(counts) - shown:,} hidden"
        f" ({len(release.protection.secondary):,} of them to protect others);"
        f" {len(findings):,} figures must stay uncertain."
    )
    width = max((len(_describe(f)) for f in findings), default=0)
    lines = [
        f"  {_describe(f):<{width}}  true {f.value:>5,}  a reader can tell:"
        f" {_range(f)}  {'safe' if f.safe else 'UNSAFE'}"
        for f in findings
    ]
    unsafe = sum(1 for f in findings if not f.safe)
    least = release.rules.min_count
    verdict = (
        f"{unsafe} figures can be narrowed to fewer than {least} values."
        if unsafe
        else f"No hidden figure can be narrowed to fewer than {least} values."
    )
    return AuditReport(heading, lines, verdict, unsafe)
