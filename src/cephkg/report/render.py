"""Pages from templates: one Jinja2 environment, autoescaping everything.

The templates (``cephkg/report/templates/``, package data) inline their CSS and every
picture, so a page needs nothing but itself: no network, no CDN, no script. Text from
claims is escaped by Jinja2; pictures and marked claim text arrive as ``Markup`` made by
:mod:`cephkg.report.draw` and :mod:`cephkg.report.marks`, which escape what they take in.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..errors import CephkgError, ReportError
from .coverage import CoveragePage
from .patent import PatentReport, patent_report
from .source import StoredPatent

__all__ = ["Nav", "PatentRow", "ReportFiles", "render_coverage", "render_index", "render_report", "write_reports"]


@dataclass(frozen=True, slots=True)
class Nav:
    """The links of the top bar (None: not shown)."""

    home: str | None = None
    covers: str | None = None
    sparql: str | None = None


@dataclass(frozen=True, slots=True)
class PatentRow:
    patent_id: str
    publication: str | None
    claims: int
    structures: int
    species: int
    warnings: int
    href: str


@cache
def environment() -> Environment:
    return Environment(loader=PackageLoader("cephkg.report", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


@cache
def _version() -> str:
    try:
        return version("cephkg")
    except PackageNotFoundError:
        return "unknown"


def _render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(version=_version(), generated=None, **context)


def render_report(report: PatentReport, nav: Nav = Nav()) -> str:
    return _render("report.html.j2", r=report, nav=nav)


def render_coverage(page: CoveragePage, nav: Nav = Nav(), form: Mapping[str, Any] | None = None) -> str:
    return _render("covers.html.j2", c=page, nav=nav, form=form)


def render_index(patents: Sequence[PatentRow], nav: Nav = Nav(), *, form: Mapping[str, Any] | None = None,
                 sparql: str | None = None, warning: str | None = None) -> str:
    return _render("index.html.j2", patents=patents, nav=nav, form=form, sparql=sparql, warning=warning)


def render_error(status: int, heading: str, message: str, nav: Nav = Nav(),
                 form: Mapping[str, Any] | None = None) -> str:
    return _render("error.html.j2", status=status, heading=heading, message=message, nav=nav, form=form)


__all__ += ["render_error"]


def patent_row(report: PatentReport, href: str) -> PatentRow:
    warnings = sum(1 for n in report.notes if n.severity in ("error", "warning"))
    return PatentRow(report.patent_id, report.publication, report.counts["claims"], report.counts["structures"],
                     report.counts["species"], warnings, href)


__all__ += ["patent_row"]


def write_text(path: Path, text: str) -> None:
    """Write a file atomically (a temp file beside it, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, 0o644)  # a page to share, not mkstemp's private 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


__all__ += ["write_text"]


@dataclass(frozen=True, slots=True)
class ReportFiles:
    """What :func:`write_reports` wrote, and which patents failed (id, message)."""

    written: tuple[Path, ...]
    failed: tuple[tuple[str, str], ...]
    index: Path | None


def write_reports(patents: Sequence[StoredPatent], folder: Path) -> ReportFiles:
    """One ``<patent>.html`` per patent and an ``index.html`` linking them, each written atomically.

    A patent whose report fails is named in ``failed``; the others are written.
    """
    written: list[Path] = []
    failed: list[tuple[str, str]] = []
    rows: list[PatentRow] = []
    nav = Nav(home="index.html")
    for stored in patents:
        try:
            report = patent_report(stored)
            path = folder / f"{report.patent_id}.html"
            write_text(path, render_report(report, nav))
        except CephkgError as exc:
            failed.append((stored.patent_id, str(exc)))
            continue
        except OSError as exc:
            raise ReportError(f"cannot write the report of {stored.patent_id} into {folder}: {exc}") from exc
        except Exception as exc:  # one patent's report must not sink the others
            failed.append((stored.patent_id, f"internal error: {exc!r}"))
            continue
        written.append(path)
        rows.append(patent_row(report, path.name))
    index = None
    if rows:
        index = folder / "index.html"
        write_text(index, render_index(rows, Nav()))
    return ReportFiles(tuple(written), tuple(failed), index)
