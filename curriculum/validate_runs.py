"""Run steps checked against the skill's own Params class: a lesson can only fix or offer values
the worker would accept, so a learner never meets a refusal the author could have seen."""

from pydantic import ValidationError

from curriculum.loader import Error, Loc, Source, did_you_mean, plain_message
from curriculum.model import RunStep


def skill_params_class(skill: str):
    """The skill's pydantic Params class (importing a skill module does not import TensorFlow)."""
    from skills import registry

    return registry.get(skill).params


def check_run(step: RunStep, at: Loc, source: Source) -> list[Error]:
    params_class = skill_params_class(step.skill)
    fields = params_class.model_fields
    errors = []

    def unknown(name: str, where: Loc) -> Error:
        return source.error(where, f"the {step.skill} skill has no parameter '{name}'"
                                   f"{did_you_mean(name, fields, ';')} (it has: {', '.join(fields)})",
                            at_key=True)

    for name in step.params:
        if name not in fields:
            errors.append(unknown(name, at + ("params", name)))
    known_fixed = {name: value for name, value in step.params.items() if name in fields}
    fixed_ok = True
    try:
        params_class.model_validate(known_fixed)
    except ValidationError as invalid:
        fixed_ok = False
        for detail in invalid.errors(include_url=False):
            loc = tuple(detail["loc"])
            name = str(loc[0]) if loc else None
            message = plain_message(detail, f"'{name}'" if name else "these params")
            errors.append(source.error(at + ("params",) + loc,
                                       f"{step.skill} does not accept this value: {message}"))

    for name, spec in step.choose.items():
        where = at + ("choose", name)
        if name not in fields:
            errors.append(unknown(name, where))
            continue
        if name in step.params:
            errors.append(source.error(where, f"'{name}' is both fixed in params and chosen by the "
                                              "learner: keep only one", at_key=True))
            continue
        if not fixed_ok:
            continue
        for field, value in spec.values_to_check():
            try:
                params_class.model_validate({**known_fixed, name: value})
            except ValidationError as invalid:
                detail = invalid.errors(include_url=False)[0]
                field_loc = (field,) if field != "options" else ("options", spec.options.index(value))
                errors.append(source.error(
                    where + field_loc,
                    f"{field} {value!r} for '{name}' is outside what {step.skill} accepts: "
                    f"{plain_message(detail, repr(name).replace(chr(34), chr(39)))}"))
    return errors
