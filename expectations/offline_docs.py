"""Great Expectations' Data Docs, made to work offline.

GX's pages load Bootstrap, jQuery, Popper, Font Awesome, bootstrap-table, bootstrap-datepicker and vega from
CDNs (great-expectations 1.24.1). Offline, which is where zhnews runs, the pages were unstyled, the status
column was blank and the list of validation runs (a bootstrap-table) empty. `make_offline(site)` copies the
vendored assets (expectations/datadocs_static/, with their licences) into `site/static/vendor/` and rewrites
every page of the site to load them from there by relative path, so the site also works when copied
elsewhere. The vega scripts (charts) are not vendored: no zhnews page draws a chart, so pages that do not call
`vegaEmbed` lose those tags; any other remote script or stylesheet is dropped with a warning rather than left
to hang the page. The GX logo the index loads from S3 becomes the copy GX ships in `static/images/`.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

log = logging.getLogger(__name__)
ASSETS = Path(__file__).resolve().parent / "datadocs_static"

# the path tail of each CDN URL the pages use -> the vendored file (relative to static/vendor/)
LOCAL = {
    "bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": "bootstrap-dark/bootstrap-prefers-dark.css",
    "font-awesome/6.6.0/css/all.min.css": "fontawesome/css/all.min.css",
    "bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
    "bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap/bootstrap.min.js",
    "bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table/bootstrap-table.min.css",
    "bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table/bootstrap-table.min.js",
    "filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table/extensions/filter-control/bootstrap-table-filter-control.css",
    "filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table/extensions/filter-control/bootstrap-table-filter-control.min.js",
    "bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": "bootstrap-datepicker/bootstrap-datepicker.min.css",
    "bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": "bootstrap-datepicker/bootstrap-datepicker.min.js",
    "popper.js/1.12.9/umd/popper.min.js": "popper/popper.min.js",
    "jquery-3.7.1.min.js": "jquery/jquery.min.js",
}
VEGA = ("vega@", "vega-lite@", "vega-embed@")
_TAG = re.compile(r'<(script|link)\b[^>]*?\b(src|href)="(https?://[^"]+)"[^>]*>(\s*</script>)?', re.I)
_REMOTE_LOGO = re.compile(r'https://great-expectations-web-assets\.[^"\')\s]*?/(?:logo-long|full_logo_dark)[^"\')\s]*')


def _local(url: str) -> str | None:
    return next((path for tail, path in LOCAL.items() if url.split("?")[0].endswith(tail)), None)


def _rewrite(html: str, vendor: str, images: str) -> tuple[str, list[str]]:
    dropped: list[str] = []
    uses_vega = "vegaEmbed(" in html

    def swap(m: re.Match) -> str:
        tag, attr, url = m.group(1).lower(), m.group(2), m.group(3)
        if tag == "link" and "stylesheet" not in m.group(0).lower():
            return m.group(0)                       # not a stylesheet (icons, preconnect): leave it
        local = _local(url)
        if local:
            return m.group(0).replace(f'{attr}="{url}"', f'{attr}="{vendor}/{local}"')
        if any(v in url for v in VEGA) and not uses_vega:
            return ""
        dropped.append(url)
        return ""
    html = _TAG.sub(swap, html)
    html = _REMOTE_LOGO.sub(f"{images}/logo-long.png", html)         # in <img src> and in a CSS url()
    return html, dropped


def make_offline(site: str | os.PathLike) -> int:
    """Copy the assets into the site and rewrite its pages; returns the number of pages rewritten."""
    site = Path(site)
    if not site.is_dir():
        return 0
    vendor = site / "static" / "vendor"
    if not (vendor / "README.md").is_file() or (vendor / "README.md").read_bytes() != (ASSETS / "README.md").read_bytes():
        shutil.rmtree(vendor, ignore_errors=True)
        shutil.copytree(ASSETS, vendor)
    changed = 0
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if "https://" not in text:
            continue
        rel = Path(os.path.relpath(site / "static", page.parent)).as_posix()
        new, dropped = _rewrite(text, f"{rel}/vendor", f"{rel}/images")
        for url in dropped:
            log.warning("Data Docs page %s loads %s, which is not vendored: the tag was removed", page, url)
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed += 1
    return changed
