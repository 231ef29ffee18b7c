"""Indicator expressions: parsing, evaluation, canonical text, errors and validation."""

from __future__ import annotations

import dataclasses
import random
import re
from collections.abc import Iterator, Mapping

import pytest

from tinhso.indicators.expressions import (
    MAX_DEPTH,
    MAX_LENGTH,
    ExpressionError,
    Number,
    Reference,
    Sum,
    parse,
    validate,
)

A = Reference("A")
B = Reference("B")
C = Reference("C")


class RecordingValues(Mapping[Reference, float | None]):
    """A value mapping that remembers which references were read."""

    def __init__(self, values: dict[Reference, float | None]) -> None:
        self._values = values
        self.read: list[Reference] = []

    def __getitem__(self, reference: Reference) -> float | None:
        self.read.append(reference)
        return self._values[reference]

    def __iter__(self) -> Iterator[Reference]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


# --- Arithmetic ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1+2*3", 7),
        ("(1+2)*3", 9),
        ("-2*3", -6),
        ("2*-3", -6),
        ("2--3", 5),
        ("--3", 3),
        ("-(2+3)", -5),
        ("8-3-2", 3),
        ("8/4/2", 1),
        ("2*3+4*5", 26),
        ("10/4", 2.5),
        ("3.5*2", 7),
        ("1e3", 1000),
        ("2.5E-1 * 4", 1),
        (".5 + 5.", 5.5),
        ("  1 +\n\t2 ", 3),
    ],
)
def test_arithmetic_follows_the_usual_precedence(text: str, expected: float) -> None:
    assert parse(text).evaluate({}) == expected


def test_a_long_flat_sum_is_one_node_and_evaluates_without_deep_recursion() -> None:
    expression = parse("+".join(["1"] * 500))
    assert isinstance(expression, Sum)
    assert len(expression.rest) == 499
    assert expression.evaluate({}) == 500
    assert len(expression.text) <= MAX_LENGTH
    assert parse(expression.text) == expression


# --- References ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("#{DOSSIER_ONLINE}", Reference("DOSSIER_ONLINE")),
        (
            "#{DOSSIER_ONLINE|level=commune,channel=online}",
            Reference("DOSSIER_ONLINE", (("channel", "online"), ("level", "commune"))),
        ),
        ("#{DOSSIER_ONLINE}[-12]", Reference("DOSSIER_ONLINE", offset=-12)),
        ("#{A|level=commune}[+3]", Reference("A", (("level", "commune"),), 3)),
        ("#{ A.b-1 | level = commune } [ - 1 ]", Reference("A.b-1", (("level", "commune"),), -1)),
        ("#{A}[0]", A),
    ],
)
def test_references_read_code_filters_and_period_offset(text: str, reference: Reference) -> None:
    assert parse(text) == reference
    assert parse(text).references() == {reference}


def test_reference_filters_are_kept_sorted_by_dimension() -> None:
    reference = Reference("A", (("level", "commune"), ("channel", "online")))
    assert reference.filters == (("channel", "online"), ("level", "commune"))
    assert reference == Reference("A", (("channel", "online"), ("level", "commune")))


@pytest.mark.parametrize(
    "arguments",
    [
        {"code": "bad code"},
        {"code": ""},
        {"code": "A", "filters": (("level", "x"), ("level", "y"))},
        {"code": "A", "filters": (("level", "x y"),)},
        {"code": "A", "offset": 5000},
    ],
)
def test_references_reject_what_the_parser_would_reject(arguments: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Reference(**arguments)  # type: ignore[arg-type]


def test_references_lists_each_distinct_reference_once_including_both_if_branches() -> None:
    expression = parse(
        "#{A} + #{A} * #{A|level=commune} - #{A}[-1] + if(#{B} > 0, #{C}, min(#{D}, 1))"
    )
    assert expression.references() == {
        A,
        Reference("A", (("level", "commune"),)),
        Reference("A", offset=-1),
        B,
        C,
        Reference("D"),
    }


def test_an_expression_of_numbers_references_no_data() -> None:
    assert parse("1 + 2").references() == frozenset()


# --- Evaluation ----------------------------------------------------------------------------


def test_evaluate_reads_each_value_by_reference() -> None:
    expression = parse("#{DOSSIER_ONLINE} / (#{DOSSIER_ONLINE} + #{DOSSIER_COUNTER}) * 100")
    values = {Reference("DOSSIER_ONLINE"): 25.0, Reference("DOSSIER_COUNTER"): 75.0}
    assert expression.evaluate(values) == 25


def test_filters_and_offsets_select_different_values() -> None:
    values = {
        A: 1000.0,
        Reference("A", (("level", "commune"),)): 10.0,
        Reference("A", offset=-12): 4.0,
    }
    assert parse("#{A|level=commune} - #{A}[-12]").evaluate(values) == 6


@pytest.mark.parametrize(
    "text",
    [
        "#{X}",
        "#{X} + 1",
        "1 - #{X}",
        "#{A} + #{X}",
        "#{X} * 0",
        "0 / #{X}",
        "-#{X}",
        "min(1, #{X})",
        "max(#{X}, 1)",
        "if(#{X} > 0, 1, 2)",
        "if(1 > 0, #{X}, 2)",
        "#{N}",
        "#{N} + #{A}",
    ],
)
def test_any_missing_value_makes_the_result_none(text: str) -> None:
    assert parse(text).evaluate({A: 5.0, Reference("N"): None}) is None


@pytest.mark.parametrize("text", ["1/0", "#{A}/#{Z}", "1/(2-2)", "0/0", "1/0 + 1", "-(1/0)"])
def test_division_by_zero_is_none_not_an_exception(text: str) -> None:
    assert parse(text).evaluate({A: 5.0, Reference("Z"): 0.0}) is None


def test_zero_divided_by_a_number_is_zero() -> None:
    assert parse("0 / 5").evaluate({}) == 0


def test_overflow_is_none() -> None:
    assert parse("1e300 * 1e300").evaluate({}) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("if(#{A} > 3, 1, 2)", 1),
        ("if(#{A} < 3, 1, 2)", 2),
        ("if(#{A} >= 5, 1, 2)", 1),
        ("if(#{A} <= 4, 1, 2)", 2),
        ("if(#{A} == 5, 1, 2)", 1),
        ("if(#{A} != 5, 1, 2)", 2),
        ("if(#{A} * 2 == 10, #{A}, 0) + 1", 6),
        ("if(1 < 2, 1, 1/0)", 1),
        ("min(3, #{A}, 4)", 3),
        ("max(3, #{A}, 4)", 5),
        ("min(7)", 7),
        ("MAX(1, -2)", 1),
        ("max(min(1, 2), if(#{A} > 0, 3, 4))", 3),
    ],
)
def test_if_min_and_max(text: str, expected: float) -> None:
    assert parse(text).evaluate({A: 5.0}) == expected


def test_if_evaluates_only_the_branch_it_chooses() -> None:
    values = RecordingValues({A: 1.0, B: 2.0, C: 3.0})
    assert parse("if(#{A} > 0, #{B}, #{C})").evaluate(values) == 2
    assert values.read == [A, B]


# --- Canonical text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("1+2*3", "1 + 2 * 3"),
        ("(1+2)*3", "(1 + 2) * 3"),
        ("((1))", "1"),
        ("1-(2-3)", "1 - (2 - 3)"),
        ("(1-2)-3", "1 - 2 - 3"),
        ("(2*3)/4", "2 * 3 / 4"),
        ("2*(3/4)", "2 * (3 / 4)"),
        ("2--3", "2 - -3"),
        ("-(-1)", "--1"),
        ("- (1 + 2)", "-(1 + 2)"),
        ("-(2*3)", "-(2 * 3)"),
        ("1e3", "1000"),
        ("2.50", "2.5"),
        ("1e20", "1e+20"),
        ("0.1+0.2", "0.1 + 0.2"),
        ("MIN( 1 ,2 )", "min(1, 2)"),
        ("if(#{A}>=1,2,3)", "if(#{A} >= 1, 2, 3)"),
        (
            " #{A | level=commune, channel=online} [ -12 ]",
            "#{A|channel=online,level=commune}[-12]",
        ),
        ("#{A}[0] * #{A}[+1]", "#{A} * #{A}[1]"),
    ],
)
def test_text_is_canonical_and_parses_back_to_the_same_expression(
    text: str, canonical: str
) -> None:
    expression = parse(text)
    assert expression.text == canonical
    assert str(expression) == canonical
    assert parse(expression.text) == expression
    assert parse(canonical).text == canonical


def test_expressions_are_immutable_and_hashable() -> None:
    expression = parse("1 + 2")
    assert isinstance(expression, Sum)
    with pytest.raises(dataclasses.FrozenInstanceError):
        expression.first = Number(3)  # type: ignore[misc]
    assert len({expression, parse(" 1+2 "), parse("(1 + 2)")}) == 1


# --- Errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "english"),
    [
        ("#{A} +", 6, "missing operand"),
        ("(1+2", 4, "missing ')'"),
        ("#{}", 2, "missing data element code"),
        ("1 ++* 2", 3, "missing operand before '+'"),
        ("__import__('os')", 0, "unknown name '__import__'"),
        ("os.system", 0, "unknown name 'os'"),
        ("().__class__", 1, "missing operand before ')'"),
        ("#{A|level}", 9, "missing '=' after dimension 'level'"),
        ("#{A|level=}", 10, "missing value for dimension 'level'"),
        ("#{A|level=x,level=y}", 12, "dimension 'level' is repeated"),
        ("#{A|}", 4, "missing disaggregation dimension"),
        ("#{A", 3, "missing '}'"),
        ("#{A B}", 4, "unexpected character 'B'"),
        ("#A", 1, "missing '{' after '#'"),
        ("#{A}[1.5]", 5, "period offset must be an integer"),
        ("#{A}[]", 5, "period offset must be an integer"),
        ("#{A}[-99999]", 5, "period offset beyond"),
        ("#{A}[-1", 7, "missing ']'"),
        ("[1]", 0, "'[' is only allowed for a period offset"),
        ("x" * (MAX_LENGTH + 1), MAX_LENGTH, "longer than 2000 characters"),
        ("+".join(["1"] * 1000), 0, "its canonical form has 3997 characters, at most 2000"),
        ("+".join(["1e15"] * 200), 0, "its canonical form has 3797 characters"),
        ("(" * 60 + "1" + ")" * 60, MAX_DEPTH, "nested deeper than 50 levels"),
        ("-" * 60 + "1", MAX_DEPTH, "nested deeper than 50 levels"),
        ("min(" * 60 + "1" + ")" * 60, 4 * MAX_DEPTH + 3, "nested deeper than 50 levels"),
        ("1 < 2", 2, "comparison '<' is only allowed as the condition of if"),
        ("min(1 >= 2, 3)", 6, "comparison '>=' is only allowed as the condition of if"),
        ("(1 == 1)", 3, "comparison '==' is only allowed as the condition of if"),
        ("if(1 < 2, 3 < 4, 5)", 12, "comparison '<' is only allowed as the condition of if"),
        ("if(1 < 2 < 3, 1, 2)", 9, "comparisons cannot be chained"),
        ("if(1, 2, 3)", 4, "the condition of if(...) must be a comparison"),
        ("if(1 < 2, 3)", 0, "function 'if' takes exactly 3 arguments but got 2"),
        ("min()", 0, "function 'min' takes at least 1 argument"),
        ("max 1", 4, "missing '(' after function 'max'"),
        ("foo(1)", 0, "unknown name 'foo'"),
        ("DOSSIER_ONLINE + 1", 0, "data elements are written #{DOSSIER_ONLINE}"),
        ("1 = 1", 2, "use '=='"),
        ("1 2", 2, "missing operator before '2'"),
        ("(1 #{A})", 3, "missing operator before '#{A}'"),
        ("1)", 1, "unmatched ')'"),
        ("1, 2", 1, "',' only separates the arguments of a function"),
        ("", 0, "empty expression"),
        ("1e", 0, "invalid number '1e'"),
        ("1..2", 0, "invalid number '1..2'"),
        ("1e999", 0, "number too large"),
        ("1 $ 2", 2, "unexpected character '$'"),
        ("1 + 2 +", 7, "missing operand"),
    ],
)
def test_errors_name_the_problem_and_its_position(text: str, position: int, english: str) -> None:
    with pytest.raises(ExpressionError) as raised:
        parse(text)
    error = raised.value
    assert isinstance(error, ValueError)
    assert error.position == position
    assert english in str(error)
    assert f" ở vị trí {position} (" in str(error)
    assert str(error).endswith(f" at position {position})")


def test_error_messages_are_vietnamese_with_english_in_parentheses() -> None:
    with pytest.raises(ExpressionError) as raised:
        parse("min(#{A}, (1+2")
    assert str(raised.value) == "Thiếu dấu ')' ở vị trí 14 (missing ')' at position 14)"


@pytest.mark.parametrize(
    "text",
    [
        "(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH,
        "-" * MAX_DEPTH + "1",
        "min(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH,
        "1" + " " * (MAX_LENGTH - 1),
    ],
)
def test_expressions_at_the_limits_are_accepted(text: str) -> None:
    assert parse(text).evaluate({}) in (1, -1)


# --- Validation ----------------------------------------------------------------------------


def test_validate_accepts_known_codes() -> None:
    assert validate("#{A} + #{B|level=commune}[-1]", {"A", "B"}) == []


def test_validate_reports_each_unknown_code_once_at_its_first_position() -> None:
    assert validate("#{A} + #{X} * #{X}[-1] + #{Y}", ["A"]) == [
        "Mã phần tử dữ liệu 'X' không tồn tại ở vị trí 7 "
        "(unknown data element code 'X' at position 7)",
        "Mã phần tử dữ liệu 'Y' không tồn tại ở vị trí 25 "
        "(unknown data element code 'Y' at position 25)",
    ]


def test_validate_suggests_a_close_known_code() -> None:
    [problem] = validate("#{DOSSIER_ONLNE}", ["DOSSIER_ONLINE", "DOSSIER_COUNTER"])
    assert "có phải 'DOSSIER_ONLINE'?" in problem
    assert "did you mean 'DOSSIER_ONLINE'?" in problem


def test_validate_treats_codes_as_case_sensitive() -> None:
    assert len(validate("#{a}", ["A"])) == 1


def test_validate_reports_a_syntax_error_as_its_only_problem() -> None:
    assert validate("#{X} +", []) == ["Thiếu toán hạng ở vị trí 6 (missing operand at position 6)"]


# --- Property: agreement with an independent calculator -------------------------------------

_LITERALS = ["0", "1", "2", "3", "7", "10", "0.5", "2.5", "1e2", ".25"]
_CALCULATOR_TOKEN = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[0-9]+)?|[-+*/()]")
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3}


def _random_arithmetic(rng: random.Random, depth: int = 0) -> str:
    """A random arithmetic expression over number literals, with random spacing."""
    roll = rng.random()
    if depth >= 4 or (depth > 0 and roll < 0.25):
        return rng.choice(_LITERALS)
    if roll < 0.35:
        return "-" + _random_arithmetic(rng, depth + 1)
    if roll < 0.45:
        return "(" + _random_arithmetic(rng, depth + 1) + ")"
    space = rng.choice(["", " ", "  "])
    left = _random_arithmetic(rng, depth + 1)
    right = _random_arithmetic(rng, depth + 1)
    return f"{left}{space}{rng.choice('+-*/')}{space}{right}"


def _calculate(text: str) -> float | None:
    """Shunting-yard evaluation of numbers, + - * /, unary minus and parentheses.

    Independent of the parser under test; like it, any division by zero gives ``None``.
    """
    tokens = _CALCULATOR_TOKEN.findall(text)
    assert "".join(tokens) == text.replace(" ", "")
    output: list[float | str] = []
    operators: list[str] = []
    expect_operand = True
    for token in tokens:
        if token == "(":
            operators.append(token)
        elif token == ")":
            while operators[-1] != "(":
                output.append(operators.pop())
            operators.pop()
            expect_operand = False
        elif token in _PRECEDENCE:
            if expect_operand:  # only "-" can stand where an operand is expected
                operators.append("neg")
                continue
            while (
                operators
                and operators[-1] != "("
                and _PRECEDENCE[operators[-1]] >= _PRECEDENCE[token]
            ):
                output.append(operators.pop())
            operators.append(token)
            expect_operand = True
        else:
            output.append(float(token))
            expect_operand = False
    output.extend(reversed(operators))

    stack: list[float | None] = []
    for item in output:
        if isinstance(item, float):
            stack.append(item)
        elif item == "neg":
            operand = stack.pop()
            stack.append(None if operand is None else -operand)
        else:
            right, left = stack.pop(), stack.pop()
            if left is None or right is None or (item == "/" and right == 0):
                stack.append(None)
            elif item == "+":
                stack.append(left + right)
            elif item == "-":
                stack.append(left - right)
            elif item == "*":
                stack.append(left * right)
            else:
                stack.append(left / right)
    [result] = stack
    return result


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1+2*3", 7), ("(1+2)*3", 9), ("-2*3", -6), ("2--3", 5), ("2*-(3-1)", -4), ("1/0", None)],
)
def test_the_independent_calculator_is_itself_right(text: str, expected: float | None) -> None:
    assert _calculate(text) == expected


@pytest.mark.parametrize("seed", range(40))
def test_random_arithmetic_agrees_with_an_independent_calculator(seed: int) -> None:
    text = _random_arithmetic(random.Random(seed))
    expression = parse(text)
    assert expression.evaluate({}) == _calculate(text), text
    assert parse(expression.text) == expression
    assert _calculate(expression.text) == _calculate(text)
