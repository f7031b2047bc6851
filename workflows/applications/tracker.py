"""B9: the stage tracker of a connection application (seed 002 «Основные этапы обработки заявки»)."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    code: str
    label: str
    #: date: the stage is a date; state: one of `states`; both: a date and a state
    kind: str
    states: tuple[str, ...] = ()


DONE_STATES = ("выполнено", "не выполнено")

STAGES: tuple[Stage, ...] = (
    Stage("1", "Дата поступления заявки и ее регистрационный номер.", "date"),
    Stage("2", "Договор, подписанный со стороны сетевой организации, об осуществлении технологического "
               "присоединения и технические условия направлены в адрес Заявителя.", "date"),
    Stage("3", "Дата заключения договора.", "date"),
    Stage("4", "Информация о ходе выполнения технических условий.", "state",
          ("в стадии выполнения", "выполнено")),
    Stage("5", "Фактическое присоединение и фактический прием (подача) напряжения и мощности на объект "
               "Заявителя.", "state", DONE_STATES),
    Stage("6.1", "Акт об осуществлении технологического присоединения.", "state", DONE_STATES),
    Stage("6.2", "Акт разграничения границ балансовой принадлежности сторон.", "state", DONE_STATES),
    Stage("6.3", "Акт разграничения эксплуатационной ответственности сторон.", "state", DONE_STATES),
)
STAGE_BY_CODE = {stage.code: stage for stage in STAGES}


def tracker_rows(application) -> list[dict]:
    """What the consumer and staff see: each stage with its date, state and whether it is reached."""
    data = application.tracker or {}
    rows = []
    for stage in STAGES:
        value = dict(data.get(stage.code) or {})
        if stage.code == "1" and application.submitted_at:
            value.setdefault("date", application.submitted_at.date().isoformat())
            value["number"] = application.number
        reached = bool(value.get("date")) or value.get("state") == "выполнено"
        rows.append({"stage": stage, "date": value.get("date"), "state": value.get("state"),
                     "number": value.get("number"), "reached": reached})
    return rows
