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

# MyST-NB's marker of glued outputs (myst_nb.ext.glue.GLUE_PREFIX): the book reads them by it.
GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, variable, display: bool = True) -> None:
    """`myst_nb.glue`, the same outputs, without its imports: `myst_nb.glue` loads nbformat,
    whose jsonschema compiles some forty URI grammars on import, about a CPU second of every
    chapter's kernel. name: the key markdown refers to; display: also show the value in the
    notebook (False: stored for the book only)."""
    from IPython.core.formatters import format_display_data
    from IPython.display import display as show

    bundle, metadata = format_display_data(variable)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    show({prefix + kind: value for kind, value in bundle.items()}, raw=True, metadata=metadata)


def glue_text(**values) -> None:
    """Glue each keyword's value as plain text (converted with str)."""
    for key, value in values.items():
        glue(key, str(value), display=False)


def glue_markdown(key: str, text: str) -> None:
    """Glue a Markdown fragment (links, emphasis) for {glue:md}`key`; escape text from files
    and names first (piilib.report.markup.escape_markdown)."""
    from IPython.display import Markdown

    glue(key, Markdown(text), display=False)


def glue_figure(key: str, figure) -> None:
    """Glue a report figure (piilib.report.plots) and show it as an image in the notebook."""
    glue(key, figure, display=True)
