"""See it: a patent report and a browser view, with structure pictures (above the store, beside owl).

Reads only from the store's Python API (records, scopes, coverage, routes), never from
the graph's IRIs. ``patent`` and ``coverage`` turn a patent or a ``covers`` answer into
data for a page; ``draw`` makes the pictures (RDKit SVG); ``marks`` marks a claim's text
from its spans; ``explain`` maps a coverage verdict back onto the query's atoms;
``structures`` is the one place that says which generic structures there are; ``render``
fills the Jinja2 templates (package data, autoescaped) and writes files; ``web`` is the
browser view ``cephkg serve --web`` starts.
"""

from __future__ import annotations

from .coverage import CoveragePage, coverage_page
from .patent import PatentReport, patent_report
from .render import Nav, ReportFiles, render_coverage, render_report, write_reports
from .source import StoredPatent, load_patents
from .web import ReportServer, ReportSite, WebOptions

__all__ = ["CoveragePage", "Nav", "PatentReport", "ReportFiles", "ReportServer", "ReportSite", "StoredPatent",
           "WebOptions", "coverage_page", "load_patents", "patent_report", "render_coverage", "render_report",
           "write_reports"]
