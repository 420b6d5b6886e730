"""The learner's own Keras code: read it with `ast`, review it, turn its layer list into a spec.

Nothing here runs, imports or evaluates the learner's code: `ast.parse` and
`ast.literal_eval` on single nodes are the only things that touch it (docs/decisions.md, D36).
"""
