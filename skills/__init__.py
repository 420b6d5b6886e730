"""The book's models as plain, framework-free skills: `run(params, progress) -> SkillResult`."""
