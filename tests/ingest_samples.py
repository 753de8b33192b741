"""Documents the ingest tests generate themselves: PDF (fpdf2), DOCX (python-docx), broken files."""

from __future__ import annotations

import io
from pathlib import Path

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

# (style, text) in reading order; "page" starts a new page.
PLAN_PARTS: list[tuple[str, str]] = [
    ("h1", "1 Indledning"),
    (
        "p",
        "Jobcenter Ærøskøbing beskriver her beskæftigelsesindsatsen for 2019. Planen følger "
        "ministerens mål og de lokale prioriteringer for året, så flere ledige kommer i job.",
    ),
    ("h1", "2 Ministermål for 2019"),
    ("p", "Beskæftigelsesministeren har udmeldt fire mål for 2019, som planen forholder sig til."),
    ("h2", "2.1 Flere flygtninge og familiesammenførte skal være selvforsørgende"),
    (
        "p",
        "Målet er, at 45 pct. af flygtningene er i job eller uddannelse ved udgangen af året. "
        "Indsatsen bygger på virksomhedsforløb og danskundervisning fra første uge.",
    ),
    ("page", ""),
    ("h2", "2.2 Virksomhederne skal sikres den nødvendige arbejdskraft"),
    (
        "p",
        "Jobcentret samarbejder tæt med virksomhederne om rekruttering og opkvalificering, "
        "især inden for bygge og anlæg samt sundhed og omsorg, hvor manglen er størst.",
    ),
]


def pdf_bytes(parts: list[tuple[str, str]] = PLAN_PARTS, title: str = "") -> bytes:
    """A text-layer PDF: headings set larger than body text, Danish letters intact."""
    from fpdf import FPDF

    pdf = FPDF()
    if DEJAVU.exists():
        pdf.add_font("Body", "", str(DEJAVU))
        family = "Body"
    else:  # the core font's cp1252 covers æ, ø and å
        family = "Helvetica"
    if title:
        pdf.set_title(title)
    pdf.add_page()
    sizes = {"h1": 16, "h2": 13, "p": 11}
    for style, text in parts:
        if style == "page":
            pdf.add_page()
            continue
        pdf.set_font(family, size=sizes[style])
        pdf.multi_cell(0, sizes[style] * 0.55, text=text)
        pdf.ln(4)
    return bytes(pdf.output())


def encrypted_pdf_bytes() -> bytes:
    """A PDF that needs a user password to open."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="hemmelig")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="Beskaeftigelsesplan 2019")
    return bytes(pdf.output())


def image_only_pdf_bytes() -> bytes:
    """A scanned-looking PDF: one page holding only a picture of text."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(image).text((20, 80), "Beskaeftigelsesplan 2019", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(buffer.getvalue()), x=10, y=10, w=150)
    return bytes(pdf.output())


def docx_bytes() -> bytes:
    """A Word file with Title and Heading styles, body text, a bullet and a table."""
    from docx import Document

    doc = Document()
    doc.add_heading("Beskæftigelsesplan 2020 for Ærø Kommune", level=0)
    doc.add_heading("1 Indledning", level=1)
    doc.add_paragraph("Planen beskriver, hvordan jobcentret når målene i 2020.")
    doc.add_heading("2 Ministerens mål", level=1)
    doc.add_heading("2.1 Flere personer med handicap skal i beskæftigelse", level=2)
    doc.add_paragraph("Vi øger brugen af fleksjob, så 30 flere får job i løbet af året.")
    doc.add_paragraph("Mentorordninger udbredes", style="List Bullet")
    table = doc.add_table(rows=2, cols=3)
    for r, cells in enumerate([("Mål", "2019", "2020"), ("Fleksjob", "120", "150")]):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    doc.add_heading("3 Økonomi", level=1)
    doc.add_paragraph("Budgettet for indsatsen er 12 mio. kr.")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
