"""`sanfu catalogue load [--file CSV] [--county CODE]` and `sanfu catalogue show`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sanfu.cases.catalogue import (
    PACKAGED_TAXONOMY,
    CatalogueNode,
    CatalogueSummary,
    SlaTerms,
    catalogue_load,
    catalogue_rows_read,
    catalogue_tree,
    default_slas,
)
from sanfu.cases.models import Priority
from sanfu.directory.models import Unit, UnitKind
from sanfu.lib.errors import ApplicationError


class Command(BaseCommand):
    help = "Load the service catalogue (three levels of categories) or show it."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = actions.add_parser(
            "load",
            help="add the categories of a taxonomy CSV (level1, level2, level3) and defaults; "
            "existing categories are kept, nothing is deleted",
        )
        load.add_argument(
            "--file",
            type=Path,
            default=PACKAGED_TAXONOMY,
            help="the CSV to load (default: the taxonomy shipped with sanfu)",
        )
        load.add_argument(
            "--county",
            help="code of the county whose departments become default units "
            "(default: the only county)",
        )
        actions.add_parser("show", help="print the catalogue with default units and time limits")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            self._load(options["file"], options["county"])
        else:
            self._show()

    def _load(self, path: Path, county_code: str | None) -> None:
        county = _county(county_code)
        try:
            # utf-8-sig: a CSV saved from Excel starts with a byte-order mark.
            with path.open(encoding="utf-8-sig", newline="") as lines:
                rows = catalogue_rows_read(lines)
            summary = catalogue_load(county=county, rows=rows)
        except OSError as exc:
            raise CommandError(
                _("%(file)s cannot be read: %(reason)s") % {"file": path, "reason": exc.strerror}
            ) from exc
        except UnicodeDecodeError as exc:
            raise CommandError(_("%(file)s is not UTF-8 text.") % {"file": path}) from exc
        except IntegrityError as exc:
            # Only a second load running at the same moment gets here (codes and names are
            # checked before writing); the transaction was rolled back.
            raise CommandError(
                _("%(file)s was not loaded: %(reason)s") % {"file": path, "reason": exc}
            ) from exc
        except ApplicationError as exc:
            # Nothing was written: the rows are checked before the load's one transaction.
            raise CommandError(
                _("%(file)s was not loaded: %(reason)s") % {"file": path, "reason": exc.message}
            ) from exc
        self.stdout.write(_summary_line(summary))

    def _show(self) -> None:
        defaults = default_slas()
        self.stdout.write(
            _("Time limits unless a category sets its own: %(terms)s")
            % {"terms": "; ".join(_terms(p, defaults[p]) for p in Priority.values)}
        )
        for node in catalogue_tree():
            self.stdout.write(_node_line(node))


def _county(code: str | None) -> Unit:
    counties = Unit.objects.filter(kind=UnitKind.COUNTY)
    if code:
        county = counties.filter(code=code.strip().upper()).first()
        if county is None:
            raise CommandError(_("No county has the code %(code)s.") % {"code": code})
        return county
    found = list(counties.order_by("code"))
    if not found:
        raise CommandError(
            _("There is no county yet: create one first (for a trial: sanfu seed demo).")
        )
    if len(found) > 1:
        raise CommandError(
            _("There are several counties; name one with --county (%(codes)s).")
            % {"codes": ", ".join(c.code for c in found)}
        )
    return found[0]


def _summary_line(summary: CatalogueSummary) -> str:
    line = _(
        "catalogue: %(level1)d level-1, %(level2)d level-2 and %(level3)d level-3 categories "
        "(%(new1)d, %(new2)d and %(new3)d new); %(with_units)d with default units in "
        "%(county)s (%(units_set)d newly set); %(slas)d time limits added"
    ) % {
        "level1": summary.categories[0],
        "level2": summary.categories[1],
        "level3": summary.categories[2],
        "new1": summary.created[0],
        "new2": summary.created[1],
        "new3": summary.created[2],
        "with_units": summary.with_default_units,
        "county": summary.county,
        "units_set": summary.default_units_set,
        "slas": summary.slas_created,
    }
    if not summary.changed:
        line = _("%(summary)s (already loaded; nothing changed)") % {"summary": line}
    return line


def _terms(priority: str, terms: SlaTerms) -> str:
    return ngettext(
        "%(priority)s: sign for within %(hours)d h, reply within %(days)d working day",
        "%(priority)s: sign for within %(hours)d h, reply within %(days)d working days",
        terms.reply_days,
    ) % {
        "priority": Priority(priority).label,
        "hours": terms.sign_hours,
        "days": terms.reply_days,
    }


def _node_line(node: CatalogueNode) -> str:
    category = node.category
    parts = [f"{'  ' * node.depth}{category.code} {category.name}"]
    if node.units:
        parts.append(
            _("default units: %(units)s") % {"units": ", ".join(u.name for u in node.units)}
        )
    if node.slas:
        terms = [
            _terms(sla.priority, SlaTerms(sign_hours=sla.sign_hours, reply_days=sla.reply_days))
            for sla in node.slas
        ]
        parts.append("; ".join(terms))
    if node.village_level_set:
        parts.append(
            _("may be handled at village level")
            if category.village_level_ok
            else _("needs a department or town")
        )
    if not category.is_active:
        parts.append(_("inactive"))
    return " · ".join(parts)
