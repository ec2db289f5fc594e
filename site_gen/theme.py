"""Everything the portal takes from mkdocs and its theme (Material for MkDocs), in one place.

The theme is in maintenance (docs/theme.md): this module and the templates in
``overrides/`` are what a move to another theme would have to redo. Here:

- ``PortalPlugin``: hands the generated pages and files to mkdocs as ``File.generated``
  (nothing generated is written into ``docs/``), starts the account pages beside mkdocs'
  work and, after it, writes the unit pages (``unitpages``), each unit's files and the
  pages that replace mkdocs' own (the lean verify page);
- ``OVERRIDES``, a folder put before the theme's templates: ``main.html`` adds the
  large-text mode (``static/display.js`` in <head>, its button in the theme's banner) and
  ``partials/search.html`` is the theme's own search box with a name for its dialog (an
  accessibility fix);
- ``load_site_config`` and ``build_site``: the registry's mkdocs.yml, strict, and the build.

The small standalone pages (``templates/lean.html``: the verify page, the unit pages and the
accounts' a/<code>/ pages) use none of the theme; the other generated pages are raw HTML inside the
theme's page frame (``portal``), styled by ``static/portal.css``, whose theme-dependent rules
are listed in docs/theme.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import jieba
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .api import API_ROOT
from .build import Generated, static_assets
from .errors import NotPossible
from .portal import start_account_pages
from .unitpages import write_unit_pages

OVERRIDES = Path(str(resources.files("site_gen").joinpath("overrides")))


class PortalPlugin(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Adds the generated pages and files to what mkdocs builds, then writes the unit
    pages (``unitpages``), each unit's files and the lean verify page."""

    def __init__(self, result: Generated) -> None:
        super().__init__()
        self.result = result
        self.unit_pages_written = 0
        self.account_pages_written = 0
        self.finish_account_pages: Callable[[], int] = lambda: 0
        self.cancel_account_pages: Callable[[], None] = lambda: None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config.theme.dirs.insert(0, str(OVERRIDES))  # before the theme's templates
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        for uri in [*self.result.pages, *(f"{d}/index.md" for d in self.result.unit_dirs)]:
            if files.get_file_from_path(uri) is not None:
                raise Abort(f"docs/{uri} 与生成的页面冲突：请删除或改名。")
        taken = [f.src_uri for f in files if f.src_uri.startswith("a/")]
        if taken:
            raise Abort(f"docs/{taken[0]}：docs/a/ 是账号核验页的位置，请删除或改名。")
        taken = [f.src_uri for f in files if f.src_uri.startswith(f"{API_ROOT}/")]
        if taken:
            raise Abort(f"docs/{taken[0]}：docs/{API_ROOT}/ 是核验接口的位置，请删除或改名。")
        for uri, text in self.result.pages.items():
            files.append(File.generated(config, uri, content=text))
        for uri, data in [*static_assets(), *self.result.assets.items()]:
            mine = files.get_file_from_path(uri)
            if mine is not None:  # an old copy in a registry's docs/: the package's wins
                files.remove(mine)
            files.append(File.generated(config, uri, content=data))
        # The site folder is clean by now: the account pages are written beside mkdocs' work.
        self.finish_account_pages, self.cancel_account_pages = start_account_pages(
            Path(config.site_dir), self.result.accounts, config.site_name, config.site_url,
            self.result.demo)
        return files

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        self.unit_pages_written = write_unit_pages(site, self.result.unit_pages(),
                                                   config.site_url)
        for uri, data in self.result.unit_files():
            (site / uri).write_bytes(data)  # every unit's folder has its page by now
        for uri, html in self.result.site_pages.items():  # in place of what mkdocs wrote
            (site / uri).write_text(html, "utf-8")
        self.account_pages_written = self.finish_account_pages()




def load_site_config(root: Path, out: Path) -> MkDocsConfig:
    """The registry's mkdocs.yml, strict, building into ``out``."""
    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        raise NotPossible(f"{root} 里没有 mkdocs.yml。")
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    jieba.setLogLevel(logging.WARNING)  # the theme's search segments Chinese with jieba
    return load_config(str(config_file), site_dir=str(out.resolve()), strict=True)


def build_site(config: MkDocsConfig, result: Generated) -> int:
    """Run mkdocs with the generated pages and files added (raises MkDocsException);
    return the number of generated pages."""
    plugin = PortalPlugin(result)
    config.plugins["site-gen"] = plugin
    try:
        mkdocs_build(config)
    finally:
        plugin.cancel_account_pages()  # after a failed build, no worker writes on
    return (plugin.unit_pages_written + plugin.account_pages_written
            + len(result.pages))
