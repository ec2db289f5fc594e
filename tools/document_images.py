"""The first page of a .docx as a PNG, for the screenshots of documents in docs/.

    python tools/document_images.py IN.docx OUT.png

LibreOffice (headless, with a profile of its own in a temporary folder, so that it runs beside
an open LibreOffice or another conversion) converts the document to PDF, and pdftoppm
(poppler-utils) renders the PDF's first page at 80 dpi. Both must be installed
(`apt-get install libreoffice-writer-nogui poppler-utils`); Chinese text needs a CJK font
(`apt-get install fonts-wqy-microhei`), and without the fonts the documents name (仿宋_GB2312,
方正小标宋简体) LibreOffice draws them in whatever Chinese font it finds.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

DPI = 80


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(source: Path, folder: Path) -> Path:
    """``source`` converted to PDF in ``folder`` by LibreOffice, with a profile in ``folder``."""
    program = soffice()
    if program is None:
        raise SystemExit("LibreOffice is missing: apt-get install libreoffice-writer-nogui")
    done = subprocess.run(
        [program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", "pdf", "--outdir", str(folder), str(source)],
        capture_output=True, text=True, timeout=300)
    pdf = folder / (source.stem + ".pdf")
    if done.returncode != 0 or not pdf.is_file():
        raise SystemExit(f"LibreOffice did not convert {source}:\n{done.stdout}{done.stderr}")
    return pdf


def first_page(source: Path, target: Path, dpi: int = DPI) -> None:
    """Write the first page of the .docx ``source`` to ``target`` as a PNG."""
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm is missing: apt-get install poppler-utils")
    with tempfile.TemporaryDirectory(prefix="document-images-") as work:
        pdf = to_pdf(source.resolve(), Path(work))
        # -singlefile: the image is named target without the number of the page.
        done = subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
             str(pdf), str(target.with_suffix(""))],
            capture_output=True, text=True, timeout=300)
        made = target.with_suffix(".png")
        if done.returncode != 0 or not made.is_file():
            raise SystemExit(f"pdftoppm did not render {pdf.name}:\n{done.stderr}")
        if made != target:
            made.replace(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, metavar="IN.docx")
    parser.add_argument("target", type=Path, metavar="OUT.png")
    args = parser.parse_args()
    if not args.source.is_file():
        parser.error(f"no such file: {args.source}")
    first_page(args.source, args.target)
    print(args.target)


if __name__ == "__main__":
    main()
