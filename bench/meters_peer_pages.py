"""The markup of the meters peer's pages (bench/meters_peer.py): Kabinet's templates of issue 14
(templates/meters/cabinet/meters.html, _meter.html, _nav.html, history.html and
templates/meters/submit/submit.html) with the same rows, labels, data attributes and links, in the
peer's plain layout. Not part of the test suite."""

NAV = """<ul class="nav nav-tabs" data-test="meters-nav">
  <li{% if current == 'meters' %} class="active"{% endif %}><a href="/personal-accounts/{{ a.id }}/meters">Описание приборов учета</a></li>
  <li{% if current == 'history' %} class="active"{% endif %}><a href="/personal-accounts/{{ a.id }}/meters/history">Показания прибора учета</a></li>
  <li><a href="/personal-accounts/{{ a.id }}/readings">Передать показания</a></li>
</ul>"""

METERS = """{% extends "layout.html" %}
{% macro meter(card, in_use) %}{% set m, zones, fault_since = card %}
<div class="panel panel-default" data-test="meter" data-id="{{ m.id }}">
  <div class="panel-body">
    <p data-test="meter-description"><strong>{{ m.model or 'Прибор учета' }}</strong>, № {{ m.serial }}{% if m.location %}, {{ m.location }}{% endif %}</p>
    {% if fault_since %}<p class="text-warning" data-test="fault-mark"><i class="fa fa-exclamation-triangle"></i> Направлено уведомление о неисправности {{ fault_since|ru_date }}</p>{% endif %}
    <details data-test="meter-details">
      <summary>Раскрыть информацию</summary>
      <dl class="dl-horizontal">
        <dt>Заводской номер</dt><dd data-test="serial">{{ m.serial }}</dd>
        <dt>Тип (модель)</dt><dd>{{ m.model or 'не указан' }}</dd>
        <dt>Место установки</dt><dd>{{ m.location or 'не указано' }}</dd>
        <dt>Тарифные зоны</dt><dd data-test="zones">{% for code, name in zones %}{{ code }}{% if name %} — {{ name }}{% endif %}{% if not loop.last %}; {% endif %}{% endfor %}</dd>
        <dt>Разрядность</dt><dd data-test="digits">{{ m.digits }}{% if m.precision %},{{ m.precision }}{% endif %}</dd>
        <dt>Дата поверки</dt><dd data-test="verification">{{ m.verification_due|ru_date if m.verification_due else 'не указана' }}</dd>
        <dt>Дата установки</dt><dd data-test="installed">{{ m.installed_on|ru_date if m.installed_on else 'не указана' }}</dd>
        {% if m.removed_on %}<dt>Дата снятия</dt><dd data-test="removed">{{ m.removed_on|ru_date }}</dd>{% endif %}
        <dt>Показания снимаются</dt><dd data-test="auto">{{ 'автоматически' if m.auto_read else 'потребителем' }}</dd>
      </dl>
    </details>
    {% if in_use %}
    <p class="kb-actions">
      <a class="btn btn-primary btn-sm" href="/personal-accounts/{{ a.id }}/readings" data-test="submit-readings">Передать показания</a>
      <a class="btn btn-default btn-sm" href="/personal-accounts/{{ a.id }}/meters/{{ m.id }}/fault" data-test="report-fault">Уведомить о неисправности</a>
    </p>
    {% endif %}
  </div>
</div>
{% endmacro %}
{% block content %}
<div class="kb-page">
  <p><a href="/personal-accounts/{{ a.id }}/">&larr; Лицевой счет {{ a.number }}</a></p>
  <h1>Приборы учета</h1>
  <p data-test="account">Лицевой счет <strong>{{ a.number }}</strong>, {{ a.branch_name }}<br>{{ a.address }}</p>
  {% set current = 'meters' %}""" + NAV + """
  <h2>Описание приборов учета</h2>
  {% for name, code, cards in groups %}
    <section data-test="service-group" data-service="{{ code }}">
      <h3>{{ name }}</h3>
      {% for card in cards %}{{ meter(card, True) }}{% endfor %}
    </section>
  {% else %}
    <div class="alert alert-info" data-test="no-meters">По выбранному лицевому счету нет данных о приборах учета.</div>
  {% endfor %}
  {% if removed %}
    <h2>Снятые приборы учета</h2>
    <section data-test="removed-meters">
      {% for card in removed %}<p class="text-muted">{{ card[0].service_name }}</p>{{ meter(card, False) }}{% endfor %}
    </section>
  {% endif %}
</div>
{% endblock %}"""

HISTORY = """{% extends "layout.html" %}
{% block content %}
<div class="kb-page">
  <p><a href="/personal-accounts/{{ a.id }}/">&larr; Лицевой счет {{ a.number }}</a></p>
  <h1>Приборы учета</h1>
  <p data-test="account">Лицевой счет <strong>{{ a.number }}</strong>, {{ a.branch_name }}<br>{{ a.address }}</p>
  {% set current = 'history' %}""" + NAV + """
  <h2>Показания прибора учета</h2>
  <p class="text-muted">Показания, переданные через любые источники, и показания, принятые к расчету. Период можно выбрать за последние 3 года.</p>
  <form method="get" class="form-inline" data-test="period-form" novalidate>
    <div class="form-group"><label class="control-label" for="period_from">Начало периода</label> <input class="form-control" id="period_from" min="{{ earliest }}" name="period_from" placeholder="ГГГГ-ММ" type="month" value="{{ start.strftime('%Y-%m') }}"></div>
    <div class="form-group"><label class="control-label" for="period_to">Конец периода</label> <input class="form-control" id="period_to" min="{{ earliest }}" name="period_to" placeholder="ГГГГ-ММ" type="month" value="{{ end.strftime('%Y-%m') }}"></div>
    <div class="form-group">
      <label class="control-label" for="meter">Прибор учета</label>
      <select class="form-control" id="meter" name="meter">
        <option value="">Все приборы учета</option>
        {% for m in meters %}<option value="{{ m.id }}">{{ m.service_name }}, № {{ m.serial }}{% if m.removed_on %} (снят){% endif %}</option>{% endfor %}
      </select>
    </div>
    <button class="btn btn-default" type="submit" data-test="period-submit">Показать</button>
  </form>
  <div class="table-responsive">
  <table class="table table-condensed kb-cards" data-test="readings">
    <thead><tr><th>Прибор учета</th><th>Показания</th><th>Источник</th><th>Дата</th><th>Состояние</th><th></th></tr></thead>
    <tbody>
    {% for r, m, values in items %}{% set replaced = r.superseded_at is not none %}
      {% if loop.changed(r.period) %}<tr class="active" data-test="month"><th colspan="6">{{ months[r.period.month - 1] }} {{ r.period.year }}</th></tr>{% endif %}
      <tr data-test="reading" data-id="{{ r.id }}"{% if replaced %} class="text-muted"{% endif %}>
        <td class="kb-card-title">{{ m.service_name }}, № {{ m.serial }}</td>
        <td data-label="Показания" data-test="values">{% for code, name, value in values %}{{ code }}{% if name %} ({{ name }}){% endif %}: {% if replaced %}<s>{{ value }}</s>{% else %}{{ value }}{% endif %}{% if not loop.last %}<br>{% endif %}{% endfor %}</td>
        <td data-label="Источник" data-test="source">{{ sources.get(r.source, r.source) }}</td>
        <td data-label="Дата">{{ r.taken_on|ru_date }}</td>
        <td data-label="Состояние" data-test="state">
          {% if replaced %}<span data-test="replaced">Заменено {{ r.superseded_at|ru_date }}</span>
          {% elif r.accepted %}<span class="text-success" data-test="accepted">Принято к расчету</span>
          {% else %}Передано{% endif %}
          {% if r.rollover %}<br><small>Счетчик прошел через ноль</small>{% endif %}
          {% if r.change_reason %}<br><small data-test="reason">{{ r.change_reason }}</small>{% endif %}
        </td>
        <td>{% if r.photo_id %}<a href="/personal-accounts/{{ a.id }}/meters/readings/{{ r.id }}/photo" data-test="photo">Фото</a>{% endif %}</td>
      </tr>
    {% else %}
      <tr><td colspan="6" class="text-muted" data-test="no-readings">Показаний за этот период нет</td></tr>
    {% endfor %}
    </tbody>
  </table>
  </div>
  {% if has_next %}<a class="pull-right" href="?page=2">Дальше &rarr;</a>{% endif %}
</div>
{% endblock %}"""

READINGS = """{% extends "layout.html" %}
{% block content %}
<div class="kb-page" data-test="submit-readings" data-account="{{ a.id }}">
  <h1>Передать показания</h1>
  <p>Лицевой счет <strong data-test="readings-account">{{ a.number }}</strong>, {{ a.address }}</p>
  <p>В подразделе «Передать показания» Вы можете ввести показания приборов учета по всем видам потребляемых ресурсов, по выбранному лицевому счету. Внесенные сведения будут переданы в управляющую организацию.</p>
  {% if window and window[0] %}
    <p class="alert alert-info" data-test="window-open">
      До окончания приема показаний {{ window[1] }} дн.
      <small>(прием показаний с {{ window[2]|ru_date }} по {{ window[3]|ru_date }})</small>
    </p>
  {% else %}
    <p class="alert alert-warning" role="status" data-test="window-closed">Внести показания Вы можете в период с {{ a.reading_day_from }} по {{ a.reading_day_to }} число каждого месяца.</p>
  {% endif %}
  {% if not rows %}
    <div class="alert alert-info" data-test="no-meters">По выбранному лицевому счету нет приборов учета.</div>
  {% else %}
  <form method="post" enctype="multipart/form-data" action="/personal-accounts/{{ a.id }}/readings" data-test="readings-form" novalidate>
    <input id="csrf_token" name="csrf_token" type="hidden" value="{{ csrf_token() }}"><input type="hidden" name="form_token" value="{{ form_token() }}">
    <table class="table table-bordered kb-readings">
      <thead><tr>
        <th>Услуга</th><th>Прибор учета</th><th>Зона</th>
        <th>Последние переданные показания</th><th>Текущие показания</th><th>Расход</th>
      </tr></thead>
      {% for m, zones, live, previous, can_submit, why_not in rows %}
      <tbody data-test="meter" data-meter="{{ m.id }}">
        {% for code, zone_name, before, now in zones %}{% set name = 'reading-%s-%s'|format(m.id, code) %}
        <tr>
          {% if loop.first %}
          <td rowspan="{{ zones|length }}">{{ m.service_name }}{% if m.unit %}, {{ m.unit }}{% endif %}</td>
          <td rowspan="{{ zones|length }}">№ {{ m.serial }}{% if m.model %}<br><small>{{ m.model }}</small>{% endif %}
            {% if live %}<br><small class="text-muted" data-test="live-reading">Передано {{ live.taken_on|ru_date }}</small>{% endif %}</td>
          {% endif %}
          <td>{{ code|replace('T', 'Т') }}{% if zone_name and zone_name != code|replace('T', 'Т') %} ({{ zone_name }}){% endif %}</td>
          <td data-test="previous">{% if before is not none %}{{ before|shown(m.precision) }}{% if previous %}<br><small class="text-muted">{{ previous.taken_on|ru_date }}</small>{% endif %}{% else %}—{% endif %}</td>
          {% if can_submit %}
          <td class="">
            <input class="form-control" type="text" inputmode="decimal" autocomplete="off" id="{{ name }}" name="{{ name }}"
                   value="{{ now|shown(m.precision) if now is not none else '' }}" data-reading data-previous="{{ before if before is not none else '' }}"
                   data-output="{{ name }}-consumption" aria-label="Текущие показания {{ code|replace('T', 'Т') }}"
                   >
          </td>
          <td><output id="{{ name }}-consumption" data-test="consumption"></output></td>
          {% elif loop.first %}
          <td colspan="2" rowspan="{{ zones|length }}" data-test="why-not">{{ why_not }}</td>
          {% endif %}
        </tr>
        {% endfor %}
        {% if can_submit %}
        <tr><td colspan="6">
          <input type="hidden" name="seen-{{ m.id }}" value="{{ live.id if live else 'none' }}">
          <div class="form-group">
            <label for="photo-{{ m.id }}" class="control-label">Фотография прибора учета (необязательно, JPEG или PNG)</label>
            <input type="file" id="photo-{{ m.id }}" name="photo-{{ m.id }}" accept="image/jpeg,image/png">
          </div>
        </td></tr>
        {% endif %}
      </tbody>
      {% endfor %}
    </table>
    <button class="btn btn-default" type="button" data-action="reset-readings" data-test="reset">Сбросить показания</button>
    <button class="btn btn-primary" type="submit" data-test="send">Передать показания</button>
  </form>
  {% endif %}
  <p><a href="/personal-accounts/{{ a.id }}/">&larr; Лицевые счета</a></p>
</div>
<script src="/static/js/meters-submit.js"></script>
{% endblock %}"""
