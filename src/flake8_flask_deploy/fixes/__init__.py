"""Fixes: one module per rule (``fdp001.py`` .. ``fdp011.py``), each with the libcst rewrite of that
rule's findings and the safety of each rewrite.

Only the fixer imports this package (it imports libcst). A fix receives a :class:`FixContext` (the
module's text, its libcst tree with positions, its ``ast`` tree and facts, and the finding) and
returns a :class:`Change` (the new libcst module, ``"safe"`` or ``"unsafe"``, and a one-line
description) or ``None`` when it has no rewrite for that finding.

Nodes are found from the finding's ``ast`` position: ``ast`` columns are UTF-8 byte offsets, libcst
columns are characters; :meth:`FixContext.char_col` converts once. Results are built from the
original nodes (``with_changes``), matched by identity, so everything outside the edited statement
keeps its bytes.
"""
from __future__ import annotations

import ast
import importlib
import os
import importlib.util
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Type, TypeVar

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import MetadataWrapper, PositionProvider

from ..config import load_options
from ..facts import ModuleFacts
from ..fixable import MAPPED_FINDINGS
from ..model import Finding
from ..session import LAYOUT, current
from ..sources import LINE_BREAK
from ..records import FROM_FACTORY, Record

SAFE = "safe"
UNSAFE = "unsafe"

N = TypeVar("N", bound=cst.CSTNode)


@dataclass(init=False, repr=False, eq=False)
class Change(Record):
    """One rewrite of one finding.

    Attributes:
        module: the whole new libcst module.
        safety: ``"safe"`` or ``"unsafe"``.
        description: what the rewrite does, for the report (one line).
        notes: extra lines to tell the user (e.g. "add gunicorn to requirements").
        edits: other files the rewrite changes: ``{absolute path: whole new text}``, computed from
            that file's current text in this run (:func:`flake8_flask_deploy.fix.current_text`).
            The driver applies them only where it can write other files (``fix``, ``fix --diff``),
            refuses them when a result does not parse, and writes them as it writes the module
            (FDP009 adds the import of the routes module to the module that defines the app).
    """

    module: cst.Module
    safety: str
    description: str
    notes: List[str] = field(default_factory=list)
    edits: Dict[str, str] = field(default_factory=dict)

    def __init__(self, module: cst.Module, safety: str, description: str, notes: List[str] = FROM_FACTORY,
                 edits: Dict[str, str] = FROM_FACTORY) -> None:
        self.module = module
        self.safety = safety
        self.description = description
        self.notes = [] if notes is FROM_FACTORY else notes
        self.edits = {} if edits is FROM_FACTORY else edits


class FixContext:
    """What a fix sees of one module.

    Attributes:
        path: absolute path of the module.
        text: the decoded source.
        module: libcst tree of ``text`` (positions resolved on this very object).
        tree: ``ast`` tree of ``text``; facts: its :class:`~flake8_flask_deploy.facts.ModuleFacts`.
        finding: the finding to fix.
    """

    def __init__(self, path: str, text: str, module: cst.Module, tree: ast.Module, facts: ModuleFacts,
                 finding: Finding) -> None:
        self.path = path
        self.text = text
        self.module = module
        self.tree = tree
        self.facts = facts
        self.finding = finding
        self.lines = LINE_BREAK.split(text)
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        self.positions = wrapper.resolve(PositionProvider)
        self._starts: Dict[Tuple[int, int], List[cst.CSTNode]] = {}
        self.parents: Dict[cst.CSTNode, cst.CSTNode] = {}
        _index(module, self._starts, self.parents, self.positions)

    # ---- positions ------------------------------------------------------------------------------
    def char_col(self, line: int, byte_col: int) -> int:
        """Convert an ``ast`` column (UTF-8 bytes) on 1-based ``line`` to a character column."""
        if not 0 < line <= len(self.lines):
            return byte_col
        return len(self.lines[line - 1].encode("utf-8")[:byte_col].decode("utf-8", "ignore"))

    def nodes_at(self, line: int, byte_col: int, kind: Type[N]) -> List[N]:
        """Nodes of type ``kind`` starting at the ``ast`` position ``(line, byte_col)``, outermost first."""
        key = (line, self.char_col(line, byte_col))
        return [n for n in self._starts.get(key, []) if isinstance(n, kind)]

    def node_at(self, line: int, byte_col: int, kind: Type[N]) -> Optional[N]:
        """The outermost node of type ``kind`` starting at ``(line, byte_col)``, or None."""
        found = self.nodes_at(line, byte_col, kind)
        return found[0] if found else None

    def finding_node(self, kind: Type[N]) -> Optional[N]:
        """The node of type ``kind`` at the finding's start position."""
        return self.node_at(self.finding.line, self.finding.col, kind)

    def span(self, node: cst.CSTNode) -> Tuple[int, int]:
        """First and last line (1-based) of ``node``."""
        rng = self.positions[node]
        return rng.start.line, rng.end.line

    def ancestor(self, node: cst.CSTNode, kind: Type[N]) -> Optional[N]:
        """The nearest ancestor of ``node`` of type ``kind``."""
        current = self.parents.get(node)
        while current is not None and not isinstance(current, kind):
            current = self.parents.get(current)
        return current  # type: ignore[return-value]

    @property
    def max_line_length(self) -> int:
        """flake8's ``max-line-length`` for this module (:func:`max_line_length`)."""
        return max_line_length(self.path)

    def long_lines(self, code: str) -> int:
        """How many lines of ``code`` (a whole module's text) are longer than :attr:`max_line_length`
        (pycodestyle's E501 counts characters, without the line break)."""
        limit = self.max_line_length
        return sum(1 for line in LINE_BREAK.split(code) if len(line) > limit)

    # ---- edits ----------------------------------------------------------------------------------
    def replace(self, old: cst.CSTNode, new: cst.CSTNode) -> cst.Module:
        """The module with ``old`` (matched by identity) replaced by ``new``."""
        return self.module.deep_replace(old, new)  # type: ignore[return-value]

    def replace_many(self, mapping: Dict[cst.CSTNode, object]) -> cst.Module:
        """The module with each key node replaced (by identity) by its value: a node, a list of
        statements (``cst.FlattenSentinel``), ``cst.RemovalSentinel.REMOVE``, or a function of the
        updated node (for nested edits)."""
        return self.module.visit(_Replacer(mapping))  # type: ignore[return-value]

    def remove_statement(self, stmt: cst.BaseSmallStatement) -> Optional[cst.Module]:
        """Delete one small statement (``x = 1``), keeping everything around it.

        The comment lines above a deleted line move to the statement after it; a block left empty
        gets ``pass``. Returns None when the statement is not in a simple statement line.
        """
        line = self.parents.get(stmt)
        if not isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return None
        if len(line.body) > 1:
            body = [s for s in line.body if s is not stmt]
            body[-1] = body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
            return self.replace(line, line.with_changes(body=body))
        if isinstance(line, cst.SimpleStatementSuite):
            return self.replace(stmt, cst.Pass())
        return self.remove_line(line)

    def remove_line(self, line: cst.BaseStatement) -> cst.Module:
        """Delete a whole statement line (see :meth:`remove_statement`); the blank lines around it
        are merged as :func:`merge_leading_lines` says (no E303 for the gap it leaves)."""
        block = self.parents.get(line)
        siblings = list(getattr(block, "body", ()))
        index = next(i for i, s in enumerate(siblings) if s is line)
        leading = list(getattr(line, "leading_lines", ()))
        mapping: Dict[cst.CSTNode, object] = {}
        if len(siblings) == 1 and not isinstance(block, cst.Module):
            mapping[line] = cst.SimpleStatementLine(body=[cst.Pass()], leading_lines=leading)
        else:
            mapping[line] = cst.RemovalSentinel.REMOVE
            if index + 1 < len(siblings):
                nxt = siblings[index + 1]
                top = index == 0 and isinstance(block, cst.Module)
                mapping[nxt] = nxt.with_changes(leading_lines=merge_leading_lines(leading, nxt.leading_lines, top))
        return self.replace_many(mapping)


def max_line_length(path: str) -> int:
    """flake8's ``max-line-length`` that applies to the module ``path`` (the ``[flake8]`` section of
    ``setup.cfg``, ``tox.ini`` or ``.flake8`` that :func:`~flake8_flask_deploy.config.load_options`
    finds; 79, flake8's default, without one), so that a fix writes no line pycodestyle calls too
    long (E501). Cached per folder for the session."""
    folder = os.path.dirname(path)
    cache = current().cache("fixes.max_line_length", LAYOUT)
    if folder not in cache:
        cache[folder] = load_options(folder).max_line_length
    return cache[folder]


def _index(module: cst.Module, starts: Dict[Tuple[int, int], List[cst.CSTNode]],
           parents: Dict[cst.CSTNode, cst.CSTNode], positions) -> None:
    stack: List[cst.CSTNode] = []

    class Visitor(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if stack:
                parents[node] = stack[-1]
            stack.append(node)
            rng = positions.get(node)
            if rng is not None:
                starts.setdefault((rng.start.line, rng.start.column), []).append(node)
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            stack.pop()

    module.visit(Visitor())


class _Replacer(cst.CSTTransformer):
    def __init__(self, mapping: Dict[cst.CSTNode, object]) -> None:
        super().__init__()
        self.mapping = mapping

    def on_leave(self, original_node, updated_node):  # type: ignore[override]
        if original_node in self.mapping:
            new = self.mapping[original_node]
            if callable(new) and not isinstance(new, cst.CSTNode):
                new = new(updated_node)
            if isinstance(new, list):
                return cst.FlattenSentinel(new)
            return new
        return updated_node


# ---- helpers shared by the rules ---------------------------------------------------------------
def merge_leading_lines(deleted: Sequence[cst.EmptyLine], following: Sequence[cst.EmptyLine],
                        top: bool = False) -> List[cst.EmptyLine]:
    """The leading lines of the statement that follows a deleted one.

    Args:
        deleted: the deleted statement's leading lines (blank and comment lines above it).
        following: the next statement's own leading lines.
        top: the deleted statement was the first of the module (the next one becomes first).
    Returns:
        The comment lines of ``deleted`` (with the blank lines between them) are kept; the blank
        lines that separated the deleted statement from what comes before belong to it and go,
        so the gap becomes as wide as the wider of the two (never the sum, which pycodestyle reports
        as E303 "too many blank lines"); at the top of the module, without comments, no blank line
        is left. Example: ``import x`` / 1 blank / ``app = Flask()`` / 2 blanks / ``@app.route``
        without the middle statement is ``import x`` / 2 blanks / ``@app.route``.
    """
    deleted, following = list(deleted), list(following)
    last_comment = max((i for i, line in enumerate(deleted) if line.comment is not None), default=-1)
    head, tail = deleted[:last_comment + 1], deleted[last_comment + 1:]
    own = next((i for i, line in enumerate(following) if line.comment is not None), len(following))
    if top and not head:
        return following[own:]
    return head + [cst.EmptyLine()] * max(len(tail), own) + following[own:]


def remove_from_sequence(items: Sequence[N], target: N, attr: str = "comma") -> List[N]:
    """``items`` without ``target`` (an ``Arg`` or ``DictElement``); when the last item goes, the
    new last item takes its comma so a trailing comma (or its absence) is kept."""
    out = [x for x in items if x is not target]
    if out and items and items[-1] is target:
        out[-1] = out[-1].with_changes(**{attr: getattr(target, attr)})
    return out


def is_main_guard(node: cst.CSTNode) -> bool:
    """True for ``if __name__ == "__main__":`` (either operand order) as a libcst node."""
    if not isinstance(node, cst.If):
        return False
    test = node.test
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1):
        return False
    if not isinstance(test.comparisons[0].operator, cst.Equal):
        return False
    sides = [test.left, test.comparisons[0].comparator]
    has_name = any(isinstance(s, cst.Name) and s.value == "__name__" for s in sides)
    has_main = any(isinstance(s, cst.SimpleString) and s.evaluated_value == "__main__" for s in sides)
    return has_name and has_main


def main_guard(indent_of: cst.Module, body: Sequence[cst.BaseStatement],
               leading_lines: Sequence[cst.EmptyLine] = ()) -> cst.If:
    """Build ``if __name__ == "__main__":`` around ``body``."""
    test = cst.parse_expression('__name__ == "__main__"')
    return cst.If(test=test, body=cst.IndentedBlock(body=list(body)), leading_lines=list(leading_lines))


def is_import_line(stmt: cst.CSTNode) -> bool:
    """True for a statement line holding only imports (``import os``, ``from a import b; import c``)."""
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in stmt.body)


def add_import(module: cst.Module, name: str, obj: Optional[str] = None) -> cst.Module:
    """``module`` with ``import name`` (``from name import obj``) added when it is missing, where
    libcst's ``AddImportsVisitor`` puts it (after the module's leading imports, or at its top).

    A function or class that the new import line now directly precedes gets the two blank lines
    before it that pycodestyle wants after an import (E302: ``AddImportsVisitor`` leaves one, so
    ``class Config:`` at the top of a module became ``import os`` / blank / ``class Config:``);
    nothing else changes.
    """
    context = CodemodContext()
    AddImportsVisitor.add_needed_import(context, name, obj)
    new = AddImportsVisitor(context).transform_module(module)
    old = {module.code_for_node(stmt) for stmt in module.body if is_import_line(stmt)}
    body = list(new.body)
    for at in range(1, len(body)):
        stmt, before = body[at], body[at - 1]
        if not isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) or not is_import_line(before) \
                or new.code_for_node(before) in old:
            continue
        lines = list(stmt.leading_lines)
        blank = next((n for n, line in enumerate(lines) if line.comment is not None), len(lines))
        if blank < 2:
            body[at] = stmt.with_changes(leading_lines=[cst.EmptyLine()] * (2 - blank) + lines)
    return new.with_changes(body=body)


def module_fix(code: str) -> Optional[Callable[[FixContext], Optional[Change]]]:
    """The ``fix(ctx)`` function of rule ``code``'s module (``fixes/fdp001.py`` for FDP001, found by
    its name and imported on first use), or None when the rule has none."""
    name = f"{__name__}.{code.lower()}"
    if not code.isalnum() or importlib.util.find_spec(name) is None:
        return None
    return getattr(importlib.import_module(name), "fix", None)


__all__ = ["SAFE", "UNSAFE", "MAPPED_FINDINGS", "Change", "FixContext", "module_fix", "remove_from_sequence",
           "merge_leading_lines", "is_main_guard", "main_guard", "add_import", "is_import_line"]
