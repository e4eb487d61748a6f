"""``records.Record``: the ``__repr__`` and ``__eq__`` that ``dataclasses`` would generate, written once.
Each case builds a record and its twin made by plain ``@dataclass`` with the same fields and compares
what they do: repr (also of a record holding itself), equality with equal, different, subclass and
foreign values, and hashability."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, List, Optional

import pytest

from flake8_flask_deploy import model, rules, scan, walk
from flake8_flask_deploy.records import FrozenRecord, Record


@dataclass(repr=False, eq=False)
class Rec(Record):
    name: str
    items: List[Any] = field(default_factory=list)
    hidden: int = field(default=0, repr=False)
    ignored: int = field(default=0, compare=False)
    other: Optional[Any] = None


@dataclass
class Twin:
    name: str
    items: List[Any] = field(default_factory=list)
    hidden: int = field(default=0, repr=False)
    ignored: int = field(default=0, compare=False)
    other: Optional[Any] = None


@dataclass(frozen=True, repr=False, eq=False)
class FrozenRec(FrozenRecord):
    a: int
    b: str = "x"


@dataclass(frozen=True)
class FrozenTwin:
    a: int
    b: str = "x"


@dataclass(repr=False, eq=False)
class SubRec(Rec):
    extra: int = 1


def shown(text: str) -> str:
    return text.split("(", 1)[1]  # the class names differ


@pytest.mark.parametrize("args", [("a",), ("a", [1, "2"], 3, 4, None), ("b", [], 0, 9, "o")])
def test_same_repr_and_equality_as_a_dataclass(args) -> None:
    rec, twin = Rec(*args), Twin(*args)
    assert shown(repr(rec)) == shown(repr(twin))
    same, same_twin = Rec(*args), Twin(*args)
    assert (rec == same) == (twin == same_twin) is True
    changed = dataclasses.replace(rec, name="zz")
    assert (rec == changed) == (twin == dataclasses.replace(twin, name="zz")) is False
    ignored = dataclasses.replace(rec, ignored=99)
    assert (rec == ignored) == (twin == dataclasses.replace(twin, ignored=99)) is True
    assert (rec == args) is False and (rec != args) is True  # a foreign value: NotImplemented, then identity
    assert rec.__eq__(args) is NotImplemented and twin.__eq__(args) is NotImplemented
    assert rec.__eq__(SubRec(*args)) is NotImplemented  # another class, a subclass too, as dataclasses do
    with pytest.raises(TypeError):
        hash(rec)
    with pytest.raises(TypeError):
        hash(twin)


def test_recursive_repr_and_nested_records() -> None:
    rec, twin = Rec("r"), Twin("r")
    rec.items.append(rec)
    twin.items.append(twin)
    assert shown(repr(rec)) == shown(repr(twin)) == "name='r', items=[...], ignored=0, other=None)"
    outer = Rec("o", other=FrozenRec(1))
    assert repr(outer) == "Rec(name='o', items=[], ignored=0, other=FrozenRec(a=1, b='x'))"


@dataclass(frozen=True, repr=False, eq=False)
class FrozenFields(FrozenRecord):
    a: int
    note: str = field(default="", compare=False)
    key: tuple = field(default=(), hash=True, compare=False)
    unhashed: list = field(default_factory=list, hash=False)


@dataclass(frozen=True)
class FrozenFieldsTwin:
    a: int
    note: str = field(default="", compare=False)
    key: tuple = field(default=(), hash=True, compare=False)
    unhashed: list = field(default_factory=list, hash=False)


@pytest.mark.parametrize("args", [(1, "y"), (2, "x"), (0, "")])
def test_frozen_records_have_the_generated_equality_and_hash(args) -> None:
    rec, twin = FrozenRec(*args), FrozenTwin(*args)
    assert shown(repr(rec)) == shown(repr(twin))
    assert hash(rec) == hash(twin) == hash(FrozenRec(*args)) and {rec: 1}[FrozenRec(*args)] == 1
    assert (rec == FrozenRec(args[0] + 1, args[1])) == (twin == FrozenTwin(args[0] + 1, args[1])) is False
    assert rec.__eq__(args) is NotImplemented and twin.__eq__(args) is NotImplemented
    with pytest.raises(dataclasses.FrozenInstanceError):
        rec.a = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del rec.a  # type: ignore[misc]
    for values in [(1,), (1, "n", (2, 3), [4]), (5, "", (), [])]:
        fields_rec, fields_twin = FrozenFields(*values), FrozenFieldsTwin(*values)
        assert hash(fields_rec) == hash(fields_twin)  # compare=False out, hash=True in, hash=False out
        assert (fields_rec == dataclasses.replace(fields_rec, note="n2", key=(9,))) == \
            (fields_twin == dataclasses.replace(fields_twin, note="n2", key=(9,))) is True  # compare=False out
        assert (fields_rec == dataclasses.replace(fields_rec, unhashed=[7])) == \
            (fields_twin == dataclasses.replace(fields_twin, unhashed=[7])) is False  # hash=False: still compared
    with pytest.raises(TypeError):
        hash(FrozenFields(1, key=([],)))
    with pytest.raises(TypeError):
        hash(FrozenFieldsTwin(1, key=([],)))


def package_dataclasses() -> list:
    """Every dataclass defined in a module of the package."""
    import importlib
    import pkgutil

    import flake8_flask_deploy

    found = []
    for info in pkgutil.walk_packages(flake8_flask_deploy.__path__, "flake8_flask_deploy."):
        module = importlib.import_module(info.name)
        found.extend(value for value in vars(module).values()
                     if isinstance(value, type) and "__dataclass_params__" in vars(value) and value.__module__ == info.name)
    return found


def test_the_tools_records_use_it() -> None:
    """Every dataclass of the package is a Record (no generated repr or eq) that writes its ``__init__``
    (none generated), and no dataclass is frozen by ``dataclasses`` (a FrozenRecord is: no generated
    hash, setattr, delattr)."""
    seen = package_dataclasses()
    for value in seen:
        params = value.__dataclass_params__  # type: ignore[attr-defined]
        assert issubclass(value, Record), value
        assert "__repr__" not in vars(value) and "__eq__" not in vars(value), value
        assert not params.init and "__init__" in vars(value), value
        assert not params.frozen and not {"__hash__", "__setattr__", "__delattr__"} & set(vars(value)), value
    assert len(seen) >= 50
    assert repr(model.Bind("0.0.0.0", 80)).startswith("Bind(")
    assert walk.Where() == walk.Where() and scan.Route is not None and rules.ModuleContext is not None


def twin_of(cls: type) -> type:
    """A plain dataclass with the fields of ``cls``: its generated ``__init__`` is the reference."""
    specs = [(f.name, f.type, field(default=f.default, default_factory=f.default_factory, init=f.init, repr=f.repr,
                                    hash=f.hash, compare=f.compare)) for f in dataclasses.fields(cls)]
    return dataclasses.make_dataclass(cls.__name__ + "Twin", specs)


@pytest.mark.parametrize("cls", package_dataclasses(), ids=lambda c: f"{c.__module__.rsplit('.', 1)[-1]}.{c.__name__}")
def test_a_written_init_is_the_generated_one(cls: type) -> None:
    """The parameters (names, kinds, defaults, annotations) and the values set of each record's ``__init__``
    are those of the ``__init__`` ``dataclasses`` generates for the same fields: a field added, removed,
    renamed or given another default without the same change to ``__init__`` fails here."""
    import inspect

    from flake8_flask_deploy.records import FROM_FACTORY

    twin = twin_of(cls)
    ours = list(inspect.signature(cls.__init__).parameters.values())
    theirs = list(inspect.signature(twin.__init__).parameters.values())
    assert [(p.name, p.kind) for p in ours] == [(p.name, p.kind) for p in theirs]
    for mine, reference in zip(ours[1:], theirs[1:]):
        assert mine.annotation == reference.annotation, mine.name
        if repr(reference.default) == "<factory>":
            assert mine.default is FROM_FACTORY, mine.name
        else:
            assert mine.default is reference.default or mine.default == reference.default, mine.name
    names = [p.name for p in theirs[1:]]
    required = {p.name: object() for p in theirs[1:] if p.default is inspect.Parameter.empty}
    for given in (required, {name: object() for name in names}):
        made, reference = cls(**given), twin(**given)
        for f in dataclasses.fields(cls):
            mine, expected = getattr(made, f.name), getattr(reference, f.name)
            assert mine is expected or (f.name not in given and mine == expected), f.name
            if f.name not in given and f.default_factory is not dataclasses.MISSING:
                assert mine is not getattr(cls(**given), f.name), f.name  # a fresh value per record
    if issubclass(cls, FrozenRecord):
        made = cls(**required)
        name = dataclasses.fields(cls)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(made, name, 1)
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(made, name)
        assert dataclasses.replace(made) is not made


def test_a_lazy_pattern_compiles_on_first_use_and_acts_as_the_compiled_one() -> None:
    import re

    from flake8_flask_deploy.records import LazyPattern

    lazy = LazyPattern(r"\bapp\b", re.IGNORECASE)
    assert lazy._compiled is None  # noqa: SLF001 - nothing compiled yet
    compiled = re.compile(r"\bapp\b", re.IGNORECASE)
    for text in ("APP = 1", "my_app = 2", "x.app.run()"):
        assert bool(lazy.search(text)) == bool(compiled.search(text))
        assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert lazy.pattern == compiled.pattern and lazy.flags == compiled.flags
    broken = LazyPattern(r"(unclosed")
    with pytest.raises(re.error):
        broken.search("x")


def test_the_import_compiles_no_regex_only_a_cold_run_uses() -> None:
    """Deployment words, index entries built from bytes, the autofixers' commands, proxy reads: a warm
    editor run's import does not compile them (records.LazyPattern)."""
    import subprocess
    import sys

    code = ("import flake8_flask_deploy.plugin, flake8_flask_deploy.engine as e\n"
            "from flake8_flask_deploy import index, prefilter, autofixers, project\n"
            "from flake8_flask_deploy.rules import fdp008_blueprint_never_registered as r8, "
            "fdp011_proxy_without_proxyfix as r11\n"
            "lazy = [index.DYNAMIC_IMPORT, index.PREFILTER, index._INDEXED_PATTERNS[0][1], prefilter._FOLLOWED,\n"
            "        prefilter._WORDS[0], autofixers._MENTIONS['ruff'], project.DEPENDENCY_FILE, r8._COMMENTED_REGISTER,\n"
            "        r11.HANDLED]\n"
            "print(sum(p._compiled is not None for p in lazy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"
