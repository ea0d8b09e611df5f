"""A small valid rule file; the validation tests break it one field at a time."""

import textwrap

SAMPLE = textwrap.dedent("""\
    id: sample
    kind: benefit
    name: {ky: Үлгү, ru: Образец}
    document: 000_a6471b656ce57fa1.txt
    valid_as_of: 2020-10-01
    sources:
      - lines: 1799-1814
    questions:
      - id: family_size
        type: count
        min: 1
        prompt:
          ky: Үй-бүлөңүздө канча адам бар? Санын терип, торчо белгисин басыңыз.
          ru: Сколько человек в семье? Наберите число и нажмите решётку.
      - id: has_car
        type: yes_no
        prompt:
          ky: Машинаңыз барбы? 1 — ооба, 2 — жок.
          ru: Есть машина? 1 — да, 2 — нет.
      - id: who
        type: choice
        prompt: {ky: "Ким? Тандаңыз.", ru: "Кто? Выберите."}
        options:
          - {digit: 1, id: child, ky: Бала, ru: Ребёнок}
          - {digit: 2, id: adult, ky: Чоң киши, ru: Взрослый}
    derived:
      doubled: {mul: [2, family_size]}
    checks:
      - id: size
        require: {lt: [family_size, 10]}
        otherwise: does_not_qualify
        lines: "1811"
        reason: {ky: Көп., ru: Много.}
      - id: car
        require: {not: has_car}
        otherwise: cannot_tell
        lines: "2181"
        reason: {ky: Машина., ru: Машина.}
      - id: who
        require: {not: {is: [who, [adult]]}}
        otherwise: cannot_tell
        lines: "2181"
        reason: {ky: Ким., ru: Кто.}
    apply_at:
      topic: benefits
      kind: social_office
      lines: 2147-2150
      ky: Башкармалыкка.
      ru: В управление.
    next_steps:
      may_qualify: [{ky: Барыңыз., ru: Идите.}]
      cannot_tell: [{ky: Сураңыз., ru: Спросите.}]
      does_not_qualify: [{ky: Жок., ru: Нет.}]
    """)
