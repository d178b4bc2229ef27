"""The value a filled template's formula shows in the PDF (openpyxl keeps formulas, it does not compute them;
the .xlsx is recomputed by Excel on opening).

The formulas report templates use: numbers, cell references and ranges of the same sheet, + - * / ^ and
parentheses, unary minus, SUM, AVERAGE, MIN, MAX, COUNT, ROUND, ABS. Anything else shows empty rather
than a wrong number.
"""

import re
from decimal import Decimal, InvalidOperation

from openpyxl.utils import column_index_from_string

TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|(\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)|([A-Z]+)\(|(.))")
CELL = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
FUNCTIONS = {"SUM", "AVERAGE", "MIN", "MAX", "COUNT", "ROUND", "ABS"}
MAX_DEPTH = 20


class Unsupported(Exception):
    pass


def evaluate(sheet, formula, depth=0):
    """The formula's value (Decimal), or None when it uses something this evaluator does not know."""
    try:
        return _Parser(sheet, formula.lstrip("="), depth).parse()
    except (Unsupported, InvalidOperation, ZeroDivisionError, ValueError, IndexError, RecursionError):
        return None


def cell_number(sheet, value, depth):
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    if isinstance(value, str) and value.startswith("="):
        if depth >= MAX_DEPTH:
            raise Unsupported
        return evaluate(sheet, value, depth + 1)
    try:
        return Decimal(str(value).strip()) if str(value).strip() else None
    except InvalidOperation:
        return None


class _Parser:
    def __init__(self, sheet, text, depth):
        self.sheet, self.depth = sheet, depth
        self.tokens = []
        for number, ref, function, other in TOKEN.findall(text):
            if function:
                if function not in FUNCTIONS:
                    raise Unsupported
                self.tokens.append(("fn", function))
            elif number:
                self.tokens.append(("num", Decimal(number)))
            elif ref:
                self.tokens.append(("ref", ref.replace("$", "")))
            elif other.strip():
                self.tokens.append(("op", other))
        self.pos = 0

    def parse(self):
        value = self.expression()
        if self.pos != len(self.tokens):
            raise Unsupported
        return self._one(value)

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        self.pos += 1
        return token

    def expression(self):
        value = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            right = self._one(self.term())
            value = self._one(value) + right if op == "+" else self._one(value) - right
        return value

    def term(self):
        value = self.power()
        while self.peek() in (("op", "*"), ("op", "/")):
            op = self.take()[1]
            right = self._one(self.power())
            value = self._one(value) * right if op == "*" else self._one(value) / right
        return value

    def power(self):
        value = self.unary()
        while self.peek() == ("op", "^"):
            self.take()
            value = self._one(value) ** int(self._one(self.unary()))
        return value

    def unary(self):
        if self.peek() == ("op", "-"):
            self.take()
            return -self._one(self.unary())
        if self.peek() == ("op", "+"):
            self.take()
        return self.atom()

    def atom(self):
        kind, value = self.take()
        if kind == "num":
            return value
        if kind == "ref":
            cells = self._cells(value)
            return cells if ":" in value else (cells[0] if cells else Decimal(0))
        if kind == "fn":
            return self._call(value)
        if (kind, value) == ("op", "("):
            inner = self.expression()
            if self.take() != ("op", ")"):
                raise Unsupported
            return inner
        raise Unsupported

    def _call(self, name):
        args = []
        if self.peek() != ("op", ")"):
            args.append(self.expression())
            while self.peek() == ("op", ","):
                self.take()
                args.append(self.expression())
        if self.take() != ("op", ")"):
            raise Unsupported
        if name in ("ROUND", "ABS"):
            number = self._one(args[0])
            if name == "ABS":
                return abs(number)
            places = int(self._one(args[1])) if len(args) > 1 else 0
            return number.quantize(Decimal(1).scaleb(-places)) if places >= 0 else round(number, places)
        flat = [n for arg in args for n in (arg if isinstance(arg, list) else [arg])]
        if name == "SUM":
            return sum(flat, Decimal(0))
        if name == "COUNT":
            return Decimal(len(flat))
        if not flat:
            return Decimal(0)
        if name == "AVERAGE":
            return sum(flat, Decimal(0)) / len(flat)
        return min(flat) if name == "MIN" else max(flat)

    def _cells(self, ref):
        first, _colon, last = ref.partition(":")
        (c1, r1), (c2, r2) = self._split(first), self._split(last or first)
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 10000:
            raise Unsupported
        numbers = []
        for row in range(min(r1, r2), max(r1, r2) + 1):
            for column in range(min(c1, c2), max(c1, c2) + 1):
                number = cell_number(self.sheet, self.sheet.cell(row=row, column=column).value, self.depth)
                if number is not None:
                    numbers.append(number)
        return numbers

    @staticmethod
    def _split(ref):
        match = CELL.fullmatch(ref)
        return column_index_from_string(match.group(1)), int(match.group(2))

    @staticmethod
    def _one(value):
        if isinstance(value, list):
            raise Unsupported
        return value
