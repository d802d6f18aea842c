"""Safe YAML reading with line numbers, and block-style YAML writing of profiles.

Reading uses PyYAML's :class:`yaml.SafeLoader` only. On top of it the node tree is
checked before anything is constructed:

- any tag other than plain YAML (string, integer, float, boolean, null, date/time,
  list, mapping) is refused, e.g. ``!!python/object`` or a local ``!tag``;
- anchors and aliases (``&a`` / ``*a``) are refused (profiles do not need them);
- duplicate keys in one mapping are reported (PyYAML would silently keep the last).

Each value's line is recorded under its field path, e.g. ``("targets", 0, "target_year")``,
so validation messages can point at the line to edit.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

__all__ = [
    "GENERATED_MARK",
    "ParsedYaml",
    "YamlProblem",
    "content_hash",
    "dump_yaml",
    "format_path",
    "hash_state",
    "line_for",
    "parse_yaml",
    "scalar",
    "with_hash_header",
]

_ALLOWED_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)

Path_ = tuple[str | int, ...]


@dataclass
class YamlProblem:
    """A problem found while reading the YAML text (line is 1-based)."""

    line: int | None
    path: Path_
    message: str
    fix: str


@dataclass
class ParsedYaml:
    """Result of :func:`parse_yaml`: the data (None if unreadable), lines and problems."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)
    raw: dict[Path_, str] = field(default_factory=dict)  # source text of plain scalars


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag


def format_path(path: Path_) -> str:
    """``("targets", 0, "id")`` -> ``"targets[0].id"``.

    Examples
    --------
    >>> format_path(("targets", 0, "source", "url"))
    'targets[0].source.url'
    >>> format_path(())
    '(file)'
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(file)"


def _walk(node: yaml.Node, path: Path_, parsed: ParsedYaml, seen: set[int]) -> None:
    if id(node) in seen:  # an alias points at a node already visited
        parsed.problems.append(
            YamlProblem(
                parsed.lines.get(path, node.start_mark.line + 1),
                path,
                "YAML anchors and aliases (&name / *name) are not allowed in a profile",
                "write the value out in full instead of referring to it with *name",
            )
        )
        return
    seen.add(id(node))
    if node.tag not in _ALLOWED_TAGS:
        parsed.problems.append(
            YamlProblem(
                node.start_mark.line + 1,
                path,
                f"YAML tag {_short_tag(node.tag)!r} is not allowed: profiles are read with a safe loader "
                "that accepts only plain YAML (text, numbers, true/false, null, dates, lists, mappings)",
                f"remove the tag {_short_tag(node.tag)!r} and write the value as plain text",
            )
        )
        return
    parsed.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode) and node.style is None:
        parsed.raw[path] = node.value
    if isinstance(node, yaml.MappingNode):
        keys: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag not in _ALLOWED_TAGS or not isinstance(key_node, yaml.ScalarNode):
                parsed.problems.append(
                    YamlProblem(
                        key_node.start_mark.line + 1,
                        path,
                        "a mapping key must be plain text",
                        "write the key as a plain word such as 'title'",
                    )
                )
                continue
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key == "<<":
                parsed.problems.append(
                    YamlProblem(line, path, "YAML merge keys ('<<') are not allowed in a profile", "write the fields out")
                )
                continue
            if key in keys:
                parsed.problems.append(
                    YamlProblem(
                        line,
                        path + (key,),
                        f"duplicate key {key!r} (first given on line {keys[key]}); YAML would silently keep only the last",
                        f"keep one {key!r} and delete the other",
                    )
                )
            else:
                keys[key] = line
            parsed.lines[path + (key,)] = line
            _walk(value_node, path + (key,), parsed, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            parsed.lines[path + (i,)] = item.start_mark.line + 1
            _walk(item, path + (i,), parsed, seen)


def parse_yaml(text: str) -> ParsedYaml:
    """Parse one YAML document safely, recording the line of every field.

    Parameters
    ----------
    text : str
        The YAML text.

    Returns
    -------
    ParsedYaml
        ``data`` is None when the text cannot be used (syntax error, refused tag, alias);
        ``problems`` then says why. Duplicate keys are reported but the data is kept.

    Examples
    --------
    >>> p = parse_yaml("a: 1\\nb:\\n  - x: 2\\n")
    >>> p.data, p.lines[("b", 0, "x")]
    ({'a': 1, 'b': [{'x': 2}]}, 3)
    >>> parse_yaml("a: !!python/object:os.system x\\n").problems[0].message[:40]
    "YAML tag '!!python/object:os.system' is "
    """
    parsed = ParsedYaml(data=None)
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            line = mark.line + 1 if mark is not None else None
            problem = " ".join(x for x in (err.context, err.problem) if x) or str(err)
            parsed.problems.append(
                YamlProblem(line, (), f"YAML syntax error: {problem}", "correct the indentation/quoting on that line")
            )
            return parsed
        except yaml.YAMLError as err:  # pragma: no cover - other reader errors (e.g. control characters)
            parsed.problems.append(YamlProblem(None, (), f"YAML cannot be read: {err}", "save the file as plain UTF-8"))
            return parsed
        if node is None:
            parsed.problems.append(YamlProblem(1, (), "the file is empty", "start from `rvanalytics cities new CODE`"))
            return parsed
        _walk(node, (), parsed, set())
        refused = any("not allowed" in p.message for p in parsed.problems)
        if refused:
            return parsed
        try:
            parsed.data = loader.construct_document(node)
        except yaml.YAMLError as err:  # e.g. a malformed date
            mark = getattr(err, "problem_mark", None)
            parsed.problems.append(
                YamlProblem(
                    mark.line + 1 if mark is not None else None,
                    (),
                    f"YAML value cannot be read: {getattr(err, 'problem', err)}",
                    "quote the value or correct it",
                )
            )
        except ValueError as err:  # e.g. timestamp 2026-13-45
            parsed.problems.append(YamlProblem(None, (), f"YAML value cannot be read: {err}", "correct the date"))
    finally:
        loader.dispose()
    return parsed


def line_for(lines: dict[Path_, int], path: Path_) -> int | None:
    """Line of ``path`` or of its nearest recorded parent (a missing field points at its parent)."""
    path = tuple(path)
    while True:
        if path in lines:
            return lines[path]
        if not path:
            return None
        path = path[:-1]


# --------------------------------------------------------------------------- writing

def scalar(value: Any) -> str:
    """One YAML scalar that reads back as ``value`` (strings quoted only when needed).

    Examples
    --------
    >>> scalar("091"), scalar(None), scalar(80.0), scalar("a: b"), scalar(True)
    ('"091"', 'null', '80', "'a: b'", 'true')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "null"
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int):
        return str(value)
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=math.inf)
    text = text.rstrip("\n")
    text = text.removesuffix("\n...")
    if "\n" in text or re.fullmatch(r"[-+0-9_.:eE]+", value):
        # multi-line value, or digits that another YAML reader could take for a number: double quotes
        text = yaml.safe_dump(value, default_style='"', allow_unicode=True, width=math.inf).rstrip("\n")
    return text


def dump_yaml(data: Any, indent: int = 0) -> str:
    """Block-style YAML of plain data (dicts keep their order; lists of mappings use ``- key:``).

    Examples
    --------
    >>> print(dump_yaml({"a": [{"x": 1, "y": None}], "b": []}), end="")
    a:
      - x: 1
        y: null
    b: []
    """
    pad = " " * indent
    lines: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, dict) and value or isinstance(value, list) and value:
                lines.append(f"{pad}{key}:")
                lines.append(dump_yaml(value, indent + 2).rstrip("\n"))
            elif isinstance(value, (dict, list)):
                lines.append(f"{pad}{key}: {'{}' if isinstance(value, dict) else '[]'}")
            else:
                lines.append(f"{pad}{key}: {scalar(value)}")
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, dict) and item:
                body = dump_yaml(item, indent + 2).rstrip("\n").split("\n")
                body[0] = f"{pad}- " + body[0][indent + 2 :]
                lines.extend(body)
            elif isinstance(item, (dict, list)) and not item:
                lines.append(f"{pad}- {'{}' if isinstance(item, dict) else '[]'}")
            elif isinstance(item, list):
                lines.append(f"{pad}-")
                lines.append(dump_yaml(item, indent + 2).rstrip("\n"))
            else:
                lines.append(f"{pad}- {scalar(item)}")
    else:
        lines.append(pad + scalar(data))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- generated-file hash

#: First line of a file written by ``rvanalytics cities new`` / ``import``.
GENERATED_MARK = "# rvanalytics-generated"
_HASH_RE = re.compile(r"^# rvanalytics-generated (?P<tool>\S+) sha256=(?P<hash>[0-9a-f]{64})\s*$")


def content_hash(body: str) -> str:
    """sha256 of the text below the generated header (line endings normalised)."""
    return hashlib.sha256(body.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def with_hash_header(body: str, tool: str) -> str:
    """Prefix ``body`` with the generated header carrying its hash.

    Examples
    --------
    >>> text = with_hash_header("a: 1\\n", "import")
    >>> hash_state(text)
    'generated'
    >>> hash_state(text.replace("a: 1", "a: 2"))
    'edited'
    """
    return f"{GENERATED_MARK} {tool} sha256={content_hash(body)}\n{body}"


def hash_state(text: str) -> str:
    """``"generated"`` (unchanged since written), ``"edited"`` (hash differs) or ``"hand-written"`` (no header)."""
    first, _, body = text.replace("\r\n", "\n").partition("\n")
    match = _HASH_RE.match(first)
    if not match:
        return "hand-written"
    return "generated" if content_hash(body) == match["hash"] else "edited"
