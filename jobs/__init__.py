"""Background jobs: the skill registry, the worker loop, artifact storage and result pushes."""
