"""Indicator expressions: a small, safe arithmetic language over data elements.

An indicator such as the share of dossiers filed online is written as::

    #{DOSSIER_ONLINE} / (#{DOSSIER_ONLINE} + #{DOSSIER_COUNTER}) * 100

The text is read by a hand-written tokenizer and recursive-descent parser into an immutable
tree of frozen dataclasses. Nothing in it ever reaches ``eval``, ``exec``, ``compile`` or
``ast``: the only things an expression can do are the operations listed below.

Grammar (whitespace between tokens, and around the separators inside ``#{...}`` and
``[...]``, is ignored; function names are case-insensitive)::

    expression := sum
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/") unary)*
    unary      := "-" unary | primary
    primary    := NUMBER | reference | "(" expression ")"
                | ("min" | "max") "(" expression ("," expression)* ")"
                | "if" "(" condition "," expression "," expression ")"
    condition  := expression ("<" | "<=" | ">" | ">=" | "==" | "!=") expression
    reference  := "#{" CODE ("|" DIMENSION "=" VALUE ("," DIMENSION "=" VALUE)*)? "}"
                  ("[" ("+" | "-")? INTEGER "]")?
    NUMBER     := 12 | 3.5 | .5 | 1e3 | 2.5E-2
    CODE, DIMENSION, VALUE := [A-Za-z0-9_.-]+

``#{CODE|level=commune,channel=online}`` is the value of data element ``CODE`` summed over
every data value whose disaggregation matches all the given ``dimension=value`` pairs (each
dimension at most once); ``#{CODE}[-12]`` is its value twelve periods earlier (DHIS2's
``periodOffset``). Comparisons exist only as the condition of ``if``; they cannot be chained.

Evaluation is deliberately simple and explicit:

* a reference missing from the value mapping counts as ``None`` (no data);
* every operator and function returns ``None`` when any operand it uses is ``None``,
  including ``+`` and ``-`` (there is no DHIS2-style SKIP/ZERO handling: ``#{A} + #{B}`` with
  ``#{B}`` missing is ``None``, not ``#{A}``);
* division by zero, and any result that is not finite (overflow), is ``None``, never an
  exception;
* ``if`` evaluates its condition, then only the branch it chooses; a condition with a
  ``None`` side is ``None``.

Limits: at most :data:`MAX_LENGTH` characters, both as written and in canonical form (so
that ``parse(e.text) == e`` holds for every parsed ``e``: the canonical text adds spaces and
spells numbers in full, ``1e6`` as ``1000000``), at most :data:`MAX_DEPTH` levels of nesting
(every parenthesis, function call and unary minus opens a level) and period offsets of at
most :data:`MAX_PERIOD_OFFSET`. Long flat sums such as ``#{A} + #{B} + ... + #{Z}`` are one
:class:`Sum` node, so they never nest.

Errors are :class:`ExpressionError` with the 0-based character position of the problem and a
message in Vietnamese followed by English, e.g. ``Thiếu dấu ')' ở vị trí 4 (missing ')' at
position 4)``.
"""

from __future__ import annotations

import difflib
import enum
import math
import re
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

__all__ = [
    "COMPARISONS",
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_PERIOD_OFFSET",
    "Call",
    "Comparison",
    "Expression",
    "ExpressionError",
    "If",
    "Negative",
    "Number",
    "Product",
    "Reference",
    "Sum",
    "parse",
    "validate",
]

MAX_LENGTH: Final = 2000
"""Longest accepted expression text, in characters, as written and in canonical form."""

MAX_DEPTH: Final = 50
"""Deepest accepted nesting of parentheses, function calls and unary minus signs."""

MAX_PERIOD_OFFSET: Final = 1000
"""Largest accepted period offset, in either direction."""

FUNCTIONS: Final = ("min", "max", "if")
"""The functions an expression may call."""

COMPARISONS: Final = ("<", "<=", ">", ">=", "==", "!=")
"""The comparison operators allowed in the condition of ``if``."""

_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DIGITS = re.compile(r"[0-9]+")

Values: TypeAlias = Mapping["Reference", float | None]
"""Data values by reference; a missing reference, or ``None``, means no data."""


class ExpressionError(ValueError):
    """A syntax error in an indicator expression.

    ``position`` is the 0-based character offset of the problem in the text; the message is
    Vietnamese followed by English in parentheses, both naming the position.
    """

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __reduce__(self) -> tuple[type[ExpressionError], tuple[str, int]]:
        return (type(self), (self.message, self.position))


def _error(vietnamese: str, english: str, position: int) -> ExpressionError:
    return ExpressionError(
        f"{vietnamese} ở vị trí {position} ({english} at position {position})", position
    )


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


# --- The tree ----------------------------------------------------------------------------


class Expression(ABC):
    """A parsed indicator expression: an immutable, hashable tree node.

    Two expressions are equal when their trees are, and ``parse(e.text) == e`` always holds.
    """

    __slots__ = ()

    @property
    @abstractmethod
    def text(self) -> str:
        """The canonical text of the expression, which parses back to an equal expression."""

    @abstractmethod
    def evaluate(self, values: Values) -> float | None:
        """Compute the expression from data values; ``None`` means "no value".

        ``values`` maps each reference to its value (``None`` or absent: no data). See the
        module documentation for how ``None``, division by zero and ``if`` are handled.
        """

    @abstractmethod
    def _operands(self) -> tuple[Expression, ...]:
        """The sub-expressions directly below this node."""

    def references(self) -> frozenset[Reference]:
        """Every data-element reference in the expression: the data to fetch to evaluate it."""
        found: set[Reference] = set()
        pending: list[Expression] = [self]
        while pending:
            node = pending.pop()
            if isinstance(node, Reference):
                found.add(node)
            else:
                pending.extend(node._operands())
        return frozenset(found)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Reference(Expression):
    """A data-element reference ``#{CODE|dimension=value,...}[offset]``.

    ``filters`` is kept sorted by dimension, so references written with their filters in a
    different order are equal. ``offset`` counts periods (``-12``: twelve periods earlier).
    """

    code: str
    filters: tuple[tuple[str, str], ...] = ()
    offset: int = 0

    def __post_init__(self) -> None:
        filters = tuple(sorted((dimension, value) for dimension, value in self.filters))
        for name in (self.code, *(part for pair in filters for part in pair)):
            if not isinstance(name, str) or not _NAME.fullmatch(name):
                raise ValueError(
                    f"Tên không hợp lệ {name!r} trong tham chiếu (invalid name {name!r} in a "
                    "reference): only A-Z, a-z, 0-9, '_', '.' and '-' are allowed"
                )
        dimensions = [dimension for dimension, _ in filters]
        if len(set(dimensions)) != len(dimensions):
            raise ValueError("Chiều phân tổ bị lặp lại (a dimension is repeated)")
        if (
            isinstance(self.offset, bool)
            or not isinstance(self.offset, int)
            or abs(self.offset) > MAX_PERIOD_OFFSET
        ):
            raise ValueError(
                f"Độ lệch kỳ phải là số nguyên trong khoảng ±{MAX_PERIOD_OFFSET} "
                f"(period offset must be an integer within ±{MAX_PERIOD_OFFSET})"
            )
        object.__setattr__(self, "filters", filters)

    @property
    def text(self) -> str:
        """The canonical text, e.g. ``#{CODE|channel=online,level=commune}[-12]``."""
        inner = self.code
        if self.filters:
            inner += "|" + ",".join(f"{dimension}={value}" for dimension, value in self.filters)
        suffix = f"[{self.offset}]" if self.offset else ""
        return f"#{{{inner}}}{suffix}"

    def evaluate(self, values: Values) -> float | None:
        """The value of this reference in ``values``, or ``None`` when absent or not finite."""
        value = values.get(self)
        return None if value is None else _finite(float(value))

    def _operands(self) -> tuple[Expression, ...]:
        return ()


@dataclass(frozen=True, slots=True)
class Number(Expression):
    """A non-negative, finite number literal (a leading minus is a :class:`Negative`)."""

    value: float

    def __post_init__(self) -> None:
        value = float(self.value)
        if not math.isfinite(value) or value < 0:
            raise ValueError(
                "Số phải hữu hạn và không âm; dùng Negative cho số âm "
                "(a number must be finite and non-negative; use Negative for negatives)"
            )
        object.__setattr__(self, "value", value)

    @property
    def text(self) -> str:
        """The shortest text that reads back as the same number: ``12``, ``3.5``, ``1e+16``."""
        if self.value.is_integer() and self.value < 1e16:
            return str(int(self.value))
        return repr(self.value)

    def evaluate(self, values: Values) -> float | None:
        """The number itself."""
        return self.value

    def _operands(self) -> tuple[Expression, ...]:
        return ()


def _grouped(operand: Expression, *kinds: type[Expression]) -> str:
    return f"({operand.text})" if isinstance(operand, kinds) else operand.text


@dataclass(frozen=True, slots=True)
class Negative(Expression):
    """Unary minus: ``-operand``."""

    operand: Expression

    @property
    def text(self) -> str:
        """``-x``, with parentheses around a sum or product."""
        return "-" + _grouped(self.operand, Sum, Product)

    def evaluate(self, values: Values) -> float | None:
        """The negated operand, or ``None`` when the operand is ``None``."""
        value = self.operand.evaluate(values)
        return None if value is None else -value

    def _operands(self) -> tuple[Expression, ...]:
        return (self.operand,)


def _flatten_chain(chain: Any, operators: tuple[str, str]) -> None:
    """Check a Sum's or Product's operators and merge a leading chain of the same kind into it."""
    rest = tuple(chain.rest)
    if not rest or any(operator not in operators for operator, _ in rest):
        raise ValueError(
            f"{type(chain).__name__} needs at least one ({operators[0]!r} or "
            f"{operators[1]!r}, operand) pair"
        )
    inner = chain.first
    if type(inner) is type(chain):
        object.__setattr__(chain, "first", inner.first)
        rest = inner.rest + rest
    object.__setattr__(chain, "rest", rest)


@dataclass(frozen=True, slots=True)
class Sum(Expression):
    """A left-to-right chain ``first + a - b + ...``; ``rest`` pairs an operator with a term.

    A sum whose first term is itself a sum is flattened on construction, so ``(a - b) - c``
    and ``a - b - c`` are the same expression (they compute the same operations in the same
    order).
    """

    first: Expression
    rest: tuple[tuple[str, Expression], ...]

    def __post_init__(self) -> None:
        _flatten_chain(self, ("+", "-"))  # (a - b) - c is a - b - c: one flat chain

    @property
    def text(self) -> str:
        """``a + b - c``, with parentheses around a sum nested after the first term."""
        parts = [self.first.text]
        for operator, operand in self.rest:
            parts.append(f"{operator} {_grouped(operand, Sum)}")
        return " ".join(parts)

    def evaluate(self, values: Values) -> float | None:
        """The sum, or ``None`` when any term is ``None`` or the result overflows."""
        total = self.first.evaluate(values)
        for operator, operand in self.rest:
            if total is None:
                return None
            value = operand.evaluate(values)
            if value is None:
                return None
            total = _finite(total + value if operator == "+" else total - value)
        return total

    def _operands(self) -> tuple[Expression, ...]:
        return (self.first, *(operand for _, operand in self.rest))


@dataclass(frozen=True, slots=True)
class Product(Expression):
    """A left-to-right chain ``first * a / b * ...``; ``rest`` pairs an operator with a factor.

    Flattened on construction like :class:`Sum`: ``(a * b) / c`` is ``a * b / c``.
    """

    first: Expression
    rest: tuple[tuple[str, Expression], ...]

    def __post_init__(self) -> None:
        _flatten_chain(self, ("*", "/"))  # (a * b) / c is a * b / c: one flat chain

    @property
    def text(self) -> str:
        """``a * b / c``, with parentheses around a nested sum or product."""
        parts = [_grouped(self.first, Sum)]
        for operator, operand in self.rest:
            parts.append(f"{operator} {_grouped(operand, Sum, Product)}")
        return " ".join(parts)

    def evaluate(self, values: Values) -> float | None:
        """The product, or ``None`` when a factor is ``None``, a divisor is 0 or it overflows."""
        total = self.first.evaluate(values)
        for operator, operand in self.rest:
            if total is None:
                return None
            value = operand.evaluate(values)
            if value is None:
                return None
            if operator == "*":
                total = _finite(total * value)
            elif value == 0:
                return None
            else:
                total = _finite(total / value)
        return total

    def _operands(self) -> tuple[Expression, ...]:
        return (self.first, *(operand for _, operand in self.rest))


@dataclass(frozen=True, slots=True)
class Call(Expression):
    """``min(...)`` or ``max(...)`` of one or more arguments."""

    function: str
    arguments: tuple[Expression, ...]

    def __post_init__(self) -> None:
        if self.function not in ("min", "max") or not self.arguments:
            raise ValueError("Call is min or max of at least one argument")

    @property
    def text(self) -> str:
        """``min(a, b, ...)``."""
        return f"{self.function}({', '.join(argument.text for argument in self.arguments)})"

    def evaluate(self, values: Values) -> float | None:
        """The smallest or largest argument, or ``None`` when any argument is ``None``."""
        results: list[float] = []
        for argument in self.arguments:
            value = argument.evaluate(values)
            if value is None:
                return None
            results.append(value)
        return min(results) if self.function == "min" else max(results)

    def _operands(self) -> tuple[Expression, ...]:
        return self.arguments


@dataclass(frozen=True, slots=True)
class Comparison:
    """The condition of an ``if``: ``left <operator> right``. Not an expression on its own."""

    operator: str
    left: Expression
    right: Expression

    def __post_init__(self) -> None:
        if self.operator not in COMPARISONS:
            raise ValueError(f"Comparison operator must be one of {', '.join(COMPARISONS)}")

    @property
    def text(self) -> str:
        """``left < right``."""
        return f"{self.left.text} {self.operator} {self.right.text}"

    def test(self, values: Values) -> bool | None:
        """Whether the comparison holds, or ``None`` when either side is ``None``."""
        left = self.left.evaluate(values)
        right = self.right.evaluate(values)
        if left is None or right is None:
            return None
        match self.operator:
            case "<":
                return left < right
            case "<=":
                return left <= right
            case ">":
                return left > right
            case ">=":
                return left >= right
            case "==":
                return left == right
            case _:
                return left != right


@dataclass(frozen=True, slots=True)
class If(Expression):
    """``if(condition, then, otherwise)``."""

    condition: Comparison
    then: Expression
    otherwise: Expression

    @property
    def text(self) -> str:
        """``if(a < b, x, y)``."""
        return f"if({self.condition.text}, {self.then.text}, {self.otherwise.text})"

    def evaluate(self, values: Values) -> float | None:
        """The chosen branch (only that one is evaluated); ``None`` if the condition is."""
        holds = self.condition.test(values)
        if holds is None:
            return None
        return (self.then if holds else self.otherwise).evaluate(values)

    def _operands(self) -> tuple[Expression, ...]:
        return (self.condition.left, self.condition.right, self.then, self.otherwise)


# --- Tokenizer ---------------------------------------------------------------------------


class _Kind(enum.Enum):
    NUMBER = enum.auto()
    REFERENCE = enum.auto()
    FUNCTION = enum.auto()
    OPERATOR = enum.auto()
    COMPARISON = enum.auto()
    OPEN = enum.auto()
    CLOSE = enum.auto()
    COMMA = enum.auto()
    END = enum.auto()


_SINGLE_CHARACTER_TOKENS = {
    "+": _Kind.OPERATOR,
    "-": _Kind.OPERATOR,
    "*": _Kind.OPERATOR,
    "/": _Kind.OPERATOR,
    "(": _Kind.OPEN,
    ")": _Kind.CLOSE,
    ",": _Kind.COMMA,
}


@dataclass(frozen=True, slots=True)
class _Token:
    kind: _Kind
    text: str
    position: int
    number: float = 0.0
    reference: Reference | None = None


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _scan_name(text: str, position: int) -> tuple[str, int]:
    match = _NAME.match(text, position)
    return ("", position) if match is None else (match.group(), match.end())


def _unexpected_in_reference(text: str, position: int) -> ExpressionError:
    if position >= len(text):
        return _error("Thiếu dấu '}'", "missing '}'", position)
    return _error(
        f"Ký tự không hợp lệ '{text[position]}' trong tham chiếu phần tử dữ liệu",
        f"unexpected character '{text[position]}' in a data element reference",
        position,
    )


def _scan_reference(text: str, start: int) -> tuple[Reference, int]:
    """Read ``#{CODE|dimension=value,...}[offset]`` starting at the ``#``."""
    position = start + 1
    if position >= len(text) or text[position] != "{":
        raise _error("Thiếu dấu '{' sau '#'", "missing '{' after '#'", position)
    position = _skip_space(text, position + 1)
    code, position = _scan_name(text, position)
    if not code:
        if position >= len(text) or text[position] in "|}":
            raise _error(
                "Thiếu mã phần tử dữ liệu trong #{...}",
                "missing data element code in #{...}",
                position,
            )
        raise _unexpected_in_reference(text, position)
    position = _skip_space(text, position)
    filters: list[tuple[str, str]] = []
    if position < len(text) and text[position] == "|":
        while True:
            position = _skip_space(text, position + 1)
            dimension_position = position
            dimension, position = _scan_name(text, position)
            if not dimension:
                if position >= len(text) or text[position] in "=,}":
                    raise _error(
                        "Thiếu tên chiều phân tổ", "missing disaggregation dimension", position
                    )
                raise _unexpected_in_reference(text, position)
            if any(dimension == seen for seen, _ in filters):
                raise _error(
                    f"Chiều phân tổ '{dimension}' bị lặp lại",
                    f"dimension '{dimension}' is repeated",
                    dimension_position,
                )
            position = _skip_space(text, position)
            if position >= len(text) or text[position] != "=":
                raise _error(
                    f"Thiếu dấu '=' sau chiều phân tổ '{dimension}'",
                    f"missing '=' after dimension '{dimension}'",
                    position,
                )
            position = _skip_space(text, position + 1)
            value, position = _scan_name(text, position)
            if not value:
                if position >= len(text) or text[position] in ",}":
                    raise _error(
                        f"Thiếu giá trị của chiều phân tổ '{dimension}'",
                        f"missing value for dimension '{dimension}'",
                        position,
                    )
                raise _unexpected_in_reference(text, position)
            filters.append((dimension, value))
            position = _skip_space(text, position)
            if position >= len(text) or text[position] != ",":
                break
    if position >= len(text) or text[position] != "}":
        raise _unexpected_in_reference(text, position)
    position += 1
    offset = 0
    after = _skip_space(text, position)
    if after < len(text) and text[after] == "[":
        offset, position = _scan_offset(text, after)
    return Reference(code, tuple(filters), offset), position


def _scan_offset(text: str, start: int) -> tuple[int, int]:
    """Read ``[-12]`` starting at the ``[``; return the offset and the position after ``]``."""
    position = _skip_space(text, start + 1)
    number_position = position
    sign = 1
    if position < len(text) and text[position] in "+-":
        sign = -1 if text[position] == "-" else 1
        position = _skip_space(text, position + 1)
    digits = _DIGITS.match(text, position)
    end = digits.end() if digits else position
    if digits is None or (end < len(text) and (text[end].isalnum() or text[end] in "._")):
        raise _error(
            "Độ lệch kỳ phải là số nguyên, ví dụ [-12]",
            "period offset must be an integer, e.g. [-12]",
            number_position,
        )
    significant = digits.group().lstrip("0") or "0"
    if len(significant) > len(str(MAX_PERIOD_OFFSET)) or int(significant) > MAX_PERIOD_OFFSET:
        raise _error(
            f"Độ lệch kỳ vượt quá ±{MAX_PERIOD_OFFSET}",
            f"period offset beyond ±{MAX_PERIOD_OFFSET}",
            number_position,
        )
    position = _skip_space(text, end)
    if position >= len(text) or text[position] != "]":
        raise _error("Thiếu dấu ']'", "missing ']'", position)
    return sign * int(significant), position + 1


def _scan_number(text: str, start: int) -> tuple[float, int]:
    match = _NUMBER.match(text, start)
    if match is None:  # a "." not followed by a digit
        raise _error("Ký tự không hợp lệ '.'", "unexpected character '.'", start)
    end = match.end()
    if end < len(text) and (text[end].isalnum() or text[end] in "._"):
        while end < len(text) and (text[end].isalnum() or text[end] in "._"):
            end += 1
        literal = text[start:end]
        raise _error(f"Số không hợp lệ '{literal}'", f"invalid number '{literal}'", start)
    value = float(match.group())
    if not math.isfinite(value):
        literal = match.group()
        raise _error(f"Số quá lớn '{literal}'", f"number too large '{literal}'", start)
    return value, end


def _unknown_name(name: str, position: int) -> ExpressionError:
    vietnamese = f"Tên '{name}' không xác định; các hàm là min, max và if"
    english = f"unknown name '{name}'; the functions are min, max and if"
    if _NAME.fullmatch(name) and not name.islower():  # looks like a data element code
        vietnamese += f", còn phần tử dữ liệu viết là #{{{name}}}"
        english += f", and data elements are written #{{{name}}}"
    return _error(vietnamese, english, position)


def _tokens(text: str) -> Iterator[_Token]:
    """Yield the tokens of ``text`` one at a time, ending with an end token.

    Lazily, so that the parser reports the leftmost problem whether it is in a token or in
    the order of the tokens.
    """
    position = 0
    while True:
        position = _skip_space(text, position)
        if position >= len(text):
            yield _Token(_Kind.END, "", len(text))
            return
        char = text[position]
        if char in _SINGLE_CHARACTER_TOKENS:
            yield _Token(_SINGLE_CHARACTER_TOKENS[char], char, position)
            position += 1
        elif char in "<>=!":
            pair = text[position : position + 2]
            if pair in COMPARISONS:
                yield _Token(_Kind.COMPARISON, pair, position)
                position += 2
            elif char in COMPARISONS:
                yield _Token(_Kind.COMPARISON, char, position)
                position += 1
            elif char == "=":
                raise _error(
                    "Dùng '==' để so sánh bằng", "use '==' to compare for equality", position
                )
            else:
                raise _error(
                    f"Ký tự không hợp lệ '{char}'", f"unexpected character '{char}'", position
                )
        elif char == "#":
            reference, end = _scan_reference(text, position)
            yield _Token(_Kind.REFERENCE, text[position:end], position, reference=reference)
            position = end
        elif "0" <= char <= "9" or char == ".":
            value, end = _scan_number(text, position)
            yield _Token(_Kind.NUMBER, text[position:end], position, number=value)
            position = end
        elif char.isalpha() or char == "_":
            end = position + 1
            while end < len(text) and (text[end].isalnum() or text[end] == "_"):
                end += 1
            name = text[position:end]
            if name.lower() not in FUNCTIONS:
                raise _unknown_name(name, position)
            yield _Token(_Kind.FUNCTION, name.lower(), position)
            position = end
        elif char == "[":
            raise _error(
                "Dấu '[' chỉ dùng cho độ lệch kỳ ngay sau #{...}",
                "'[' is only allowed for a period offset right after #{...}",
                position,
            )
        else:
            raise _error(f"Ký tự không hợp lệ '{char}'", f"unexpected character '{char}'", position)


# --- Parser ------------------------------------------------------------------------------


class _Parser:
    """Recursive descent over the grammar in the module documentation, one token ahead."""

    def __init__(self, text: str) -> None:
        self._tokens = _tokens(text)
        self._token = next(self._tokens)
        self._depth = 0
        self.reference_positions: list[tuple[Reference, int]] = []

    def parse(self) -> Expression:
        if self._token.kind == _Kind.END:
            raise _error("Biểu thức rỗng", "empty expression", self._token.position)
        expression = self._expression()
        if self._token.kind != _Kind.END:
            raise self._after_operand(self._token)
        return expression

    def _advance(self) -> _Token:
        token = self._token
        if token.kind != _Kind.END:
            self._token = next(self._tokens)
        return token

    def _enter(self, token: _Token) -> None:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _error(
                f"Biểu thức lồng nhau quá {MAX_DEPTH} cấp",
                f"expression nested deeper than {MAX_DEPTH} levels",
                token.position,
            )

    def _expression(self) -> Expression:
        return self._sum()

    def _sum(self) -> Expression:
        first = self._product()
        rest: list[tuple[str, Expression]] = []
        while self._token.kind == _Kind.OPERATOR and self._token.text in "+-":
            operator = self._advance().text
            rest.append((operator, self._product()))
        return Sum(first, tuple(rest)) if rest else first

    def _product(self) -> Expression:
        first = self._unary()
        rest: list[tuple[str, Expression]] = []
        while self._token.kind == _Kind.OPERATOR and self._token.text in "*/":
            operator = self._advance().text
            rest.append((operator, self._unary()))
        return Product(first, tuple(rest)) if rest else first

    def _unary(self) -> Expression:
        token = self._token
        if token.kind == _Kind.OPERATOR and token.text == "-":
            self._advance()
            self._enter(token)
            operand = self._unary()
            self._depth -= 1
            return Negative(operand)
        return self._primary()

    def _primary(self) -> Expression:
        token = self._token
        if token.kind == _Kind.NUMBER:
            self._advance()
            return Number(token.number)
        if token.kind == _Kind.REFERENCE and token.reference is not None:
            self._advance()
            self.reference_positions.append((token.reference, token.position))
            return token.reference
        if token.kind == _Kind.OPEN:
            self._advance()
            self._enter(token)
            inner = self._expression()
            self._close()
            self._depth -= 1
            return inner
        if token.kind == _Kind.FUNCTION:
            return self._call()
        if token.kind == _Kind.END:
            raise _error("Thiếu toán hạng", "missing operand", token.position)
        raise _error(
            f"Thiếu toán hạng trước '{token.text}'",
            f"missing operand before '{token.text}'",
            token.position,
        )

    def _close(self) -> None:
        token = self._token
        if token.kind == _Kind.CLOSE:
            self._advance()
        elif token.kind == _Kind.END:
            raise _error("Thiếu dấu ')'", "missing ')'", token.position)
        else:
            raise self._after_operand(token)

    def _after_operand(self, token: _Token) -> ExpressionError:
        """The error for ``token`` where only an operator or a closing token may follow."""
        if token.kind == _Kind.COMPARISON:
            return _error(
                f"Phép so sánh '{token.text}' chỉ được dùng làm điều kiện của if(...)",
                f"comparison '{token.text}' is only allowed as the condition of if(...)",
                token.position,
            )
        if token.kind == _Kind.COMMA:
            return _error(
                "Dấu ',' chỉ dùng để ngăn cách các đối số của hàm",
                "',' only separates the arguments of a function",
                token.position,
            )
        if token.kind == _Kind.CLOSE:
            return _error("Dấu ')' thừa", "unmatched ')'", token.position)
        return _error(
            f"Thiếu toán tử trước '{token.text}'",
            f"missing operator before '{token.text}'",
            token.position,
        )

    def _call(self) -> Expression:
        name = self._advance()
        if self._token.kind != _Kind.OPEN:
            raise _error(
                f"Thiếu dấu '(' sau hàm '{name.text}'",
                f"missing '(' after function '{name.text}'",
                self._token.position,
            )
        self._enter(self._token)
        self._advance()
        condition: Comparison | None = None
        arguments: list[Expression] = []
        if self._token.kind != _Kind.CLOSE:
            while True:
                if name.text == "if" and condition is None:
                    condition = self._condition()
                else:
                    arguments.append(self._expression())
                if self._token.kind != _Kind.COMMA:
                    break
                self._advance()
        self._close()
        self._depth -= 1
        if name.text == "if":
            count = len(arguments) + (condition is not None)
            if condition is None or count != 3:
                raise _error(
                    f"Hàm 'if' cần đúng 3 đối số nhưng có {count}",
                    f"function 'if' takes exactly 3 arguments but got {count}",
                    name.position,
                )
            return If(condition, arguments[0], arguments[1])
        if not arguments:
            raise _error(
                f"Hàm '{name.text}' cần ít nhất 1 đối số",
                f"function '{name.text}' takes at least 1 argument",
                name.position,
            )
        return Call(name.text, tuple(arguments))

    def _condition(self) -> Comparison:
        left = self._expression()
        operator = self._token
        if operator.kind != _Kind.COMPARISON:
            if operator.kind in (_Kind.NUMBER, _Kind.REFERENCE, _Kind.FUNCTION, _Kind.OPEN):
                raise self._after_operand(operator)
            raise _error(
                "Điều kiện của if(...) phải là phép so sánh <, <=, >, >=, == hoặc !=",
                "the condition of if(...) must be a comparison: <, <=, >, >=, == or !=",
                operator.position,
            )
        self._advance()
        right = self._expression()
        if self._token.kind == _Kind.COMPARISON:
            raise _error(
                "Không được nối tiếp các phép so sánh",
                "comparisons cannot be chained",
                self._token.position,
            )
        return Comparison(operator.text, left, right)


def _parse(text: str) -> tuple[Expression, list[tuple[Reference, int]]]:
    if len(text) > MAX_LENGTH:
        raise _error(
            f"Biểu thức dài quá {MAX_LENGTH} ký tự",
            f"expression longer than {MAX_LENGTH} characters",
            MAX_LENGTH,
        )
    parser = _Parser(text)
    expression = parser.parse()
    canonical = len(expression.text)
    if canonical > MAX_LENGTH:
        raise _error(
            f"Biểu thức quá dài: dạng chuẩn có {canonical} ký tự, tối đa {MAX_LENGTH}",
            f"expression too long: its canonical form has {canonical} characters, "
            f"at most {MAX_LENGTH}",
            0,
        )
    return expression, parser.reference_positions


# --- Public functions --------------------------------------------------------------------


def parse(text: str) -> Expression:
    """Parse an indicator expression into an immutable tree.

    Raises :class:`ExpressionError` (a ``ValueError``) at the leftmost problem, with its
    position and a Vietnamese + English message. Never evaluates any part of ``text``.
    """
    return _parse(text)[0]


def validate(text: str, known_codes: Collection[str]) -> list[str]:
    """List the problems of an expression, as Vietnamese + English messages; ``[]`` if none.

    A syntax error is the only problem reported (as the :class:`ExpressionError` message);
    otherwise each data-element code not in ``known_codes`` is reported once, at its first
    position, with the closest known code as a suggestion when there is one.
    """
    try:
        _, positions = _parse(text)
    except ExpressionError as error:
        return [error.message]
    known = frozenset(known_codes)
    problems: list[str] = []
    reported: set[str] = set()
    for reference, position in positions:
        code = reference.code
        if code in known or code in reported:
            continue
        reported.add(code)
        guesses = difflib.get_close_matches(code, known, n=1)
        vietnamese = f"Mã phần tử dữ liệu '{code}' không tồn tại ở vị trí {position}"
        english = f"unknown data element code '{code}' at position {position}"
        if guesses:
            vietnamese += f", có phải '{guesses[0]}'?"
            english += f", did you mean '{guesses[0]}'?"
        problems.append(f"{vietnamese} ({english})")
    return problems
