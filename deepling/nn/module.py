"""Module: the base of every layer, as torch.nn.Module (Parameter: parameter.py).

A Module files Parameters, buffers and sub-Modules into three insertion-ordered dicts when they
are assigned, so `parameters()` and `state_dict()` list them in the order the layer made them.
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple

import numpy as np

from .. import _backend
from .. import recording as _recording
from ..tensor import Size, Tensor, mark_changed
from ..tensor_methods import parse_to
from .parameter import Parameter as Parameter


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()


def _addindent(text: str, spaces: int) -> str:
    first, *rest = text.split("\n")
    return "\n".join([first] + [" " * spaces + line for line in rest])


def _type_name(t) -> str:
    """PyTorch's typename: 'int' for a builtin, 'deepling.Tensor' for ours."""
    kind = type(t)
    return kind.__name__ if kind.__module__ == "builtins" else f"deepling.{kind.__name__}"


class Module:
    """Base class of all layers: subclasses set weights in `__init__` and define `forward`.

    Example:
        >>> import deepling as dl
        >>> class Net(dl.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc = dl.nn.Linear(2, 1)
        ...     def forward(self, x):
        ...         return self.fc(x)
        >>> [name for name, _ in Net().named_parameters()]
        ['fc.weight', 'fc.bias']
    """

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            raise TypeError(f"Module.__init__() got unexpected arguments {args} {kwargs}")
        # plain dicts keep insertion order; one update is cheap for losses made every step
        self.__dict__.update(
            training=True, _parameters={}, _buffers={}, _non_persistent=set(), _modules={}
        )

    def forward(self, *args, **kwargs):
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args, **kwargs):
        if _recording.recorders:  # a compiled step keys its record on train/eval
            _recording.note_module(self)
        return self.forward(*args, **kwargs)

    # --- registration ---
    def _dicts(self, what: str):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"cannot assign {what} before Module.__init__() call")
        return self._parameters, self._buffers, self._modules

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, Parameter):
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            self.add_module(name, value)
        elif "_parameters" in self.__dict__ and name in self._parameters:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_type_name(value)}' as parameter '{name}' "
                    "(deepling.nn.Parameter or None expected)"
                )
            self._parameters[name] = None
        elif "_modules" in self.__dict__ and name in self._modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_type_name(value)}' as child module '{name}' "
                    "(deepling.nn.Module or None expected)"
                )
            self._modules[name] = None
        elif "_buffers" in self.__dict__ and name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{_type_name(value)}' as buffer '{name}' "
                    "(deepling.Tensor or None expected)"
                )
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str, keep) -> None:
        """Drop `name` from every place but `keep`, where re-assigning keeps its position."""
        self.__dict__.pop(name, None)
        for d in self._dicts("attributes"):
            if d is not keep:
                d.pop(name, None)

    def register_parameter(self, name: str, param) -> None:
        self._dicts("parameters")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{_type_name(param)}' object to parameter '{name}' "
                "(deepling.nn.Parameter or None required)"
            )
        self._forget(name, self._parameters)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor, persistent: bool = True) -> None:
        """Keep a non-learnable tensor (running statistics) in `state_dict` and `to()`."""
        self._dicts("buffers")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{_type_name(tensor)}' object to buffer '{name}' "
                "(deepling.Tensor or None required)"
            )
        self._forget(name, self._buffers)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def add_module(self, name: str, module) -> None:
        self._dicts("child modules")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_type_name(module)} is not a Module subclass")
        if not isinstance(name, str) or "." in name or name == "":
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        self._forget(name, self._modules)
        self._modules[name] = module

    register_module = add_module

    def __getattr__(self, name: str):
        d = self.__dict__
        for kind in ("_parameters", "_buffers", "_modules"):
            if kind in d and name in d[kind]:
                return d[kind][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for d in (self._parameters, self._buffers, self._modules):
            if name in d:
                del d[name]
                self._non_persistent.discard(name)
                return
        object.__delattr__(self, name)

    # --- walking the tree ---
    def named_modules(self, memo=None, prefix: str = "", remove_duplicate: bool = True):
        memo = set() if memo is None else memo
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                sub = prefix + ("." if prefix else "") + name
                yield from module.named_modules(memo, sub, remove_duplicate)

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self):
        for _, module in self.named_children():
            yield module

    def _named(self, kind: str, prefix: str, recurse: bool, remove_duplicate: bool = True):
        seen = set()
        mods = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for mod_prefix, module in mods:
            for name, t in getattr(module, kind).items():
                if t is None or (remove_duplicate and id(t) in seen):
                    continue
                seen.add(id(t))
                yield mod_prefix + ("." if mod_prefix else "") + name, t

    def named_parameters(self, prefix: str = "", recurse: bool = True, remove_duplicate=True):
        """(name, Parameter) pairs in registration order, each shared Parameter once."""
        return self._named("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True, remove_duplicate=True):
        return self._named("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def get_submodule(self, target: str) -> Module:
        module = self
        for part in target.split(".") if target else []:
            if part not in module._modules:
                raise AttributeError(f"{type(module).__name__} has no attribute `{part}`")
            module = module._modules[part]
        return module

    def apply(self, fn) -> Module:
        """Call `fn` on every sub-module (children first) and then on self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # --- modes and gradients ---
    def train(self, mode: bool = True) -> Module:
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        object.__setattr__(self, "training", mode)
        for module in self.children():
            module.train(mode)  # through each child's own train(), which a layer may override
        return self

    def eval(self) -> Module:
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    @_recording.effect
    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            if set_to_none:
                p._grad = None  # the slot behind `.grad`, without the setter's checks
            elif p._grad is not None:
                p._grad._data[...] = 0

    # --- dtype and device: arrays are replaced inside the same Parameter objects ---
    def _cast(self, dtype) -> Module:
        for t in list(self.parameters()) + list(self.buffers()):
            if _backend.is_floating(t._data.dtype):
                t._data = t._data.astype(dtype)
                if t.grad is not None:
                    t.grad = Tensor._wrap(t.grad._data.astype(dtype))
        return self

    def to(self, *args, dtype=None, device=None, non_blocking: bool = False) -> Module:
        """`to(dtype)`, `to(device)`, `to(device, dtype)` or `to(tensor)`; returns self. Only the
        CPU is a device here (`to("cuda")` says so); `non_blocking` changes nothing on it."""
        dtype, device = parse_to(args, dtype, device)
        if dtype is not None:
            dtype = _backend.to_dtype(dtype)
            if not _backend.is_floating(dtype):
                got = f"but got desired dtype=torch.{dtype}"
                raise TypeError(f"nn.Module.to only accepts floating point dtypes, {got}")
            self._cast(dtype)
        return self

    def cpu(self) -> Module:
        return self

    def cuda(self, device=None) -> Module:
        """Move to the GPU: an error here, raised before anything changes (CPU only)."""
        _backend.check_device("cuda" if device is None else device)
        return self

    def float(self) -> Module:
        return self._cast(_backend.float32)

    def double(self) -> Module:
        return self._cast(_backend.float64)

    def half(self) -> Module:
        return self._cast(_backend.float16)

    # --- state_dict ---
    def state_dict(self, destination=None, prefix: str = "", keep_vars: bool = False):
        """Parameters and persistent buffers by dotted name ('0.weight'), values detached."""
        out = OrderedDict() if destination is None else destination
        for name, p in self._parameters.items():
            if p is not None:
                out[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent:
                out[prefix + name] = b if keep_vars else b.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(out, prefix + name + ".", keep_vars)
        return out

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Copy values into this module's tensors; all problems are reported before any copy.
        With `assign=True` the module takes the state dict's arrays (and dtypes) instead."""
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors, copies = [], []
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            array = np.asarray(value._data if isinstance(value, Tensor) else value)
            if array.shape != target._data.shape:
                errors.append(
                    f"size mismatch for {key}: copying a param with shape {Size(array.shape)} "
                    f"from checkpoint, the shape in current model is {Size(target._data.shape)}."
                )
            copies.append((target, array))
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: " + _quoted(unexpected))
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: " + _quoted(missing))
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
            )
        for target, array in copies:
            if assign:
                target._data = array
            else:
                target._data[...] = array  # in place: optimizers keep holding the same arrays
                mark_changed(target)
        return _IncompatibleKeys(missing, unexpected)

    # --- printing ---
    def extra_repr(self) -> str:
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [
            f"({name}): " + _addindent(repr(module), 2) for name, module in self._modules.items()
        ]
        lines = extra_lines + child_lines
        body = ""
        if len(extra_lines) == 1 and not child_lines:
            body = extra_lines[0]
        elif lines:
            body = "\n  " + "\n  ".join(lines) + "\n"
        return f"{self._get_name()}({body})"

    def __dir__(self):
        return sorted(
            set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules)
        )


def _quoted(keys) -> str:
    return ", ".join(f'"{k}"' for k in keys) + ". "
