"""FDP003 fix: turn debug mode off where production runs it. Safe.

* ``app.run(debug=True)`` / ``use_debugger=True``: the keyword is dropped; Flask then reads
  ``FLASK_DEBUG`` from the environment (https://flask.palletsprojects.com/en/stable/api/#flask.Flask.run).
  A positional ``debug`` (third argument) is dropped when it is the last one, else replaced by ``None``.
* ``app.debug = True`` and ``app.config["DEBUG"] = True``: the statement is deleted.
* ``app.config.update(DEBUG=True)`` / ``from_mapping({"DEBUG": True})``: the key is dropped.

Not fixed: ``config.from_object(__name__)`` reading a module constant (the rule marks it unfixable),
chained assignments (``app.debug = x = True``).
"""
from __future__ import annotations

from typing import Optional

import libcst as cst

from . import SAFE, Change, FixContext, remove_from_sequence

DESCRIPTION = "turn debug mode off (Flask reads FLASK_DEBUG from the environment)"


def fix(ctx: FixContext) -> Optional[Change]:
    """Return the safe rewrite of an FDP003 finding, or None (see module docstring)."""
    f = ctx.finding
    arg = ctx.finding_node(cst.Arg)
    if arg is not None:
        return _drop_arg(ctx, arg)
    element = ctx.finding_node(cst.DictElement)
    if element is not None:
        parent = ctx.parents.get(element)
        if isinstance(parent, cst.Dict):
            new = parent.with_changes(elements=remove_from_sequence(parent.elements, element))
            arg = ctx.parents.get(parent)
            call = ctx.parents.get(arg) if isinstance(arg, cst.Arg) else None
            if not new.elements and isinstance(call, cst.Call) and len(call.args) == 1 and _is_config_call(call):
                expr = ctx.parents.get(call)
                module = ctx.remove_statement(expr) if isinstance(expr, cst.Expr) else None
                if module is not None:
                    return Change(module, SAFE, "delete the config call that only turned debug mode on " + _tail())
            return Change(ctx.replace(parent, new), SAFE, "drop the DEBUG key " + _tail())
        return None
    target = ctx.node_at(f.line, f.col, cst.BaseExpression)
    if target is None:
        return None
    assign_target = ctx.parents.get(target)
    assign = ctx.parents.get(assign_target) if isinstance(assign_target, cst.AssignTarget) else None
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return None
    module = ctx.remove_statement(assign)
    if module is None:
        return None
    return Change(module, SAFE, "delete the statement that turns debug mode on " + _tail())


def _tail() -> str:
    return "(FLASK_DEBUG still turns it on in development)"


def _drop_arg(ctx: FixContext, arg: cst.Arg) -> Optional[Change]:
    call = ctx.parents.get(arg)
    if not isinstance(call, cst.Call):
        return None
    if arg.keyword is None and arg is not call.args[-1]:
        new_arg = arg.with_changes(value=cst.Name("None"))
        return Change(ctx.replace(arg, new_arg), SAFE, "pass debug=None to run() " + _tail())
    new_call = call.with_changes(args=remove_from_sequence(call.args, arg))
    if not new_call.args and _is_config_call(call):
        # ``app.config.update(DEBUG=True)`` would become ``app.config.update()``: drop the statement
        expr = ctx.parents.get(call)
        if isinstance(expr, cst.Expr):
            module = ctx.remove_statement(expr)
            if module is not None:
                return Change(module, SAFE, "delete the config call that only turned debug mode on " + _tail())
    what = f"`{arg.keyword.value}=...`" if arg.keyword is not None else "the positional debug argument"
    return Change(ctx.replace(call, new_call), SAFE, f"drop {what} from run() " + _tail())


def _is_config_call(call: cst.Call) -> bool:
    """``<x>.config.update(...)`` / ``<x>.config.from_mapping(...)``."""
    func = call.func
    return (isinstance(func, cst.Attribute) and func.attr.value in ("update", "from_mapping")
            and isinstance(func.value, cst.Attribute) and func.value.attr.value == "config")
