"""The one walk over a module's statements.

Every fact this package reads from a module's ``ast`` comes from :func:`walk`: it visits the
statements once, in order, works out where each one runs, and hands it to the recorders (the
module's Flask facts, :mod:`flake8_flask_deploy.facts`; the project index's scan,
:mod:`flake8_flask_deploy.scan`). A recorder keeps what it needs; the walker alone decides how
``if``/``try``/loops/functions/classes and the ``__main__`` guard nest.

Where a statement runs is described twice, for two kinds of question:

* :class:`Where` (the Flask facts): the scope, the *region* (at import, under the guard, or in a
  function resolved later) and ``conditional``: under a branch that may not be taken (an ``if``
  other than the guard, an ``except`` handler, a ``match`` case). A loop body or a ``try``'s ``else``
  is not conditional here: the setup rules treat code that normally runs as running.
* :class:`Ctx` (the project index): the scope (functions and classes), ``conditional`` in the
  stricter sense "may be skipped" (also a ``while`` body and a ``try``'s ``else``), whether it is
  under the guard, directly in a class body, and the values loop variables take (a
  ``register_blueprint`` in a loop over a literal list registers each element).

The ``__main__`` guard (``if __name__ == "__main__":`` in either operand order, or ``!=`` with the
branches swapped) is recognised at module level only: the body runs only when the module is
executed as a script, https://docs.python.org/3/library/__main__.html.

Within a statement, the recorders read its expressions with the one expression walk,
:func:`expression_nodes`.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple
from .records import FROM_FACTORY, Record

IMPORT = "import"  # runs when the module is imported (what a WSGI server does)
GUARD = "guard"  # runs only when the module is executed as a script
FUNCTION = "function"  # inside a function; resolved later


@dataclass(init=False, repr=False, eq=False)
class Where(Record):
    """Where a statement executes, for the Flask facts.

    Attributes:
        scope: ``""`` at module level, else the qualified name of the enclosing function.
        region: ``IMPORT``, ``GUARD`` or ``FUNCTION`` (see :meth:`ModuleFacts.region_of`).
        conditional: True under an ``if`` (other than the guard), an ``except`` or a ``match``.
        guard: the guard ``ast.If`` when the statement is lexically under one.
    """

    scope: str = ""
    region: str = IMPORT
    conditional: bool = False
    guard: Optional[ast.If] = None

    def __init__(self, scope: str = "", region: str = IMPORT, conditional: bool = False,
                 guard: Optional[ast.If] = None) -> None:
        self.scope = scope
        self.region = region
        self.conditional = conditional
        self.guard = guard


@dataclass(init=False, repr=False, eq=False)
class Ctx(Record):
    """Where a statement runs, for the project index: ``scope`` ("" at module level, else the dotted
    function/class name), ``conditional`` (may be skipped: under an ``if``, an ``except`` handler, a
    ``match`` case, a ``while`` body, a ``try``'s ``else``), ``guard`` (under the ``__main__``
    guard), ``in_class`` (directly in a class body), ``loops`` (loop variable -> the expressions it
    takes)."""

    scope: str = ""
    conditional: bool = False
    guard: bool = False
    in_class: bool = False
    loops: Dict[str, List[ast.expr]] = field(default_factory=dict)

    def __init__(self, scope: str = "", conditional: bool = False, guard: bool = False, in_class: bool = False,
                 loops: Dict[str, List[ast.expr]] = FROM_FACTORY) -> None:
        self.scope = scope
        self.conditional = conditional
        self.guard = guard
        self.in_class = in_class
        self.loops = {} if loops is FROM_FACTORY else loops

    def child(self, **changes) -> "Ctx":
        data = dict(scope=self.scope, conditional=self.conditional, guard=self.guard, in_class=self.in_class,
                    loops=dict(self.loops))
        data.update(changes)
        return Ctx(**data)

    @property
    def at_import(self) -> bool:
        """True for unconditional module-level code outside the guard."""
        return self.scope == "" and not self.conditional and not self.guard


@dataclass(init=False, repr=False, eq=False)
class Block(Record):
    """A run of statements and where they execute, in both descriptions (``where``, ``ctx``)."""

    where: Where
    ctx: Ctx

    def __init__(self, where: Where, ctx: Ctx) -> None:
        self.where = where
        self.ctx = ctx


def is_main_guard(test: ast.expr) -> Optional[bool]:
    """Classify an ``if`` test: True for ``__name__ == "__main__"`` (either operand order), False
    for ``__name__ != "__main__"``, None for anything else."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and len(test.comparators) == 1):
        return None
    left, right = test.left, test.comparators[0]
    names = [x for x in (left, right) if isinstance(x, ast.Name) and x.id == "__name__"]
    consts = [x for x in (left, right) if isinstance(x, ast.Constant) and x.value == "__main__"]
    if not (names and consts):
        return None
    if isinstance(test.ops[0], ast.Eq):
        return True
    if isinstance(test.ops[0], ast.NotEq):
        return False
    return None


class Recorder:
    """What one walk records. The walker calls a hook for each statement, before the statements it
    contains; every hook does nothing unless overridden.

    ``enters_classes``: False for a recorder that has nothing to learn inside class bodies (it is
    told about the ``class`` statement, not about its body; when no recorder enters classes, the
    walker skips the body).
    """

    enters_classes = True

    def guard(self, stmt: ast.If, block: Block, kind: bool) -> None:
        """A module-level ``__main__`` guard (``kind``: :func:`is_main_guard`'s answer)."""

    def if_test(self, stmt: ast.If, block: Block) -> None:
        """Any other ``if``: its test runs in ``block``."""

    def function(self, stmt: ast.stmt, block: Block, qualname: str) -> None:
        """A ``def``/``async def`` (decorators and defaults run in ``block``; the body follows)."""

    def class_def(self, stmt: ast.ClassDef, block: Block, qualname: str) -> None:
        """A ``class`` statement (decorators and bases run in ``block``; the body follows)."""

    def loop(self, stmt: ast.stmt, block: Block) -> Optional[Dict[str, List[ast.expr]]]:
        """A ``for`` or ``while`` (its iterable or test runs in ``block``). Returns, for a ``for``,
        the loop variables' values to add to the body's :attr:`Ctx.loops` (None: none)."""
        return None

    def with_items(self, stmt: ast.stmt, block: Block) -> None:
        """A ``with``: its context expressions run in ``block``."""

    def match(self, stmt: ast.stmt, block: Block) -> None:
        """A ``match``: its subject runs in ``block``."""

    def simple(self, stmt: ast.stmt, block: Block) -> None:
        """Any statement without a body (imports, assignments, expressions, ``return``, ...)."""


def walk(body: Sequence[ast.stmt], recorders: Sequence[Recorder]) -> None:
    """Walk a module's statements once, telling each recorder about each statement.

    Args:
        body: the module's statements (``tree.body``).
        recorders: what to tell (each sees the statements in source order).
    Raises:
        RecursionError: on pathologically deep nesting.
    """
    _Walker().block(body, Block(Where(), Ctx()), list(recorders))


class _Walker:
    def block(self, stmts: Iterable[ast.stmt], block: Block, recorders: List[Recorder]) -> None:
        for stmt in stmts:
            self.stmt(stmt, block, recorders)

    def stmt(self, stmt: ast.stmt, block: Block, recorders: List[Recorder]) -> None:
        if isinstance(stmt, ast.If):
            self.if_(stmt, block, recorders)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.function(stmt, block, recorders)
        elif isinstance(stmt, ast.ClassDef):
            self.class_def(stmt, block, recorders)
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            self.loop(stmt, block, recorders)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for recorder in recorders:
                recorder.with_items(stmt, block)
            self.block(stmt.body, block, recorders)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            self.try_(stmt, block, recorders)
        elif type(stmt).__name__ == "Match":
            for recorder in recorders:
                recorder.match(stmt, block)
            cond = _branch(block)
            for case in stmt.cases:  # type: ignore[attr-defined]
                self.block(case.body, cond, recorders)
        else:
            for recorder in recorders:
                recorder.simple(stmt, block)

    def if_(self, stmt: ast.If, block: Block, recorders: List[Recorder]) -> None:
        where, ctx = block.where, block.ctx
        kind = is_main_guard(stmt.test) if ctx.scope == "" else None
        if kind is None:
            for recorder in recorders:
                recorder.if_test(stmt, block)
            cond = _branch(block)
            self.block(stmt.body, cond, recorders)
            self.block(stmt.orelse, cond, recorders)
            return
        for recorder in recorders:
            recorder.guard(stmt, block, kind)
        guarded = Where(where.scope, GUARD, where.conditional, stmt)
        imported = Where(where.scope, where.region, where.conditional, where.guard)
        self.block(stmt.body, Block(guarded if kind else imported, ctx.child(guard=bool(kind))),
                   recorders)
        self.block(stmt.orelse, Block(imported if kind else guarded, ctx.child(guard=not kind)),
                   recorders)

    def function(self, stmt: ast.stmt, block: Block, recorders: List[Recorder]) -> None:
        scope = block.ctx.scope
        qualname = f"{scope}.{stmt.name}" if scope else stmt.name  # type: ignore[attr-defined]
        for recorder in recorders:
            recorder.function(stmt, block, qualname)
        # a function defined under the guard is guard code; its body resolves through calls
        inner = Block(Where(qualname, FUNCTION, False, block.where.guard),
                      block.ctx.child(scope=qualname, in_class=False, conditional=False))
        self.block(stmt.body, inner, recorders)  # type: ignore[attr-defined]

    def class_def(self, stmt: ast.ClassDef, block: Block, recorders: List[Recorder]) -> None:
        scope = block.ctx.scope
        qualname = f"{scope}.{stmt.name}" if scope else stmt.name
        for recorder in recorders:
            recorder.class_def(stmt, block, qualname)
        inside = [r for r in recorders if r.enters_classes]
        if inside:
            body = Block(Where(qualname, FUNCTION, False, block.where.guard),
                         block.ctx.child(scope=qualname, in_class=True))
            self.block(stmt.body, body, inside)

    def loop(self, stmt: ast.stmt, block: Block, recorders: List[Recorder]) -> None:
        loops: Dict[str, List[ast.expr]] = {}
        for recorder in recorders:
            loops.update(recorder.loop(stmt, block) or {})
        if isinstance(stmt, ast.While):
            body = Block(block.where, block.ctx.child(conditional=True))
            self.block(stmt.body, body, recorders)
            self.block(stmt.orelse, body, recorders)
            return
        body = Block(block.where, block.ctx.child(loops={**block.ctx.loops, **loops}))
        self.block(stmt.body, body, recorders)  # type: ignore[attr-defined]
        self.block(stmt.orelse, block, recorders)  # type: ignore[attr-defined]

    def try_(self, stmt: ast.stmt, block: Block, recorders: List[Recorder]) -> None:
        self.block(stmt.body, block, recorders)  # type: ignore[attr-defined]
        cond = _branch(block)
        for handler in stmt.handlers:  # type: ignore[attr-defined]
            self.block(handler.body, cond, recorders)
        # the ``else`` runs unless the body raised: conditional for the index, not for the facts
        self.block(stmt.orelse, Block(block.where, block.ctx.child(conditional=True)),  # type: ignore
                   recorders)
        self.block(stmt.finalbody, block, recorders)  # type: ignore[attr-defined]


def _branch(block: Block) -> Block:
    """The block of a branch that may not be taken (``if``, ``except``, ``case``): conditional in
    both descriptions."""
    where = block.where
    return Block(Where(where.scope, where.region, True, where.guard), block.ctx.child(conditional=True))


#: Nodes that open a scope of their own inside an expression or a statement.
_SCOPES = (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def expression_nodes(root: ast.AST, enter_scopes: bool = True) -> Iterator[Tuple[ast.AST, bool]]:
    """The one walk over an expression (or a simple statement): every node under ``root``, ``root``
    first, as ``(node, is_receiver)``, where ``is_receiver`` is True for the object an attribute is
    read from (``app`` in ``app.config``). ``ctx`` objects (``Load``/``Store``) are left out; with
    ``enter_scopes`` False, so are nested lambdas, functions and classes (their bodies are walked as
    statements). Order: depth first, later children first (callers that need source order sort).
    About twice as fast as :func:`ast.walk` on real modules.
    """
    skip = ast.expr_context if enter_scopes else (ast.expr_context,) + _SCOPES
    Attribute, AST, Name, Constant = ast.Attribute, ast.AST, ast.Name, ast.Constant
    stack: List[Tuple[ast.AST, bool]] = [(root, False)]
    pop, push = stack.pop, stack.append
    while stack:
        node, receiver = pop()
        yield node, receiver
        kind = type(node)
        if kind is Attribute:
            push((node.value, True))  # type: ignore[attr-defined]
            continue
        if kind is Name or kind is Constant:  # the commonest nodes hold no node (a ``ctx`` at most)
            continue
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, AST) and (enter_scopes or not isinstance(item, _SCOPES)):
                        push((item, False))
            elif isinstance(value, AST) and not isinstance(value, skip):
                push((value, False))
