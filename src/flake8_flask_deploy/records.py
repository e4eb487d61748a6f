"""What keeps the plugin's import cheap: the methods of the tool's dataclasses written in their
source instead of generated at import (:class:`Record`, :class:`FrozenRecord`, :data:`FROM_FACTORY`),
and regexes compiled when first used (:class:`LazyPattern`).

``dataclasses.dataclass`` compiles each method it generates with ``exec`` when the class is made:
about 0.08 ms a method on Python 3.11, and the plugin's import makes 37 dataclasses (57 methods,
4.6 ms of the import even after ``__repr__``/``__eq__`` went; 13 ms of ~23 ms before anything was
done; benchmarks/RESULTS.md). An editor that runs a fresh ``flake8`` on every save pays that import
every time; a method written in the source is compiled once, into the ``.pyc``. So the records say
``@dataclass(init=False, repr=False, eq=False)``: ``dataclasses`` keeps what it is for (the
fields, ``fields()``, ``replace()``) and generates nothing. Each record writes its ``__init__``
(the parameters, defaults and assignments the generated one has: a field with a
``default_factory`` defaults to :data:`FROM_FACTORY`, and its factory is called when the caller passes
none; a field with ``init=False`` is set from its default), inherits ``__repr__`` and ``__eq__``
from :class:`Record`, and a frozen one also ``__hash__``, ``__setattr__`` and ``__delattr__`` from
:class:`FrozenRecord` (its ``__init__`` sets the fields with ``object.__setattr__``, as the generated
one of a frozen dataclass does). They behave as the generated ones do
(https://docs.python.org/3/library/dataclasses.html#dataclasses.dataclass):

- ``__init__``: the signature and the values of the generated one;
- ``repr``: ``ClassQualname(field=value!r, ...)`` over the fields with ``repr=True``, in order, and
  ``...`` for a record that contains itself;
- ``==``: ``NotImplemented`` unless both are of the very same class, else the tuples of the fields
  with ``compare=True`` compared; a class that defines ``__eq__`` is unhashable (``__hash__`` is
  None), as a mutable dataclass with ``eq=True`` is;
- ``hash`` (:class:`FrozenRecord`): the hash of the tuple of the fields with ``hash=True``, or with
  ``hash=None`` and ``compare=True``, as a frozen dataclass with ``eq=True`` has; assigning or
  deleting an attribute raises ``dataclasses.FrozenInstanceError``.

Test: tests/test_records.py compares them with the generated methods of twin dataclasses, and the
``__init__`` of every dataclass of the package with its twin's (a field added without its parameter
fails it).
"""
from __future__ import annotations

import re
import reprlib
from dataclasses import FrozenInstanceError, fields
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


class _FromFactory:
    """The type of :data:`FROM_FACTORY`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "FROM_FACTORY"


#: The default of an ``__init__`` parameter whose field has a ``default_factory``: the record makes
#: the factory's value when the caller passes none (what ``dataclasses``' generated ``__init__``
#: does with its own sentinel).
FROM_FACTORY: Any = _FromFactory()


class FrozenRecord(Record):
    """Base of the tool's frozen dataclasses: :class:`Record`'s ``__repr__`` and ``__eq__``, the
    ``__hash__`` a frozen dataclass with ``eq=True`` generates, and its ``__setattr__`` and
    ``__delattr__`` (see the module docstring).

    Raises:
        TypeError: from ``hash`` when a hashed field holds an unhashable value, as the generated one.
        dataclasses.FrozenInstanceError: on assigning or deleting an attribute.
    """

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

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
