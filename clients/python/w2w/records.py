"""Candidate and vacancy records from dicts, CSV files and JSON Lines files.

The CSV layout is the one of `w2w import` and `w2w-datagen --format=csv`
(docs/formats.md, formats/record_reader.cc): a header row naming the columns (any order,
case-insensitive, an optional UTF-8 BOM; unknown or repeated columns are an error; `id`
is required), then one record per row. Lists are `A|B`, candidate trades `CODE:YEARS|...`,
sectors `ME`, `INST`, ..., statuses lower case without prefix (`at_risk`, `open`),
booleans `true`/`false`; an empty field means "not set". JSON Lines: one protobuf JSON
object per line.

A dict uses the proto field names as keys (the CSV column names are the same) and takes
either CSV text or Python values: `"ME"`, `"SECTOR_ME"` or `common_pb2.SECTOR_ME`;
`"A|B"` or `["A", "B"]`; `"7212.3:12"`, `[("7212.3", 12)]` or
`[{"code": "7212.3", "years": 12}]`.

Everything here is pure and raises ValueError naming the field for a value it cannot read;
whether a value is valid (a known trade, region, ...) is the server's to say.
"""
import csv
import os
from typing import Any, Iterable, Iterator, Mapping

from google.protobuf import descriptor as _descriptor
from google.protobuf import json_format
from google.protobuf import message as _message

from w2w.v1 import candidate_pb2

# The CSV columns `w2w import` accepts, in their documented order (docs/formats.md).
CANDIDATE_COLUMNS = ("id", "region", "municipality", "sector", "trades", "qualifications",
                     "employer_id", "status", "available_from", "max_travel_km",
                     "willing_to_retrain", "source", "version")
VACANCY_COLUMNS = ("id", "employer_id", "region", "municipality", "sector", "trade",
                   "required_qualifications", "preferred_qualifications", "positions",
                   "hard_to_fill", "status", "expires_at", "starts_at", "title", "source",
                   "version")

_TRUE = ("true", "1", "yes", "y", "ja")
_FALSE = ("false", "0", "no", "n", "nee")
_FD = _descriptor.FieldDescriptor


def enum_value(enum: _descriptor.EnumDescriptor, value: Any, field: str = "") -> int:
    """The number of `value` in `enum`: a number, a full name ("SECTOR_ME") or the name
    without the enum's prefix, case-insensitive, '-' or ' ' for '_' ("me", "at-risk").
    ValueError for an unknown word or the UNSPECIFIED value."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value in enum.values_by_number and value != 0:
            return value
    elif isinstance(value, str):
        prefix = enum.values_by_number[0].name.removesuffix("UNSPECIFIED")
        word = value.strip().upper().replace("-", "_").replace(" ", "_")
        found = enum.values_by_name.get(prefix + word) or enum.values_by_name.get(word)
        if found is not None and found.number != 0:
            return found.number
    prefix = enum.values_by_number[0].name.removesuffix("UNSPECIFIED")
    words = [v.name.removeprefix(prefix) for v in enum.values if v.number]
    if enum.name != "Sector":  # Sectors are written as codes ("ME"), the rest lower case.
        words = [w.lower() for w in words]
    words = ", ".join(words)
    raise ValueError(f"{field or enum.name}: unknown value {value!r} (one of {words})")


def _split_list(value: Any) -> list:
    if isinstance(value, str):
        return [part.strip() for part in value.split("|") if part.strip()]
    return list(value)


def _trade(value: Any, field: str) -> candidate_pb2.TradeExperience:
    """One TradeExperience from "CODE:YEARS", "CODE", (code, years) or a dict."""
    if isinstance(value, candidate_pb2.TradeExperience):
        return value
    if isinstance(value, Mapping):
        return candidate_pb2.TradeExperience(code=str(value.get("code", "")),
                                             years=int(value.get("years", 0)))
    if isinstance(value, str):
        code, colon, years = value.rpartition(":")
        if not colon:
            return candidate_pb2.TradeExperience(code=value.strip())
        if not code.strip():
            raise ValueError(f"{field}: {value!r} has no trade code")
        if not years.strip().isdigit():
            raise ValueError(f"{field}: {value!r}: years after ':' must be a whole number")
        return candidate_pb2.TradeExperience(code=code.strip(), years=int(years))
    code, years = value
    return candidate_pb2.TradeExperience(code=str(code), years=int(years))


def _scalar(fd: _descriptor.FieldDescriptor, value: Any, field: str) -> Any:
    """`value` converted for the scalar or enum field `fd`."""
    if fd.type == _FD.TYPE_ENUM:
        return enum_value(fd.enum_type, value, field)
    if fd.type == _FD.TYPE_BOOL:
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise ValueError(f"{field}: {value!r} is not true or false")
    if fd.cpp_type in (_FD.CPPTYPE_UINT32, _FD.CPPTYPE_UINT64, _FD.CPPTYPE_INT32,
                       _FD.CPPTYPE_INT64):
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        raise ValueError(f"{field}: {value!r} is not a whole number >= 0")
    if fd.cpp_type in (_FD.CPPTYPE_DOUBLE, _FD.CPPTYPE_FLOAT):
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{field}: {value!r} is not a number") from None
    if fd.type == _FD.TYPE_STRING:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)  # A region by its number.
        if not isinstance(value, str):
            raise ValueError(f"{field}: expected text, got {value!r}")
        return value
    raise ValueError(f"{field}: cannot set this field from a plain value")


def fill(message: _message.Message, fields: Mapping[str, Any]) -> _message.Message:
    """Sets `fields` (proto field names) on `message` and returns it. None and "" leave a
    field unset, as an empty CSV field does. ValueError naming the field otherwise."""
    descriptor = message.DESCRIPTOR
    for name, value in fields.items():
        key = name.strip().lower() if isinstance(name, str) else name
        fd = descriptor.fields_by_name.get(key)
        if fd is None:
            raise ValueError(f"{name}: unknown field of {descriptor.name}")
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, str):
            value = value.strip()  # As `w2w import` reads CSV fields.
        if fd.label == _FD.LABEL_REPEATED:
            items = _split_list(value)
            target = getattr(message, fd.name)
            del target[:]  # A given list replaces the field, as a scalar does.
            if fd.message_type is candidate_pb2.TradeExperience.DESCRIPTOR:
                target.extend(_trade(item, f"{fd.name}[{i}]") for i, item in enumerate(items))
            elif fd.type == _FD.TYPE_MESSAGE:
                target.extend(items)
            else:
                target.extend(_scalar(fd, item, f"{fd.name}[{i}]")
                              for i, item in enumerate(items))
        elif fd.type == _FD.TYPE_MESSAGE:
            getattr(message, fd.name).CopyFrom(value)
        else:
            setattr(message, fd.name, _scalar(fd, value, fd.name))
    return message


def to_message(cls: type, record: Any) -> _message.Message:
    """`record` as a message of `cls`: the message itself, or one filled from a dict."""
    if isinstance(record, cls):
        return record
    if isinstance(record, Mapping):
        return fill(cls(), record)
    raise TypeError(f"expected a {cls.__name__} or a dict, got {type(record).__name__}")


def _read_csv(path: str, cls: type, columns: tuple) -> Iterator[_message.Message]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = None
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # Empty lines are skipped, as by `w2w import`.
            where = f"{path}:{reader.line_num}"
            if header is None:
                header = [name.strip().lower() for name in row]
                for i, name in enumerate(header):
                    if name not in columns:
                        raise ValueError(f"{where}: header column {i + 1}: unknown column "
                                         f"{row[i]!r} (expected some of {','.join(columns)})")
                    if name in header[:i]:
                        raise ValueError(f"{where}: header column {i + 1}: column {name!r} "
                                         "appears twice")
                if "id" not in header:
                    raise ValueError(f"{where}: header has no 'id' column")
                continue
            if len(row) != len(header):
                raise ValueError(f"{where}: expected {len(header)} fields as in the header, "
                                 f"found {len(row)}")
            try:
                yield fill(cls(), dict(zip(header, row)))
            except ValueError as e:
                raise ValueError(f"{where}: column {e}") from None


def _read_jsonl(path: str, cls: type) -> Iterator[_message.Message]:
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                yield json_format.Parse(line, cls())
            except json_format.ParseError as e:
                raise ValueError(f"{path}:{number}: {e}") from None


def read_records(source: Any, cls: type) -> Iterator[_message.Message]:
    """The records of `source` as `cls` messages (Candidate or Vacancy), lazily: a CSV
    path (.csv) or a JSON Lines path (.jsonl, .ndjson, .json), or an iterable of
    messages and dicts. ValueError naming the file and line (or the item's index) for a
    record that cannot be read; it is raised when that record is reached."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        lower = path.lower()
        if lower.endswith(".csv"):
            columns = CANDIDATE_COLUMNS if cls is candidate_pb2.Candidate else VACANCY_COLUMNS
            return _read_csv(path, cls, columns)
        if lower.endswith((".jsonl", ".ndjson", ".json")):
            return _read_jsonl(path, cls)
        raise ValueError(f"{path}: cannot tell the format from the name (.csv or .jsonl)")
    return _from_iterable(source, cls)


def _from_iterable(records: Iterable[Any], cls: type) -> Iterator[_message.Message]:
    for index, record in enumerate(records):
        try:
            yield to_message(cls, record)
        except ValueError as e:
            raise ValueError(f"record {index}: {e}") from None


__all__ = ["CANDIDATE_COLUMNS", "VACANCY_COLUMNS", "enum_value", "fill", "to_message",
           "read_records"]
