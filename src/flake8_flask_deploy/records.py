"""What keeps the plugin's import cheap: the ``__repr__`` and ``__eq__`` of the tool's dataclasses,
written once instead of per class (:class:`Record`), and regexes compiled when first used
(:class:`LazyPattern`).

``dataclasses.dataclass`` compiles each method it generates with ``exec``: about 0.1 ms a method,
and the plugin's import makes 37 classes with 3 to 6 methods each (13 ms of its ~23 ms on Python
3.11, measured by timing ``dataclasses._process_class`` during the import; benchmarks/RESULTS.md).
An editor that runs a fresh ``flake8`` on every save pays that import every time. ``__repr__`` is
read only by people debugging and ``__eq__`` of a mutable record rarely, so the records say
``@dataclass(repr=False, eq=False)`` and inherit both from :class:`Record`, and frozen ones say
``@dataclass(frozen=True, repr=False, eq=False)`` and inherit ``__hash__`` too, from
:class:`FrozenRecord` (a frozen dataclass made 5 methods, 0.4 ms; now 3). They behave as the
generated ones do (https://docs.python.org/3/library/dataclasses.html#dataclasses.dataclass):

- ``repr``: ``ClassQualname(field=value!r, ...)`` over the fields with ``repr=True``, in order, and
  ``...`` for a record that contains itself;
- ``==``: ``NotImplemented`` unless both are of the very same class, else the tuples of the fields
  with ``compare=True`` compared; a class that defines ``__eq__`` is unhashable (``__hash__`` is
  None), as a mutable dataclass with ``eq=True`` is;
- ``hash`` (:class:`FrozenRecord`): the hash of the tuple of the fields with ``hash=True``, or with
  ``hash=None`` and ``compare=True``, as a frozen dataclass with ``eq=True`` has.

Test: tests/test_records.py compares them with the generated methods of twin dataclasses.
"""
from __future__ import annotations

import re
import reprlib
from dataclasses import fields
from typing import Any, Dict, Optional, Tuple, Union

#: per class: the names of its fields that ``repr`` shows and that ``==`` compares
_SHOWN: Dict[type, Tuple[str, ...]] = {}
_COMPARED: Dict[type, Tuple[str, ...]] = {}
_HASHED: Dict[type, Tuple[str, ...]] = {}


def _names(cls: type, table: Dict[type, Tuple[str, ...]], attribute: str) -> Tuple[str, ...]:
    found = table.get(cls)
    if found is None:
        found = table[cls] = tuple(f.name for f in fields(cls) if getattr(f, attribute))
    return found


class Record:
    """Base of the tool's dataclasses: their ``__repr__`` and ``__eq__`` (see the module docstring).

    Raises:
        TypeError: from ``repr``/``==`` on a subclass that is not a dataclass.
    """

    __slots__ = ()

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        shown = _names(type(self), _SHOWN, "repr")
        return f"{type(self).__qualname__}({', '.join(f'{name}={getattr(self, name)!r}' for name in shown)})"

    def __eq__(self, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        compared = _names(type(self), _COMPARED, "compare")
        return tuple(getattr(self, name) for name in compared) == tuple(getattr(other, name) for name in compared)


class FrozenRecord(Record):
    """Base of the tool's frozen dataclasses: :class:`Record`'s ``__repr__`` and ``__eq__``, and the
    ``__hash__`` a frozen dataclass with ``eq=True`` generates (see the module docstring).

    Raises:
        TypeError: from ``hash`` when a hashed field holds an unhashable value, as the generated one.
    """

    __slots__ = ()

    def __hash__(self) -> int:
        cls = type(self)
        hashed = _HASHED.get(cls)
        if hashed is None:
            hashed = _HASHED[cls] = tuple(f.name for f in fields(cls) if (f.compare if f.hash is None else f.hash))
        return hash(tuple(getattr(self, name) for name in hashed))


class LazyPattern:
    """``re.compile(pattern, flags)``, made when first used: a module-level regex that most runs never
    use (one for cache misses, deployment files, fixes) costs the import nothing (compiling one costs
    0.05-0.3 ms, and an editor's run imports the engine for each Flask module it lints).

    Every attribute is the compiled pattern's (``search``, ``finditer``, ``pattern``, ...).

    Raises:
        re.error: on first use, for an invalid pattern.
    """

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: Union[str, bytes], flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: Optional[re.Pattern] = None

    def __getattr__(self, name: str) -> Any:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(*self._args)
        return getattr(compiled, name)
