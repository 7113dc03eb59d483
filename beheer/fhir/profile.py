"""Check a resource against a StructureDefinition snapshot, reading the rules from the data.

Covers what the portal's resources need: cardinality (min/max, max=0 prohibited), fixed[x]
and pattern[x] values, required bindings to the value sets listed in
profiles/required-valuesets.json, and unknown top-level elements. Slices are checked only for
their prohibition/cardinality through the base element; this is not a full FHIR validator.
"""

import json
from functools import cache
from pathlib import Path

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"


@cache
def load_structure_definition(name: str) -> dict:
    return json.loads((PROFILES_DIR / f"StructureDefinition-{name}.json").read_text("utf-8"))


@cache
def _required_valuesets() -> dict[str, frozenset[str]]:
    data = json.loads((PROFILES_DIR / "required-valuesets.json").read_text("utf-8"))
    return {url: frozenset(codes) for url, codes in data.items()}


def _values_at(resource: dict, path: str) -> list:
    """All values at a dotted element path (e.g. Device.identifier.system), arrays flattened."""
    parts = path.split(".")[1:]
    current = [resource]
    for part in parts:
        nxt = []
        for node in current:
            if not isinstance(node, dict) or part not in node:
                continue
            value = node[part]
            nxt.extend(value if isinstance(value, list) else [value])
        current = nxt
    return current


def _parent_path(path: str) -> str:
    return path.rsplit(".", 1)[0]


def _counts_per_parent(resource: dict, path: str) -> list[int]:
    """For each occurrence of the parent element, how many values the element has."""
    parent = _parent_path(path)
    name = path.rsplit(".", 1)[1]
    parents = [resource] if "." not in parent else _values_at(resource, parent)
    counts = []
    for node in parents:
        if not isinstance(node, dict):
            continue
        value = node.get(name)
        counts.append(0 if value is None else len(value) if isinstance(value, list) else 1)
    return counts


def check_resource(resource: dict, structure_definition: dict) -> list[str]:
    """Return a list of violations (empty: conforms to what is checked here)."""
    errors: list[str] = []
    elements = structure_definition["snapshot"]["element"]
    rtype = structure_definition["type"]
    if resource.get("resourceType") != rtype:
        return [f"resourceType is {resource.get('resourceType')!r}, expected {rtype!r}"]
    known_top = set()
    for element in elements:
        path = element["path"]
        if ":" in element["id"]:  # a slice: its rules are covered by the base element here
            continue
        if path.count(".") == 1:
            name = path.split(".")[1]
            known_top.add(name.removesuffix("[x]"))
        if path == rtype or "[x]" in path:
            continue
        counts = _counts_per_parent(resource, path)
        maximum = element.get("max", "*")
        minimum = element.get("min", 0)
        for count in counts:
            if maximum == "0" and count:
                errors.append(f"{path} is prohibited (max 0) but present")
            elif maximum not in ("*", "0") and count > int(maximum):
                errors.append(f"{path} occurs {count} times, max {maximum}")
            if count < minimum:
                errors.append(f"{path} occurs {count} times, min {minimum}")
        values = _values_at(resource, path)
        for key, fixed in element.items():
            if key.startswith("fixed"):
                errors.extend(
                    f"{path} is {v!r}, fixed value is {fixed!r}" for v in values if v != fixed
                )
            elif key.startswith("pattern") and isinstance(fixed, dict):
                for v in values:
                    if not isinstance(v, dict) or any(v.get(k) != pv for k, pv in fixed.items()):
                        errors.append(f"{path} does not match pattern {fixed!r}")
            elif key.startswith("pattern"):
                errors.extend(
                    f"{path} is {v!r}, pattern is {fixed!r}" for v in values if v != fixed
                )
        binding = element.get("binding") or {}
        if binding.get("strength") == "required" and values:
            codes = _required_valuesets().get(binding.get("valueSet", ""))
            if codes is not None:
                errors.extend(
                    f"{path} code {v!r} is not in {binding['valueSet']}"
                    for v in values
                    if v not in codes
                )
    for name in resource:
        if name not in known_top and name != "resourceType":
            errors.append(f"{rtype}.{name} is not an element of {rtype}")
    return errors
