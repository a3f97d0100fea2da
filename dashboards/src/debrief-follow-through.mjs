// Debrief follow-through: which incidents still lack a debrief, are debriefs held
// on time, are checkpoints and action items done, and do failures repeat.
import {
  allTimeNote,
  rangeNote,
  BY_SERVICE,
  BY_SERVICE_SEVERITY,
  DASHBOARD_LINKS,
  LATE_THRESHOLDS,
  NAN_AS_NONE,
  NEUTRAL_THRESHOLDS,
  SHARE_THRESHOLDS,
  bargauge,
  counter,
  dashboard,
  datasourceVariable,
  labelVariable,
  query,
  row,
  sel,
  shared,
  stat,
  table,
  textboxVariable,
  thresholds,
  timeseries,
  GREEN,
  ORANGE,
  RED,
} from './lib.mjs';

const F = BY_SERVICE_SEVERITY;
const DAY = 86400;

// Every metric here is derived from the history that replicas share: `counter` and
// `shared` (lib.mjs) count it once however many replicas Prometheus scrapes.
const debriefs = (result, window) =>
  counter(`debriefd_debriefs_total{${sel(result && `result="${result}"`, F)}}`, window);
/** The sum of the shared gauge `selector`, optionally `by` labels. */
const gauge = (selector, by) => `sum${by ? ` by (${by}) ` : ''}(${shared(selector)})`;


const overdueNow = stat({
  title: 'Debriefs overdue',
  description:
    'Resolved incidents whose debrief is past due right now (debriefd_debriefs_overdue): ' +
    'their severity is in debrief.required_for, debrief.due_within (72 hours by default) has ' +
    'passed since resolved_at, and no debrief.completed or debrief.waived event arrived. ' +
    'The IncidentDebriefOverdue alert fires for each of them.',
  targets: [query(gauge(`debriefd_debriefs_overdue{${F}}`), { instant: true, legend: 'overdue' })],
  thresholds: LATE_THRESHOLDS,
});

const onTimeInRange = stat({
  title: 'Debriefs held on time',
  description:
    'Share of the debriefs held in the selected range that were held by their due date ' +
    '(completed at or before resolved_at + debrief.due_within): increase of ' +
    'debriefd_debriefs_total{result="on_time"} over the increase of all results. Waived ' +
    `debriefs are not counted. ${rangeNote('debriefs')}`,
  targets: [
    query(`sum(${debriefs('on_time', '$__range')}) / sum(${debriefs('', '$__range')})`, {
      instant: true,
      legend: 'on time',
    }),
  ],
  unit: 'percentunit',
  decimals: 0,
  min: 0,
  max: 1,
  thresholds: SHARE_THRESHOLDS,
  mappings: [{ type: 'special', options: { match: 'nan', result: { index: 0, text: 'no debriefs' } } }],
});

const onTimeAllTime = stat({
  title: 'Debriefs held on time (all time)',
  description:
    'Share of every debrief in debriefd\'s store that was held by its due date: ' +
    `debriefd_debriefs_total{result="on_time"} over all results. ${allTimeNote('debriefs')}`,
  targets: [
    query(`sum(${debriefs('on_time')}) / sum(${debriefs('')})`, { instant: true, legend: 'on time' }),
  ],
  unit: 'percentunit',
  decimals: 0,
  min: 0,
  max: 1,
  thresholds: SHARE_THRESHOLDS,
  mappings: [{ type: 'special', options: { match: 'nan', result: { index: 0, text: 'no debriefs' } } }],
});

const checkpointsOverdueNow = stat({
  title: 'Checkpoints overdue',
  description:
    'Incidents whose checkpoint is past due right now (debriefd_checkpoints_overdue): ' +
    'debrief.checkpoint_after (14 days by default) has passed since the debrief was held and ' +
    'no checkpoint.completed event arrived. The IncidentCheckpointOverdue alert fires on them.',
  targets: [query(gauge(`debriefd_checkpoints_overdue{${F}}`), { instant: true, legend: 'overdue' })],
  thresholds: LATE_THRESHOLDS,
});

const actionItemsOpenNow = stat({
  title: 'Action items open',
  description:
    'Action items from debriefs that are open right now (debriefd_action_items_open): ' +
    'opened by debrief.completed or action_item.opened, or Jira, GitHub and GitLab issues ' +
    'carrying the action_items.label (debrief), not yet closed or withdrawn. Filtered by ' +
    'service only; action items have no severity.',
  targets: [query(gauge(`debriefd_action_items_open{${BY_SERVICE}}`), { instant: true, legend: 'open' })],
  thresholds: NEUTRAL_THRESHOLDS,
});

const actionItemsOverdueNow = stat({
  title: 'Action items overdue',
  description:
    'Open action items past their due date right now (debriefd_action_items_overdue); an ' +
    'item without a due date is due action_items.due_within (30 days by default) after it ' +
    'was opened. The DebriefActionItemsOverdue alert fires on them.',
  targets: [query(gauge(`debriefd_action_items_overdue{${BY_SERVICE}}`), { instant: true, legend: 'overdue' })],
  thresholds: LATE_THRESHOLDS,
});

const overdueTable = table({
  title: 'Overdue debriefs',
  description:
    'One row per incident whose debrief is past due right now, longest overdue first, from ' +
    'debriefd_debrief_overdue_seconds (how long past due_at). A row disappears once a ' +
    'debrief.completed or debrief.waived event for the incident arrives. The link opens the ' +
    'incident in debriefd\'s API under the "debriefd URL" set at the top of the dashboard.',
  targets: [
    query(
      `sort_desc(label_replace(${shared(`debriefd_debrief_overdue_seconds{${F}}`)}, "link", "$debriefd_url/api/v1/incidents/$1", "incident_id", "(.+)"))`,
      { instant: true, format: 'table' },
    ),
  ],
  columns: [
    ['incident_id', 'Incident'],
    ['service', 'Service'],
    ['severity', 'Severity'],
    ['Value', 'Overdue by'],
    ['link', 'Link'],
  ],
  sortBy: 'Overdue by',
  unit: 'none',
  overrides: [
    [
      'Overdue by',
      {
        unit: 'dtdurations',
        'custom.cellOptions': { type: 'color-text' },
        thresholds: thresholds(ORANGE, [7 * DAY, RED]),
      },
    ],
    [
      'Link',
      {
        links: [{ targetBlank: true, title: 'Open the incident in debriefd', url: '${__value.raw}' }],
      },
    ],
    [
      'Incident',
      {
        links: [{ targetBlank: true, title: 'Open the incident in debriefd', url: '${__data.fields.Link}' }],
      },
    ],
  ],
});

const heldPerWeek = timeseries({
  title: 'Debriefs held per week, on time vs. late',
  description:
    'Debriefs held per week, stacked by result: on_time (completed at or before due_at) or ' +
    'late. How much debriefd_debriefs_total grew in each interval (one week; longer for ' +
    'long ranges).',
  targets: [
    query(`sum by (result) (${debriefs('', '$__interval')})`, { legend: '{{result}}' }),
  ],
  interval: '1w',
  bars: true,
});

const heldByServiceAllTime = bargauge({
  title: 'Debriefs on time vs. late by service (all time)',
  description:
    'Every debrief in debriefd\'s store by service and result (debriefd_debriefs_total). ' +
    `Many late debriefs in one service is a team to help, not a number to chase. ${allTimeNote('debriefs')}`,
  targets: [
    query(`sort_desc(sum by (service, result) (${debriefs('')}))`, {
      instant: true,
      legend: '{{service}} · {{result}}',
    }),
  ],
  thresholds: NEUTRAL_THRESHOLDS,
});

const overdueOverTime = timeseries({
  title: 'Debriefs overdue over time',
  description:
    'Debriefs past due at each point in time, by service (debriefd_debriefs_overdue). A ' +
    'line that keeps rising means debriefs are being skipped, not just delayed.',
  targets: [query(gauge(`debriefd_debriefs_overdue{${F}}`, 'service'), { legend: '{{service}}' })],
  min: 0,
  thresholds: LATE_THRESHOLDS,
});

const checkpointsByService = bargauge({
  title: 'Checkpoints overdue by service and severity',
  description:
    'Incidents whose checkpoint is past due right now, by service and severity ' +
    '(debriefd_checkpoints_overdue); only those above zero are shown. The checkpoint, ' +
    'debrief.checkpoint_after the debrief, reviews whether its action items got done.',
  targets: [
    query(`sort_desc(${gauge(`debriefd_checkpoints_overdue{${F}}`, 'service, severity')} > 0)`, {
      instant: true,
      legend: '{{service}} · {{severity}}',
    }),
  ],
  thresholds: LATE_THRESHOLDS,
  noValue: 'none overdue',
});

const actionItemsTable = table({
  title: 'Action items by service',
  description:
    'Open and overdue action items per service right now (debriefd_action_items_open and ' +
    'debriefd_action_items_overdue). The monthly review list, oldest first, is ' +
    'GET /api/v1/action-items?state=open on debriefd.',
  targets: [
    query(gauge(`debriefd_action_items_open{${BY_SERVICE}}`, 'service'), { instant: true, format: 'table' }),
    query(gauge(`debriefd_action_items_overdue{${BY_SERVICE}}`, 'service'), { instant: true, format: 'table' }),
  ],
  columns: [
    ['service', 'Service'],
    ['Value #A', 'Open'],
    ['Value #B', 'Overdue'],
  ],
  sortBy: 'Overdue',
  overrides: [
    ['Overdue', { 'custom.cellOptions': { type: 'color-text' }, thresholds: LATE_THRESHOLDS }],
  ],
});

const actionItemsOverTime = timeseries({
  title: 'Action items open and overdue',
  description:
    'Open and overdue action items over time (debriefd_action_items_open, ' +
    'debriefd_action_items_overdue). Are action items getting done? Open items should come ' +
    'down between debriefs, and overdue items should stay near zero.',
  targets: [
    query(gauge(`debriefd_action_items_open{${BY_SERVICE}}`), { legend: 'open' }),
    query(gauge(`debriefd_action_items_overdue{${BY_SERVICE}}`), { legend: 'overdue' }),
  ],
  min: 0,
});

const unlinkedNow = stat({
  title: 'Action items naming no incident',
  description:
    'Open tracker issues labelled as action items that name no known incident right now ' +
    '(debriefd_action_items_open{linked="false"}): no incident:<id> label and no incident id ' +
    'in the title or description. They are counted under the service of their project or ' +
    'repository. Link them (add the label) so that the incident\'s follow-through shows them; ' +
    'GET /api/v1/action-items?state=open&linked=false lists them.',
  targets: [
    query(gauge(`debriefd_action_items_open{linked="false",${BY_SERVICE}}`), { instant: true, legend: 'unlinked' }),
  ],
  thresholds: thresholds(GREEN, [1, ORANGE]),
});

const repeatsWithOpenItemsInRange = stat({
  title: 'Repeats while action items were open',
  description:
    'Repeat incidents opened in the selected range while the incident they repeat still had ' +
    'open action items: the fix had not been done when the failure came back. How much ' +
    `debriefd_incident_repeats_with_open_items_total grew in the range. ${rangeNote('incidents')}`,
  targets: [
    query(`sum(${counter(`debriefd_incident_repeats_with_open_items_total{${BY_SERVICE}}`, '$__range')})`, {
      instant: true,
      legend: 'repeats',
    }),
  ],
  thresholds: LATE_THRESHOLDS,
});

const closedPerWeek = timeseries({
  title: 'Action items closed and reopened per week',
  description:
    'Action items closed per week and closed items their tracker opened again ' +
    '(how much debriefd_action_items_closed_total and debriefd_action_items_reopened_total ' +
    'grew in each interval). A closed item that is reopened and closed again counts as ' +
    'two closings; many reopenings mean items are closed before the fix holds.',
  targets: [
    query(`sum(${counter(`debriefd_action_items_closed_total{${BY_SERVICE}}`, '$__interval')})`, {
      legend: 'closed',
    }),
    query(`sum(${counter(`debriefd_action_items_reopened_total{${BY_SERVICE}}`, '$__interval')})`, {
      legend: 'reopened',
    }),
  ],
  interval: '1w',
  bars: true,
});

const repeatsInRange = stat({
  title: 'Repeat incidents',
  description:
    'Incidents opened in the selected range that repeat an earlier incident of the same key ' +
    '(same alerts.group_by labels) within repeats.window (90 days by default): how much ' +
    `debriefd_incident_repeats_total grew in the range. ${rangeNote('incidents')}`,
  targets: [
    query(`sum(${counter(`debriefd_incident_repeats_total{${F}}`, '$__range')})`, { instant: true, legend: 'repeats' }),
  ],
  thresholds: LATE_THRESHOLDS,
});

const repeatShareAllTime = stat({
  title: 'Incidents that repeat (all time)',
  description:
    'Share of every incident in debriefd\'s store that repeated an earlier one within ' +
    'repeats.window: debriefd_incident_repeats_total over debriefd_incidents_total. The same ' +
    `failure twice means a debrief's action items did not prevent it. ${allTimeNote('incidents')}`,
  targets: [
    query(`sum(${shared(`debriefd_incident_repeats_total{${F}}`)}) / sum(${shared(`debriefd_incidents_total{${F}}`)})`, {
      instant: true,
      legend: 'repeats',
    }),
  ],
  unit: 'percentunit',
  decimals: 0,
  min: 0,
  max: 1,
  thresholds: thresholds(GREEN, [0.05, ORANGE], [0.15, RED]),
  mappings: NAN_AS_NONE,
});

const repeatsByService = bargauge({
  title: 'Repeats by service and severity (all time)',
  description:
    'Repeat incidents by service and severity over debriefd\'s whole store ' +
    '(debriefd_incident_repeats_total). GET /api/v1/incidents on debriefd shows each ' +
    `incident's repeat_of. ${allTimeNote('incidents')}`,
  targets: [
    query(`sort_desc(sum by (service, severity) (${shared(`debriefd_incident_repeats_total{${F}}`)}))`, {
      instant: true,
      legend: '{{service}} · {{severity}}',
    }),
  ],
  thresholds: LATE_THRESHOLDS,
});

const repeatsPerWeek = timeseries({
  title: 'Repeats per week by service',
  description:
    'Repeat incidents opened per week by service: how much ' +
    'debriefd_incident_repeats_total grew in each interval.',
  targets: [
    query(`sum by (service) (${counter(`debriefd_incident_repeats_total{${F}}`, '$__interval')})`, {
      legend: '{{service}}',
    }),
  ],
  interval: '1w',
  bars: true,
});

const autoResolvedAllTime = stat({
  title: 'Incidents resolved with nobody acting (all time)',
  description:
    'Share of finalized incidents that resolved with no acknowledge, mitigate, resolve or ' +
    'declare event from a person (debriefd_incidents_auto_resolved_total over the count of ' +
    'debriefd_incident_time_to_fix_seconds). A high share points at noisy alerts; with ' +
    `debrief.skip_auto_resolved they need no debrief. ${allTimeNote('incidents')}`,
  targets: [
    query(
      `sum(${shared(`debriefd_incidents_auto_resolved_total{${F}}`)}) / ` +
        `sum(${shared(`debriefd_incident_time_to_fix_seconds_count{${F}}`)})`,
      { instant: true, legend: 'auto-resolved' },
    ),
  ],
  unit: 'percentunit',
  decimals: 0,
  min: 0,
  max: 1,
  thresholds: NEUTRAL_THRESHOLDS,
  mappings: NAN_AS_NONE,
});

export default dashboard({
  uid: 'debriefd-debrief-follow-through',
  title: 'debriefd / Debrief follow-through',
  description:
    'Which incidents still lack a debrief? Are debriefs held on time, checkpoints kept and ' +
    'action items done? Do failures repeat?',
  tags: ['debriefd', 'incidents', 'debriefs'],
  time: { from: 'now-90d', to: 'now' },
  links: DASHBOARD_LINKS,
  variables: [
    datasourceVariable(),
    labelVariable({
      name: 'service',
      label: 'Service',
      metricSelector: '{__name__=~"debriefd_incidents_total|debriefd_action_items_open"}',
      description: 'Services debriefd has seen incidents or action items for.',
    }),
    labelVariable({
      name: 'severity',
      label: 'Severity',
      metricSelector: 'debriefd_incidents_total',
      description: 'Incident severities (from the alerts\' severity label or incident.declared).',
    }),
    textboxVariable({
      name: 'debriefd_url',
      label: 'debriefd URL',
      value: 'http://localhost:9466',
      description:
        'Base URL under which your browser reaches debriefd; the overdue table links each ' +
        'incident to <debriefd URL>/api/v1/incidents/<id>.',
    }),
  ],
  layout: [
    row('Debriefs'),
    [
      [overdueNow, 4, 5],
      [onTimeInRange, 4, 5],
      [onTimeAllTime, 4, 5],
      [checkpointsOverdueNow, 4, 5],
      [actionItemsOpenNow, 4, 5],
      [actionItemsOverdueNow, 4, 5],
    ],
    [[overdueTable, 24, 9]],
    [
      [heldPerWeek, 8, 8],
      [heldByServiceAllTime, 8, 8],
      [overdueOverTime, 8, 8],
    ],
    row('Checkpoints and action items'),
    [
      [checkpointsByService, 8, 8],
      [actionItemsTable, 8, 8],
      [actionItemsOverTime, 8, 8],
    ],
    [
      [unlinkedNow, 4, 8],
      [repeatsWithOpenItemsInRange, 4, 8],
      [closedPerWeek, 16, 8],
    ],
    row('Repeats and incidents nobody acted on'),
    [
      [repeatsInRange, 4, 8],
      [repeatShareAllTime, 4, 8],
      [autoResolvedAllTime, 4, 8],
      [repeatsByService, 6, 8],
      [repeatsPerWeek, 6, 8],
    ],
  ],
});
