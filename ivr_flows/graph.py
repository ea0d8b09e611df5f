"""The menu tree as a Mermaid flowchart, for people to look at (``flask flows graph``)."""

from ivr_flows import FlowSet


def _id(ref: str) -> str:
    return ref.replace(".", "__")


def _label(text: str, limit: int = 48) -> str:
    text = text.replace('"', "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mermaid(flows: FlowSet, catalogue=None, lang: str = "ky") -> str:
    """One subgraph per flow; a node shows its id and the start of its first prompt."""
    lines = ["flowchart LR"]
    for flow in flows.flows.values():
        lines.append(f"  subgraph {flow.name}")
        for node in flow.nodes.values():
            label = node.ref
            if catalogue is not None and node.say:
                label += "<br/>" + _label(catalogue.text(lang, node.say[0]))
            if node.rule:
                label += f"<br/>check: {node.rule}"
            shape = ('(["', '"])') if node.action else ('["', '"]')
            lines.append(f"    {_id(node.ref)}{shape[0]}{label}{shape[1]}")
        lines.append("  end")
    for flow in flows.flows.values():
        for node in flow.nodes.values():
            seen = set()
            for label, target in flows.edges(node):
                if label in ("other", "no_response", "3 fails", "*", "0") or (label, target) in seen:
                    continue  # the reserved keys go everywhere; drawing them hides the tree
                seen.add((label, target))
                lines.append(f"  {_id(node.ref)} -- {label} --> {_id(target)}")
    return "\n".join(lines) + "\n"
