"""What a Python script reaches when it runs: the functions and classes of the project that its
``__main__`` code calls, and what they call in turn.

A deployment that runs a program (``python ./web/index.py``, an installed script such as
``run-batch-client``) starts whatever that program's calls start: ``FlaskAppManager(app).run()``
whose method calls ``self.app.run(...)``, or ``client.run(args)`` that builds an ``ApiServer`` whose
``__init__`` starts ``Thread(target=self.flask_app.run, ...)``. Those ``app.run()`` calls are the
launch's server, although they are in methods of classes in other modules.

The call graph is read with :mod:`ast` (never executed) and over-approximated the usual static way:
every call in a reached body counts, in any branch; a call is followed when its callee is a name the
module defines or imports from the project (``f()``, ``mod.f()``, ``Class()`` -> ``Class.__init__``,
``Class.method()``), a method of ``self`` in a method, or a method of a local variable assigned from a
project class (``fam = FlaskAppManager(...); fam.run()``); ``Thread(target=...)`` and
``Process(target=...)`` call their target. Calls through other objects, callbacks and dynamic
dispatch are not followed. At most :data:`MAX_REACHED` bodies are read per script.
"""
from __future__ import annotations

import ast
import os
from typing import Callable, Dict, Iterator, List, Optional, Set, Tuple

from .. import project
from ..facts import called_name

#: Most function and method bodies followed from one script (a bound on the work, not on depth).
MAX_REACHED = 80
#: Callables that run the function given as ``target=`` (threading, multiprocessing).
_RUNNERS = frozenset({"Thread", "Process", "Timer"})

Resolve = Callable[[str], Optional[str]]
Body = Tuple[str, str, List[ast.stmt]]  # (file, qualified name of the function or "", statements)


def reached_calls(path: str, resolve: Resolve) -> Tuple[Tuple[str, str], ...]:
    """The functions and classes that the script ``path`` reaches when it runs as ``__main__``.

    Args:
        path: the script's file (absolute, normalised).
        resolve: maps a dotted module name to its file in the project (None when it is not there).
    Returns:
        ``((file, qualified name), ...)`` in the order first reached: a function of another module
        (``(".../cli.py", "main")``), or a method of a class of any module, the script's included
        (``(".../index.py", "FlaskAppManager.run")``, ``(".../apiserver.py", "ApiServer.__init__")``
        for ``ApiServer(...)``). Functions of the script itself are followed but not listed (the
        script's own facts see them). ``()`` when the script cannot be parsed.
    """
    tree = project.module_tree(path)
    if tree is None:
        return ()
    start: List[ast.stmt] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.If) and "__main__" in ast.dump(stmt.test):
            start += stmt.body
        elif not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            start.append(stmt)
    queue: List[Body] = [(path, "", start)]
    seen: Set[Tuple[str, str]] = set()
    found: List[Tuple[str, str]] = []
    modules: Dict[str, Optional[_Module]] = {}
    resolved: Dict[str, Optional[str]] = {}

    def resolve_once(dotted: str) -> Optional[str]:
        if dotted not in resolved:
            resolved[dotted] = resolve(dotted)
        return resolved[dotted]

    def module_of(file: str) -> Optional[_Module]:
        if file not in modules:
            modules[file] = _Module.of(file, resolve_once)
        return modules[file]

    while queue and len(seen) < MAX_REACHED:
        file, qualname, body = queue.pop(0)
        module = module_of(file)
        if module is None:
            continue
        for target in _callees(module, qualname, body):
            if target in seen:
                continue
            seen.add(target)
            defined = _definition(module_of, *target)
            if defined is None:
                continue
            found_file, name, node = defined
            if (found_file != path or "." in name) and (found_file, name) not in found:
                found.append((found_file, name))
            queue.append((found_file, name, list(node.body)))
    return tuple(found)


def _definition(module_of: Callable[[str], Optional["_Module"]], file: str, name: str,
                depth: int = 0) -> Optional[Tuple[str, str, ast.AST]]:
    """``(file, qualified name, def)`` where the function or method ``name`` of the module ``file``
    is defined: in a base class for an inherited method, in another module for a name the module
    only imports (a package ``__init__`` re-exporting it)."""
    module = module_of(file)
    if module is None or depth > 3:
        return None
    found = module.definition(name)
    if found is not None:
        return (file,) + found
    head, _, rest = name.partition(".")
    if head in module.imported:
        other, original = module.imported[head]
        return _definition(module_of, other, original + ("." + rest if rest else ""), depth + 1)
    node = module.defs.get(head)
    for base in node.bases if rest and isinstance(node, ast.ClassDef) else ():
        # a method inherited from a base class another module defines (``class Service(Base)``)
        if isinstance(base, ast.Name) and base.id in module.imported:
            other, original = module.imported[base.id]
            found = _definition(module_of, other, f"{original}.{rest}", depth + 1)
            if found is not None:
                return found
    return None


class _Module:
    """The names one project module defines and imports (for following its calls)."""

    def __init__(self, path: str, tree: ast.Module, resolve: Resolve) -> None:
        self.path = path
        self.resolve = resolve
        self.defs: Dict[str, ast.AST] = {}
        self.imported: Dict[str, Tuple[str, str]] = {}  # local name -> (module file, name in it)
        self.modules: Dict[str, str] = {}  # local name -> module file
        for stmt in _statements(tree.body):
            if isinstance(stmt, ast.ImportFrom):
                self._import_from(stmt)
            elif isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    file = resolve(alias.name)
                    if file and alias.asname:
                        self.modules[alias.asname] = file
                    elif file and "." not in alias.name:
                        self.modules[alias.name] = file
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.defs[stmt.name] = stmt

    @staticmethod
    def of(path: str, resolve: Resolve) -> Optional["_Module"]:
        tree = project.module_tree(path)
        return _Module(path, tree, resolve) if tree is not None else None

    def _import_from(self, stmt: ast.ImportFrom) -> None:
        base = stmt.module or ""
        if stmt.level:
            folder = os.path.dirname(self.path)
            for _ in range(stmt.level - 1):
                folder = os.path.dirname(folder)
            file = project.module_file(folder, base) if base else os.path.join(folder, "__init__.py")
            package = folder
        else:
            file = self.resolve(base) if base else None
            package = os.path.dirname(file) if file and file.endswith("__init__.py") else None
        for alias in stmt.names:
            local = alias.asname or alias.name
            sub = project.module_file(package, alias.name) if package else None
            if sub and sub != self.path:
                self.modules[local] = sub  # ``from pkg import module``
            elif file and os.path.isfile(file) and file != self.path:
                self.imported[local] = (file, alias.name)

    def definition(self, name: str) -> Optional[Tuple[str, ast.AST]]:
        """``(qualified name, def)`` of ``name`` (``f``, ``Class.method``; a class's ``__init__`` or
        method looked up in its bases of this module, named in the class that defines it) or None."""
        head, _, method = name.partition(".")
        node = self.defs.get(head)
        if not method:
            return (name, node) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
        for cls in self._classes(head):
            for stmt in cls.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == method:
                    return f"{cls.name}.{method}", stmt
        return None

    def _classes(self, name: str, depth: int = 0) -> Iterator[ast.ClassDef]:
        node = self.defs.get(name)
        if not isinstance(node, ast.ClassDef) or depth > 4:
            return
        yield node
        for base in node.bases:
            if isinstance(base, ast.Name):
                yield from self._classes(base.id, depth + 1)

    def target(self, name: str) -> Optional[Tuple[str, str]]:
        """``(file, name)`` of what the local ``name`` is: a def of this module or one it imports."""
        if name in self.defs:
            return self.path, name
        return self.imported.get(name)


def _callees(module: _Module, qualname: str, body: List[ast.stmt]) -> Iterator[Tuple[str, str]]:
    """``(file, qualified name)`` of what each call in ``body`` may reach: ``X(...)`` is tried as the
    function ``X`` and as ``X.__init__`` (whichever is defined is followed, see :func:`_definition`)."""
    cls = qualname.split(".")[0] if "." in qualname else None
    local_types: Dict[str, Tuple[str, str]] = {}  # variable -> (file, class name) it was made from
    for node in _walk_calls(body):
        if isinstance(node, ast.Assign):
            made = node.value.func if isinstance(node.value, ast.Call) else None
            found = module.target(made.id) if isinstance(made, ast.Name) else None
            for t in node.targets:
                if isinstance(t, ast.Name):
                    if found is not None:
                        local_types[t.id] = found
                    else:
                        local_types.pop(t.id, None)
            continue
        assert isinstance(node, ast.Call)
        funcs = [node.func]
        if called_name(node.func) in _RUNNERS:
            funcs += [k.value for k in node.keywords if k.arg == "target"]
        for func in funcs:
            yield from _callee(module, cls, local_types, func)


def _callee(module: _Module, cls: Optional[str], local_types: Dict[str, Tuple[str, str]],
            func: ast.expr) -> Iterator[Tuple[str, str]]:
    if isinstance(func, ast.Name):
        found = module.target(func.id)
        if found is not None:
            yield found
            yield found[0], found[1] + ".__init__"
        return
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call) and cls is not None \
            and called_name(func.value.func) == "super":
        node = module.defs.get(cls)  # ``super().__init__(...)``: the bases' method
        for base in node.bases if isinstance(node, ast.ClassDef) else ():
            found = module.target(base.id) if isinstance(base, ast.Name) else None
            if found is not None:
                yield found[0], f"{found[1]}.{func.attr}"
        return
    if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
        return
    owner, attr = func.value.id, func.attr
    if owner == "self" and cls is not None:
        yield module.path, f"{cls}.{attr}"
    elif owner in local_types:
        file, name = local_types[owner]
        yield file, f"{name}.{attr}"
    elif owner in module.modules:
        yield module.modules[owner], attr
        yield module.modules[owner], attr + ".__init__"
    elif module.target(owner) is not None:
        file, name = module.target(owner)  # type: ignore[misc]
        yield file, f"{name}.{attr}"


def _walk_calls(body: List[ast.stmt]) -> Iterator[ast.AST]:
    """The calls in ``body`` (nested ``def``/``class`` bodies left out: they run when called) and the
    assignments of a call's result to names, in source order."""
    stack: List[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.Assign, ast.Call)):
            yield node
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _statements(body: List[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of ``body`` and of the blocks nested in it (``if``, ``try``, ``with``,
    loops, ``def``, ``class``), expressions not entered: where ``import`` statements can be."""
    stack = list(reversed(body))
    while stack:
        stmt = stack.pop()
        yield stmt
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(stmt, name, None)
            if isinstance(inner, list):
                stack.extend(reversed([s for s in inner if isinstance(s, ast.AST)]))
