"""Values and figures a chapter glues into its markdown (MyST-NB `glue`).

In markdown, {glue:text}`key` pastes a text value, {glue:md}`key` a Markdown fragment, and

    ```{glue:figure} key
    :name: fig-...
    :alt: ...

    Caption
    ```

a figure, numbered and captioned in HTML and PDF. Text is glued without being displayed in
the notebook (the prose shows it); figures are displayed as images (visible in Jupyter) in a
cell tagged `remove-output`, so the book shows each once, where the markdown places it.
"""

from __future__ import annotations


def glue_text(**values) -> None:
    """Glue each keyword's value as plain text (converted with str)."""
    from myst_nb import glue

    for key, value in values.items():
        glue(key, str(value), display=False)


def glue_markdown(key: str, text: str) -> None:
    """Glue a Markdown fragment (links, emphasis) for {glue:md}`key`; escape text from files
    and names first (piilib.report.markup.escape_markdown)."""
    from IPython.display import Markdown
    from myst_nb import glue

    glue(key, Markdown(text), display=False)


def glue_figure(key: str, figure) -> None:
    """Glue a report figure (piilib.report.plots) and show it as an image in the notebook."""
    from myst_nb import glue

    glue(key, figure, display=True)
