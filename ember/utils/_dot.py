"""A small writer of the DOT language, and the programs that render it.

`Dot` mimics the parts of `pydot.Dot` that people use on the result of
`model_to_dot`: `to_string()`, `create()`, `write()`, `get_nodes()`,
`get_edges()`. Rendering runs a system Graphviz `dot` when there is one,
else the `graphviz-pure` program of the `plot` extra (PNG and SVG, no
PDF). Nothing is ever rendered just to probe whether a renderer works.
"""

import os
import shutil
import subprocess
import sys
from typing import Any

from ember.core.atomic import atomic_write

# What graphviz-pure renders (`graphviz-pure -T?` lists more, none useful
# for a picture of a model); a system `dot` is given any format asked.
PURE_FORMATS = ("png", "svg", "jpg", "jpeg")
# Formats this module writes itself, with no renderer.
TEXT_FORMATS = ("dot", "gv", "raw")
_INSTALL_HINT = (
    'install the plot extra (pip install "ember[plot]"), which brings the '
    "graphviz-pure renderer, or a system Graphviz (https://graphviz.org)"
)


class Html(str):
    """A label in Graphviz's HTML-like syntax, written between `<` and `>`.

    The caller escapes the text inside it (`html.escape`).
    """


def quote(value: Any) -> str:
    """`value` as a DOT identifier or attribute value.

    `Html` values are written as `<...>`; booleans as `true` / `false`;
    everything else as a double-quoted string with backslashes, quotes and
    line breaks escaped, so that any name is safe.
    """
    if isinstance(value, Html):
        return f"<{value}>"
    if isinstance(value, bool):
        value = "true" if value else "false"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\r", "").replace("\n", "\\n") + '"'


def _attribute_list(attributes: dict) -> str:
    if not attributes:
        return ""
    items = ", ".join(f"{k}={quote(v)}" for k, v in attributes.items())
    return f" [{items}]"


class _Attributed:
    """pydot's `get` / `set` of the Graphviz attributes in `attributes`."""

    attributes: dict

    def get(self, name: str) -> Any:
        """The value of attribute `name`, or None."""
        return self.attributes.get(name)

    def set(self, name: str, value: Any) -> None:
        """Sets attribute `name`."""
        self.attributes[name] = value


class Node(_Attributed):
    """A node of a `Dot` graph: a name and its attributes.

    Args:
        name: the node's identifier in the graph.
        **attributes: Graphviz node attributes, e.g. `label`.
    """

    def __init__(self, name: str, **attributes: Any):
        self.name = str(name)
        self.attributes = dict(attributes)

    def get_name(self) -> str:
        """The node's identifier."""
        return self.name

    def to_string(self) -> str:
        """The node's DOT statement."""
        return f"{quote(self.name)}{_attribute_list(self.attributes)};"


class Edge(_Attributed):
    """An edge of a `Dot` graph from node `source` to node `destination`.

    Args:
        source: the name of the node the edge leaves.
        destination: the name of the node it enters.
        **attributes: Graphviz edge attributes, e.g. `penwidth`.
    """

    def __init__(self, source: str, destination: str, **attributes: Any):
        self.source = str(source)
        self.destination = str(destination)
        self.attributes = dict(attributes)

    def get_source(self) -> str:
        """The name of the node the edge leaves."""
        return self.source

    def get_destination(self) -> str:
        """The name of the node the edge enters."""
        return self.destination

    def to_string(self) -> str:
        """The edge's DOT statement."""
        return (
            f"{quote(self.source)} -> {quote(self.destination)}"
            f"{_attribute_list(self.attributes)};"
        )


class Dot(_Attributed):
    """A directed graph in the DOT language, or a cluster inside one.

    Holds graph attributes, node defaults, nodes, edges and subgraphs, and
    writes them as DOT text; `create` and `write` render that text with
    Graphviz.

    Args:
        graph_name: the graph's name (a cluster's name gets `cluster_`
            in front, which is what makes Graphviz draw a box around it).
        cluster: whether this is a cluster to add to another graph.
        **attributes: graph attributes, e.g. `rankdir="LR"`.

    Example:

    >>> dot = Dot(rankdir="LR")
    >>> dot.add_node(Node("a", label="A"))
    >>> dot.add_node(Node("b", label="B"))
    >>> dot.add_edge(Edge("a", "b"))
    >>> print(dot.to_string())  # doctest: +ELLIPSIS
    digraph "G" {
    ...
    """

    def __init__(
        self, graph_name: str = "G", cluster: bool = False, **attributes: Any
    ):
        self.graph_name = str(graph_name)
        self.cluster = cluster
        self.attributes = dict(attributes)
        self.node_defaults: dict = {}
        self._nodes: list[Node] = []
        self._edges: list[Edge] = []
        self._subgraphs: list[Dot] = []

    def get_name(self) -> str:
        """The graph's name, `cluster_` included for a cluster."""
        if self.cluster:
            return f"cluster_{self.graph_name}"
        return self.graph_name

    def set_node_defaults(self, **attributes: Any) -> None:
        """Sets attributes every node gets unless it says otherwise."""
        self.node_defaults.update(attributes)

    def add_node(self, node: Node) -> None:
        """Adds `node`."""
        self._nodes.append(node)

    def add_edge(self, edge: Edge) -> None:
        """Adds `edge`."""
        self._edges.append(edge)

    def add_subgraph(self, subgraph: "Dot") -> None:
        """Adds a cluster (a `Dot` made with `cluster=True`)."""
        self._subgraphs.append(subgraph)

    def get_nodes(self) -> list[Node]:
        """This graph's own nodes (not those of its subgraphs)."""
        return list(self._nodes)

    def get_node(self, name: str) -> list[Node]:
        """The nodes of this graph named `name` (as pydot, a list)."""
        return [n for n in self._nodes if n.name == str(name)]

    def get_edges(self) -> list[Edge]:
        """This graph's own edges (not those of its subgraphs)."""
        return list(self._edges)

    def get_edge(self, source: str, destination: str) -> list[Edge]:
        """The edges from `source` to `destination` (as pydot, a list)."""
        return [
            e
            for e in self._edges
            if (e.source, e.destination) == (str(source), str(destination))
        ]

    def get_subgraphs(self) -> list["Dot"]:
        """The clusters added to this graph."""
        return list(self._subgraphs)

    def to_string(self) -> str:
        """The graph as DOT text."""
        return "\n".join(self._lines()) + "\n"

    def _lines(self, indent: str = "") -> list[str]:
        inner = indent + "  "
        keyword = "subgraph" if self.cluster else "digraph"
        lines = [f"{indent}{keyword} {quote(self.get_name())} {{"]
        lines += [f"{inner}{k}={quote(v)};" for k, v in self.attributes.items()]
        if self.node_defaults:
            lines.append(f"{inner}node{_attribute_list(self.node_defaults)};")
        lines += [inner + node.to_string() for node in self._nodes]
        for subgraph in self._subgraphs:
            lines += subgraph._lines(inner)
        lines += [inner + edge.to_string() for edge in self._edges]
        lines.append(f"{indent}}}")
        return lines

    def create(self, prog: str | None = None, format: str = "png") -> bytes:
        """Renders the graph and returns the file's bytes.

        Args:
            prog: the Graphviz program to run (a name on PATH or a path);
                by default a system `dot`, else graphviz-pure.
            format: the output format, e.g. `"png"` or `"svg"`; `"dot"`
                (or `"raw"`) returns the DOT text itself.

        Raises:
            ValueError: for a format that no available renderer writes.
            ImportError: when no renderer is installed.
            RuntimeError: when the renderer fails.
        """
        format = format.lower()
        text = self._document()
        if format in TEXT_FORMATS:
            return text.encode("utf-8")
        program = find_renderer(format) if prog is None else _program(prog)
        return render(text, program, format)

    def write(
        self, path: str, prog: str | None = None, format: str = "raw"
    ) -> None:
        """Writes the graph to `path`: DOT text by default, or rendered.

        The file is written whole or not at all (the renderer runs first).

        Args:
            path: the file to write.
            prog: the Graphviz program, as in `create`.
            format: `"raw"` (or `"dot"`) for DOT text, else an output
                format as in `create`.
        """
        data = self.create(prog=prog, format=format)

        def write_bytes(temporary: str) -> None:
            with open(temporary, "wb") as f:
                f.write(data)

        atomic_write(os.fspath(path), write_bytes)

    def _document(self) -> str:
        """A whole graph: a cluster is wrapped in a digraph of its own."""
        if not self.cluster:
            return self.to_string()
        lines = ['digraph "G" {', *self._lines("  "), "}"]
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.to_string()


def system_dot() -> str | None:
    """The path of a system Graphviz `dot`, or None."""
    return shutil.which("dot")


def graphviz_pure() -> str | None:
    """The path of the `graphviz-pure` program, or None.

    It is looked for beside the running Python first (a virtual
    environment's `bin/`, which need not be on PATH), then on PATH.
    """
    folder = os.path.dirname(sys.executable)
    for name in ("graphviz-pure", "graphviz-pure.exe"):
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("graphviz-pure")


def available_formats() -> tuple[str, ...] | None:
    """The formats the installed renderer writes, or None for any format
    (a system `dot`); the DOT text formats are always available."""
    if system_dot() is not None:
        return None
    if graphviz_pure() is not None:
        return PURE_FORMATS + ("dot",)
    return ("dot",)


def find_renderer(format: str) -> str:
    """The program that renders `format`: a system `dot`, else
    graphviz-pure.

    Raises:
        ValueError: for a format graphviz-pure does not write (e.g. PDF)
            when there is no system `dot`, naming the formats it writes.
        ImportError: when neither program is installed.
    """
    dot = system_dot()
    if dot is not None:
        return dot
    pure = graphviz_pure()
    if pure is None:
        raise ImportError(
            f'Rendering a model plot as "{format}" needs Graphviz: '
            f"{_INSTALL_HINT}. Without one, the .dot format still works."
        )
    if format not in PURE_FORMATS:
        raise ValueError(
            f'Cannot render the "{format}" format: graphviz-pure writes '
            f"{', '.join(PURE_FORMATS)}, and ember writes .dot itself; "
            f'"{format}" needs a system Graphviz `dot` on PATH '
            "(https://graphviz.org/download/)."
        )
    return pure


def _program(prog: str) -> str:
    found = shutil.which(prog)
    if found is None:
        raise ImportError(
            f'The Graphviz program "{prog}" was not found; {_INSTALL_HINT}.'
        )
    return found


def render(text: str, program: str, format: str) -> bytes:
    """Runs `program -T<format>` on the DOT `text`; returns its output.

    Raises:
        RuntimeError: when the program fails, with its error message.
    """
    result = subprocess.run(
        [program, f"-T{format}"],
        input=text.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0 or not result.stdout:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(
            f"{os.path.basename(program)} could not render the graph as "
            f'"{format}" (exit status {result.returncode}): {message}'
        )
    return result.stdout
