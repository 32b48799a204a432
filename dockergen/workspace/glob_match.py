"""A glob (or one name-sized piece of it) as an automaton that reads a path one name at a time.

The glob compiles to a Thompson automaton over UTF-16 code units, `/` included, and runs as a
set of states: reading a name costs (name length x automaton size) and never backtracks, so
`*a*a*a*b`, 22 brace groups or 2,000 `**/` cost what their size says, and braces holding `/`
need no expansion. The walk keeps the states reached at each folder and reads one more name
per child. A `!(...)` group checks, where it starts, that none of its alternatives matches a
prefix of the rest of the name (picomatch's `(?!(?:...))[^/]*?`); no alternative can cross a
`/`, so reading a name at a time sees all that check needs.
"""

from __future__ import annotations

from dockergen.workspace.glob_nodes import (
    Cls,
    Globstar,
    GlobSyntaxError,
    GlobTail,
    Group,
    Lit,
    Node,
    One,
    Sep,
    Star,
    utf16,
)

_CHAR, _SPLIT, _ASSERT, _NEG, _MATCH = range(5)
MAX_STEPS = 200_000  # states visited to read one name: a real glob needs a few hundred
_NAME_CHAR = "name"  # any character but `/`


class Automaton:
    """A compiled glob. States are sets of automaton positions taken right after a `/`."""

    __slots__ = ("_args", "_ends", "_kinds", "_out1", "_out2", "_steps", "start")

    def __init__(self, nodes: tuple[Node, ...]) -> None:
        self._kinds: list[int] = []
        self._args: list[object] = []
        self._out1: list[int] = []
        self._out2: list[int] = []
        self._steps: dict[tuple[frozenset[int], str], frozenset[int]] = {}
        self._ends: dict[tuple[frozenset[int], str], bool] = {}
        self.start = frozenset({self._sequence(nodes, self._add(_MATCH, None))})

    def step(self, states: frozenset[int], name: str) -> frozenset[int]:
        """The states after reading `name/` (empty: nothing below can match)."""
        key = (states, name)
        if key not in self._steps:
            text = utf16(name)
            self._steps[key] = frozenset(self._read(self._run(states, text), "/"))
        return self._steps[key]

    def accepts(self, states: frozenset[int], name: str) -> bool:
        """Does reading `name` (the path's last name) end the glob?"""
        key = (states, name)
        if key not in self._ends:
            self._ends[key] = any(self._kinds[s] == _MATCH for s in self._run(states, utf16(name)))
        return self._ends[key]

    @property
    def size(self) -> int:
        """How many states the automaton has (it grows with the glob's length, nothing else)."""
        return len(self._kinds)

    def matches(self, name: str) -> bool:
        """Does the whole name match (for a glob of one name)?"""
        return self.accepts(self.start, name)

    def _add(self, kind: int, arg: object, out1: int = -1, out2: int = -1) -> int:
        self._kinds.append(kind)
        self._args.append(arg)
        self._out1.append(out1)
        self._out2.append(out2)
        return len(self._kinds) - 1

    def _sequence(self, nodes: tuple[Node, ...], nxt: int) -> int:
        for node in reversed(nodes):
            nxt = self._node(node, nxt)
        return nxt

    def _node(self, node: Node, nxt: int) -> int:  # noqa: PLR0911
        if isinstance(node, Lit):
            for ch in reversed(node.text):
                nxt = self._add(_CHAR, ch, nxt)
            return nxt
        if isinstance(node, Sep):
            return self._add(_CHAR, "/", nxt)
        if isinstance(node, Star):
            loop = self._loop(nxt)
            return self._add(_ASSERT, node.guard, loop) if node.guard else loop
        if isinstance(node, One):
            one = self._add(_CHAR, _NAME_CHAR, nxt)
            return self._add(_ASSERT, "nodot", one) if node.nodot else one
        if isinstance(node, Cls):
            one = self._add(_CHAR, node, nxt)
            return self._add(_SPLIT, None, one, self._sequence((Lit(node.literal),), nxt)) if node.literal else one
        if isinstance(node, Group):
            return self._group(node, nxt)
        if isinstance(node, Globstar | GlobTail):
            return self._names(nxt, isinstance(node, Globstar))
        raise AssertionError(f"cannot compile {node!r}")

    def _loop(self, nxt: int) -> int:
        """Any run of characters within one name."""
        loop = self._add(_SPLIT, None, -1, nxt)
        self._out1[loop] = self._add(_CHAR, _NAME_CHAR, loop)
        return loop

    def _names(self, nxt: int, slash_after: bool) -> int:
        """Zero or more names without a leading dot: `name/` each (`**/`) or `/name` each (GlobTail)."""
        loop = self._add(_SPLIT, None, -1, nxt)
        end = self._add(_CHAR, "/", loop) if slash_after else loop
        name = self._add(_ASSERT, "nodot", self._add(_CHAR, _NAME_CHAR, self._loop(end)))
        self._out1[loop] = name if slash_after else self._add(_CHAR, "/", name)
        return loop

    def _group(self, group: Group, nxt: int) -> int:
        if group.kind == "!":
            body = self._choice(group.options, self._add(_MATCH, None))
            return self._add(_NEG, body, self._loop(nxt))
        if group.kind in "@?":
            alt = self._choice(group.options, nxt)
            return alt if group.kind == "@" else self._add(_SPLIT, None, alt, nxt)
        loop = self._add(_SPLIT, None, -1, nxt)  # "+" and "*": back to the choice after each round
        alt = self._choice(group.options, loop)
        self._out1[loop] = alt
        return alt if group.kind == "+" else loop

    def _choice(self, options: tuple[tuple[Node, ...], ...], nxt: int) -> int:
        starts = [self._sequence(option, nxt) for option in options]
        start = starts[-1]
        for other in reversed(starts[:-1]):
            start = self._add(_SPLIT, None, other, start)
        return start

    def _run(self, seeds: frozenset[int], text: str) -> set[int]:
        """The states after reading the whole name (its guards look only within it)."""
        reading = _Reading(text)
        states = self._closure(seeds, 0, reading)
        for pos, code in enumerate(text):
            if not states:
                break
            states = self._closure(self._read(states, code), pos + 1, reading)
        return states

    def _read(self, states: set[int], code: str) -> set[int]:
        return {self._out1[s] for s in states if self._kinds[s] == _CHAR and self._reads(s, code)}

    def _closure(self, seeds: frozenset[int] | set[int], pos: int, reading: _Reading) -> set[int]:
        out: set[int] = set()
        stack = list(seeds)
        while stack:
            s = stack.pop()
            if s in out:
                continue
            out.add(s)
            reading.count()
            kind = self._kinds[s]
            if kind == _SPLIT:
                stack.extend((self._out1[s], self._out2[s]))
            elif (kind == _ASSERT and _guard_holds(str(self._args[s]), reading.text[pos:])) or (
                kind == _NEG and not self._prefix_matches(s, pos, reading)
            ):
                stack.append(self._out1[s])
        return out

    def _prefix_matches(self, neg: int, pos: int, reading: _Reading) -> bool:
        """Does an alternative of the `!(...)` at `neg` match a prefix of the name from `pos`?"""
        key = (neg, pos)
        if key not in reading.negs:
            body = self._args[neg]
            assert isinstance(body, int)
            reading.negs[key] = False
            states = self._closure({body}, pos, reading)
            for end in range(pos, len(reading.text) + 1):
                if any(self._kinds[s] == _MATCH for s in states):
                    reading.negs[key] = True
                    break
                if end == len(reading.text) or not states:
                    break
                states = self._closure(self._read(states, reading.text[end]), end + 1, reading)
        return reading.negs[key]

    def _reads(self, state: int, code: str) -> bool:
        arg = self._args[state]
        if arg is _NAME_CHAR:
            return code != "/"
        if isinstance(arg, Cls):
            value = ord(code)
            return code != "/" and any(low <= value <= high for low, high in arg.ranges) != arg.negated
        return arg == code


class _Reading:
    """One name being read: its text, the `!(...)` answers so far, and the steps taken."""

    __slots__ = ("negs", "steps", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.negs: dict[tuple[int, int], bool] = {}
        self.steps = 0

    def count(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            name = self.text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
            raise GlobSyntaxError(
                f"needs more than {MAX_STEPS} steps to read the folder name {name!r}",
                "simplify the glob: fewer `*`, `!(...)` and alternatives in one name",
            )


def _guard_holds(guard: str, rest: str) -> bool:
    """picomatch's lookaheads before a `*` or `?`, seen within the name being read."""
    if guard == "nodot":
        return not rest.startswith(".")
    return rest not in ("", ".")  # nodotslash
