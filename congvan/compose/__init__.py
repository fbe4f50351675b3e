"""One-off letters (`congvan compose`): front matter, body markup, Word bodies, the workflow (docs/compose.md)."""
