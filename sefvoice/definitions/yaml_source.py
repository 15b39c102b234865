"""A definition's YAML text, parsed once into nodes (which know their lines) and the data
built from them, refusing what would make a small upload expensive: aliases that multiply
(each level of `&a [*b, *b, ...]` repeats the one before), nesting without end, and
characters YAML does not allow."""

from __future__ import annotations

from typing import Any

import yaml

from .model import SurveyDefinitionError, capped

MAX_ALIAS_NODES = 5_000  # what aliases may add to a definition, in YAML values


def _alias_growth(root: yaml.Node) -> int:
    """How many nodes the document's aliases add when expanded (each node counted once per
    place it appears, less once): a few for a shared option list, billions for a bomb whose
    every level repeats the one before. Each node is sized once, so this is quick either way."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        if id(node) in sizes:
            if sizes[id(node)] < 0:
                raise SurveyDefinitionError(["an alias refers to the list or mapping it is in"])
            return sizes[id(node)]
        sizes[id(node)] = -1
        children: list = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        sizes[id(node)] = 1 + sum(size(child) for child in children)
        return sizes[id(node)]

    return size(root) - len(sizes)


def parse_yaml(text: str, source: str) -> tuple[yaml.Node | None, Any]:
    """The YAML text's nodes and the data built from them; SurveyDefinitionError if it is
    not YAML, nests too deeply or its aliases (&name, *name) would expand it by more than
    MAX_ALIAS_NODES."""
    loader = None
    try:
        loader = yaml.SafeLoader(text)  # which refuses control characters at once
        node = loader.get_single_node()
        if node is not None and _alias_growth(node) > MAX_ALIAS_NODES:
            raise SurveyDefinitionError(
                [
                    f"its aliases (*name) repeat more than {MAX_ALIAS_NODES:,} values;"
                    " write the repeated parts out, or repeat them fewer times"
                ]
            )
        return node, loader.construct_document(node) if node is not None else None
    except SurveyDefinitionError as refused:
        raise SurveyDefinitionError([f"{source}: {p}" for p in refused.problems]) from None
    except yaml.YAMLError as error:
        raise SurveyDefinitionError([capped(f"{source}: not valid YAML: {error}")]) from None
    except RecursionError:
        raise SurveyDefinitionError([f"{source}: lists or mappings nest too deeply"]) from None
    finally:
        if loader is not None:
            loader.dispose()
