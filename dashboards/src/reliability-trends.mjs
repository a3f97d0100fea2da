// Reliability trends: are incidents detected within five minutes and fixed within
// an hour more often than before, which services miss, and how changes relate to
// incidents. Every number comes from debriefd's /metrics.
import {
  allTimeNote,
  rangeNote,
  BY_SERVICE,
  BY_SERVICE_SEVERITY,
  DASHBOARD_LINKS,
  DETECT_THRESHOLDS,
  FIX_THRESHOLDS,
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
  thresholds,
  timeseries,
  GREEN,
  ORANGE,
  RED,
} from './lib.mjs';

const F = BY_SERVICE_SEVERITY;

// Every metric below but debriefd_build_info is derived from the history that
// replicas share: `counter` and `shared` (lib.mjs) count it once however many
// replicas Prometheus scrapes.

// Goal results are counted once per finalized incident: after it has stayed
// resolved for alerts.reopen_within.
const goal = (g, extra, window, offset) =>
  counter(`debriefd_incident_goal_total{${sel(`goal="${g}"`, extra, F)}}`, window, offset);

/** Share of finalized incidents that met goal `g`, over `window` (or all time). */
const goalShare = (g, window, offset) =>
  `sum(${goal(g, 'result="met"', window, offset)}) / sum(${goal(g, '', window, offset)})`;

const quantile = (q, metric, window) =>
  `histogram_quantile(${q}, sum by (le) (${counter(`${metric}_bucket{${F}}`, window)}))`;

const TTD = 'debriefd_incident_time_to_detect_seconds';
const TTF = 'debriefd_incident_time_to_fix_seconds';

// Finalized incidents: one observation of the time-to-fix histogram each.
const finalized = (window) => `sum(${counter(`${TTF}_count{${F}}`, window)})`;
const suspected = (window) => `sum(${counter(`debriefd_incident_suspected_cause_total{${F}}`, window)})`;

const FINALIZED_NOTE =
  'An incident counts once it has stayed resolved for alerts.reopen_within (15 minutes by ' +
  'default), so a reopened incident is never counted twice.';

const detectedInRange = stat({
  title: 'Detected within goal',
  description:
    'Share of incidents whose time to detect (detected_at − started_at) was at most the ' +
    'detect goal of their severity (goals.detect, 5 minutes by default, or ' +
    'goals.by_severity), among the incidents finalized in the selected ' +
    'range: increase of debriefd_incident_goal_total{goal="detect",result="met"} over the ' +
    `increase of all detect results. ${FINALIZED_NOTE} ${rangeNote('incidents')}`,
  targets: [query(goalShare('detect', '$__range'), { instant: true, legend: 'detected within goal' })],
  unit: 'percentunit',
  decimals: 0,
  min: 0,
  max: 1,
  thresholds: SHARE_THRESHOLDS,
  mappings: NAN_AS_NONE,
});

const fixedInRange = stat({
  title: 'Fixed within goal',
  description:
    'Share of incidents whose time to fix (resolved_at − started_at) was at most the fix ' +
    'goal of their severity (goals.fix, 1 hour by default, or goals.by_severity), among the ' +
    'incidents finalized in the selected range: increase of ' +
    'debriefd_incident_goal_total{goal="fix",result="met"} over the increase of all fix ' +
    `results. ${FINALIZED_NOTE} ${rangeNote('incidents')}`,
  targets: [query(goalShare('fix', '$__range'), { instant: true, legend: 'fixed within goal' })],
  unit: 'percentunit',
  decimals: 0,
  min: 0,
  max: 1,
  thresholds: SHARE_THRESHOLDS,
  mappings: NAN_AS_NONE,
});

const detectedAllTime = stat({
  title: 'Detected within goal (all time)',
  description:
    'Share of all finalized incidents in debriefd\'s store that were detected within the ' +
    'detect goal of their severity: debriefd_incident_goal_total{goal="detect",result="met"} ' +
    'over all detect ' +
    `results. ${allTimeNote('incidents')}`,
  targets: [query(goalShare('detect'), { instant: true, legend: 'detected within goal' })],
  unit: 'percentunit',
  decimals: 0,
  min: 0,
  max: 1,
  thresholds: SHARE_THRESHOLDS,
  mappings: NAN_AS_NONE,
});

const fixedAllTime = stat({
  title: 'Fixed within goal (all time)',
  description:
    'Share of all finalized incidents in debriefd\'s store that were fixed within the fix ' +
    'goal of their severity: ' +
    'debriefd_incident_goal_total{goal="fix",result="met"} over all fix results. ' +
    allTimeNote('incidents'),
  targets: [query(goalShare('fix'), { instant: true, legend: 'fixed within goal' })],
  unit: 'percentunit',
  decimals: 0,
  min: 0,
  max: 1,
  thresholds: SHARE_THRESHOLDS,
  mappings: NAN_AS_NONE,
});

const quarterOverQuarter = bargauge({
  title: 'Within goal: last 13 weeks vs. the 13 weeks before',
  description:
    'Answers "are we detecting within five minutes and fixing within an hour more often ' +
    'than last quarter?". Each bar is the share of incidents finalized in a 13-week window ' +
    'that met the goal: the last 13 weeks up to the end of the selected range, and the 13 ' +
    'weeks before that (offset 13w). The earlier bars stay empty until Prometheus holds 26 ' +
    'weeks of debriefd samples.',
  targets: [
    query(goalShare('detect', '13w'), { instant: true, legend: 'detected, last 13 weeks' }),
    query(goalShare('detect', '13w', '13w'), { instant: true, legend: 'detected, 13 weeks before' }),
    query(goalShare('fix', '13w'), { instant: true, legend: 'fixed, last 13 weeks' }),
    query(goalShare('fix', '13w', '13w'), { instant: true, legend: 'fixed, 13 weeks before' }),
  ],
  unit: 'percentunit',
  decimals: 0,
  min: 0,
  max: 1,
  thresholds: SHARE_THRESHOLDS,
  mappings: NAN_AS_NONE,
});

const shareWeekly = timeseries({
  title: 'Within goal per week',
  description:
    'Share of incidents finalized in the 7 days before each point that met the detect goal ' +
    'and the fix goal (rolling one-week window over debriefd_incident_goal_total). The ' +
    'dashed line marks 90 %, an example target. A gap means no incident was finalized that ' +
    'week.',
  targets: [
    query(goalShare('detect', '1w'), { legend: 'detected within goal' }),
    query(goalShare('fix', '1w'), { legend: 'fixed within goal' }),
  ],
  unit: 'percentunit',
  min: 0,
  max: 1,
  thresholds: thresholds(RED, [0.9, GREEN]),
  thresholdsStyle: 'dashed',
});

const detectQuantiles = timeseries({
  title: 'Time to detect, p50 and p90 per week',
  description:
    'Median and 90th percentile of time to detect (detected_at − started_at) of the ' +
    'incidents finalized in the 7 days before each point, estimated by histogram_quantile ' +
    'from the buckets of debriefd_incident_time_to_detect_seconds. The buckets include the ' +
    'goals, so whether a percentile is above or below the red line (the default detect goal, ' +
    '5 minutes) is exact; values between buckets are interpolated. Per-severity goals ' +
    '(goals.by_severity) are not drawn: filter by severity and compare with yours.',
  targets: [
    query(quantile(0.5, TTD, '1w'), { legend: 'p50' }),
    query(quantile(0.9, TTD, '1w'), { legend: 'p90' }),
  ],
  unit: 's',
  min: 0,
  thresholds: DETECT_THRESHOLDS,
  thresholdsStyle: 'dashed',
});

const fixQuantiles = timeseries({
  title: 'Time to fix, p50 and p90 per week',
  description:
    'Median and 90th percentile of time to fix (resolved_at − started_at) of the incidents ' +
    'finalized in the 7 days before each point, estimated by histogram_quantile from the ' +
    'buckets of debriefd_incident_time_to_fix_seconds. The red line is the default fix goal ' +
    '(1 hour); per-severity goals (goals.by_severity) are not drawn.',
  targets: [
    query(quantile(0.5, TTF, '1w'), { legend: 'p50' }),
    query(quantile(0.9, TTF, '1w'), { legend: 'p90' }),
  ],
  unit: 's',
  min: 0,
  thresholds: FIX_THRESHOLDS,
  thresholdsStyle: 'dashed',
});

const detectAllTime = stat({
  title: 'Time to detect, p50 / p90 (all time)',
  description:
    'Median and 90th percentile of time to detect over every finalized incident in ' +
    `debriefd's store, from the cumulative histogram buckets. Red above the 5-minute goal. ${allTimeNote('incidents')}`,
  targets: [
    query(quantile(0.5, TTD), { instant: true, legend: 'p50' }),
    query(quantile(0.9, TTD), { instant: true, legend: 'p90' }),
  ],
  unit: 'dtdurations',
  thresholds: DETECT_THRESHOLDS,
  textMode: 'value_and_name',
});

const fixAllTime = stat({
  title: 'Time to fix, p50 / p90 (all time)',
  description:
    'Median and 90th percentile of time to fix over every finalized incident in debriefd\'s ' +
    `store, from the cumulative histogram buckets. Red above the 1-hour goal. ${allTimeNote('incidents')}`,
  targets: [
    query(quantile(0.5, TTF), { instant: true, legend: 'p50' }),
    query(quantile(0.9, TTF), { instant: true, legend: 'p90' }),
  ],
  unit: 'dtdurations',
  thresholds: FIX_THRESHOLDS,
  textMode: 'value_and_name',
});

const openNow = stat({
  title: 'Open incidents',
  description:
    'Incidents open right now (debriefd_incidents_open): opened by a firing alert or an ' +
    'incident.declared event and not yet resolved.',
  targets: [query(`sum(${shared(`debriefd_incidents_open{${F}}`)})`, { instant: true, legend: 'open' })],
  thresholds: thresholds(GREEN, [1, ORANGE]),
});

const openedInRange = stat({
  title: 'Incidents opened',
  description:
    'Incidents opened in the selected range: how much debriefd_incidents_total grew in it. ' +
    `A reopened incident is not a new one. ${rangeNote('incidents')}`,
  targets: [query(`sum(${counter(`debriefd_incidents_total{${F}}`, '$__range')})`, { instant: true, legend: 'opened' })],
  thresholds: NEUTRAL_THRESHOLDS,
});

const perWeek = timeseries({
  title: 'Incidents per week by service and severity',
  description:
    'Incidents opened per week, stacked by service and severity: how much ' +
    'debriefd_incidents_total grew in each interval (one week; longer when the range is too ' +
    'long to draw every week).',
  targets: [
    query(`sum by (service, severity) (${counter(`debriefd_incidents_total{${F}}`, '$__interval')})`, {
      legend: '{{service}} · {{severity}}',
    }),
  ],
  interval: '1w',
  bars: true,
});

const byServiceAllTime = table({
  title: 'Incidents by service and severity (all time)',
  description:
    `Every incident in debriefd's store by service and severity (debriefd_incidents_total). ` +
    'Alerts without a service label count under "unknown", as do those without a severity. ' +
    allTimeNote('incidents'),
  targets: [
    query(`sort_desc(sum by (service, severity) (${shared(`debriefd_incidents_total{${F}}`)}))`, {
      instant: true,
      format: 'table',
    }),
  ],
  columns: [
    ['service', 'Service'],
    ['severity', 'Severity'],
    ['Value', 'Incidents'],
  ],
  sortBy: 'Incidents',
});

const missedInRange = bargauge({
  title: 'Missed goals by service',
  description:
    'Worst services first: goals missed (detect and fix together) by incidents finalized in ' +
    'the selected range, from the growth of debriefd_incident_goal_total{result="missed"}. ' +
    'An incident that was detected late and fixed late counts twice.',
  targets: [
    query(
      `sort_desc(sum by (service) (${counter(`debriefd_incident_goal_total{${sel('result="missed"', F)}}`, '$__range')}))`,
      { instant: true, legend: '{{service}}' },
    ),
  ],
  thresholds: LATE_THRESHOLDS,
});

const missedShareAllTime = bargauge({
  title: 'Share of goals missed by service (all time)',
  description:
    'For each service, the share of goal results (detect and fix) that were missed, over ' +
    'every finalized incident in debriefd\'s store: debriefd_incident_goal_total' +
    '{result="missed"} over all results. Unlike the count, this does not favour services ' +
    `with few incidents. ${allTimeNote('incidents')}`,
  targets: [
    query(
      `sort_desc(sum by (service) (${shared(`debriefd_incident_goal_total{${sel('result="missed"', F)}}`)}) / ` +
        `sum by (service) (${shared(`debriefd_incident_goal_total{${F}}`)}))`,
      { instant: true, legend: '{{service}}' },
    ),
  ],
  unit: 'percentunit',
  decimals: 0,
  min: 0,
  max: 1,
  thresholds: thresholds(GREEN, [0.1, ORANGE], [0.25, RED]),
});

const missedByGoalAllTime = table({
  title: 'Missed goals by service and goal (all time)',
  description:
    'Missed goals per service, split into detect and fix, over every finalized incident in ' +
    `debriefd's store (debriefd_incident_goal_total{result="missed"}). ${allTimeNote('incidents')}`,
  targets: [
    query(
      `sort_desc(sum by (service, goal) (${shared(`debriefd_incident_goal_total{${sel('result="missed"', F)}}`)}))`,
      { instant: true, format: 'table' },
    ),
  ],
  columns: [
    ['service', 'Service'],
    ['goal', 'Goal'],
    ['Value', 'Missed'],
  ],
  sortBy: 'Missed',
});

const changesPerWeek = timeseries({
  title: 'Changes per week by kind',
  description:
    'Changes recorded per week (change events: deploy, config, feature_flag, infra), ' +
    'stacked by kind: how much debriefd_changes_total grew in each interval. ' +
    'Filtered by service only; changes have no severity.',
  targets: [
    query(`sum by (kind) (${counter(`debriefd_changes_total{${BY_SERVICE}}`, '$__interval')})`, {
      legend: '{{kind}}',
    }),
  ],
  interval: '1w',
  bars: true,
});

const changesInRange = stat({
  title: 'Changes',
  description:
    `Changes recorded in the selected range: how much debriefd_changes_total grew in it. ${rangeNote('changes')}`,
  targets: [query(`sum(${counter(`debriefd_changes_total{${BY_SERVICE}}`, '$__range')})`, { instant: true, legend: 'changes' })],
  thresholds: NEUTRAL_THRESHOLDS,
});

const causeInRange = stat({
  title: 'Incidents with a suspected cause',
  description:
    'Share of incidents finalized in the selected range that had a suspected cause: a change ' +
    'to the same service within changes.cause_window (2 hours by default) before the ' +
    'incident started. debriefd_incident_suspected_cause_total over the finalized incidents ' +
    `(the count of debriefd_incident_time_to_fix_seconds). ${rangeNote('incidents')}`,
  targets: [query(`${suspected('$__range')} / ${finalized('$__range')}`, { instant: true, legend: 'with a suspected cause' })],
  unit: 'percentunit',
  decimals: 0,
  min: 0,
  max: 1,
  mappings: NAN_AS_NONE,
});

const causeAllTime = stat({
  title: 'Incidents with a suspected cause (all time)',
  description:
    'Share of all finalized incidents in debriefd\'s store that followed a change to the ' +
    'same service within changes.cause_window: debriefd_incident_suspected_cause_total over ' +
    `the count of debriefd_incident_time_to_fix_seconds. ${allTimeNote('incidents')}`,
  targets: [query(`${suspected()} / ${finalized()}`, { instant: true, legend: 'with a suspected cause' })],
  unit: 'percentunit',
  decimals: 0,
  min: 0,
  max: 1,
  mappings: NAN_AS_NONE,
});

const causeWeekly = timeseries({
  title: 'Incidents with a suspected cause per week',
  description:
    'Share of incidents finalized in the 7 days before each point that had a suspected ' +
    'cause (a change within changes.cause_window before the incident started). A high share ' +
    'points at how changes are shipped: smaller batches, canaries, feature flags.',
  targets: [query(`${suspected('1w')} / ${finalized('1w')}`, { legend: 'with a suspected cause' })],
  unit: 'percentunit',
  min: 0,
  max: 1,
});

// Change failure rate: changes a debrief confirmed as the cause of an incident,
// each counted once however many incidents it caused, over the changes.
const changeFailureRate = (window) =>
  `sum(${counter(`debriefd_change_failures_total{${BY_SERVICE}}`, window)}) / ` +
  `sum(${counter(`debriefd_changes_total{${BY_SERVICE}}`, window)})`;
const CHANGE_FAILURE_THRESHOLDS = thresholds(GREEN, [0.15, ORANGE], [0.3, RED]);
const NAN_AS_NO_CHANGES = [
  { type: 'special', options: { match: 'nan', result: { index: 0, text: 'no changes' } } },
];
const CHANGE_FAILURE_NOTE =
  'A change counts as failed when a debrief confirmed it as the cause of an incident ' +
  '(debrief.completed with confirmed_cause_id), once however many incidents it caused, under ' +
  'its own service and kind; so the rate never exceeds 100 % over all time. Filtered by ' +
  'service only (the changed service); changes have no severity. Orange from 15 %, red from ' +
  '30 % (example thresholds).';

const changeFailureInRange = stat({
  title: 'Change failure rate',
  description:
    'Share of changes that failed, in the selected range: growth of ' +
    'debriefd_change_failures_total over the growth of debriefd_changes_total. ' +
    `${CHANGE_FAILURE_NOTE} A failure counts when its debrief is completed, usually days ` +
    'after the change: over a range much shorter than that delay the rate lags, and it can ' +
    `exceed 100 % in a range with few changes. ${rangeNote('changes')}`,
  targets: [query(changeFailureRate('$__range'), { instant: true, legend: 'change failure rate' })],
  unit: 'percentunit',
  decimals: 0,
  min: 0,
  max: 1,
  thresholds: CHANGE_FAILURE_THRESHOLDS,
  mappings: NAN_AS_NO_CHANGES,
});

const changeFailureAllTime = stat({
  title: 'Change failure rate (all time)',
  description:
    'Share of all changes in debriefd\'s store that a debrief confirmed as the cause of an ' +
    'incident: debriefd_change_failures_total over debriefd_changes_total. ' +
    `${CHANGE_FAILURE_NOTE} ${allTimeNote('changes')}`,
  targets: [query(changeFailureRate(), { instant: true, legend: 'change failure rate' })],
  unit: 'percentunit',
  decimals: 0,
  min: 0,
  max: 1,
  thresholds: CHANGE_FAILURE_THRESHOLDS,
  mappings: NAN_AS_NO_CHANGES,
});

const events = timeseries({
  title: 'Events received by source and result',
  description:
    'Requests debriefd received per second, by source (alertmanager webhook, native events) ' +
    'and result: accepted, duplicate (a re-sent notification or a repeated event id, never ' +
    'counted twice) or rejected (answered 4xx, nothing stored). Rejected events mean missing ' +
    'incidents or changes: the DebriefdEventsRejected alert fires on them. Replicas ' +
    'sharing a store keep these counts in it, so each event counts once whichever replica ' +
    'received it.',
  targets: [
    // A short window: the per-replica rates agree, and one of them covers a rollout.
    query(`sum by (source, result) (${shared('rate(debriefd_events_total[$__rate_interval])')})`, {
      legend: '{{source}} · {{result}}',
    }),
  ],
  unit: 'eps',
  min: 0,
});

const version = stat({
  title: 'debriefd version',
  description: 'Version of each debriefd Prometheus scrapes (debriefd_build_info).',
  targets: [query('count by (version) (debriefd_build_info)', { instant: true, legend: '{{version}}' })],
  textMode: 'name',
  thresholds: NEUTRAL_THRESHOLDS,
});

export default dashboard({
  uid: 'debriefd-reliability-trends',
  title: 'debriefd / Reliability trends',
  description:
    'Are incidents detected within five minutes and fixed within an hour, more often than ' +
    'last quarter? Which services miss most? How do changes relate to incidents?',
  tags: ['debriefd', 'incidents', 'reliability'],
  time: { from: 'now-90d', to: 'now' },
  links: DASHBOARD_LINKS,
  variables: [
    datasourceVariable(),
    labelVariable({
      name: 'service',
      label: 'Service',
      metricSelector: '{__name__=~"debriefd_incidents_total|debriefd_changes_total"}',
      description: 'Services debriefd has seen incidents or changes for.',
    }),
    labelVariable({
      name: 'severity',
      label: 'Severity',
      metricSelector: 'debriefd_incidents_total',
      description: 'Incident severities (from the alerts\' severity label or incident.declared).',
    }),
  ],
  layout: [
    row('Goals: detect within 5 minutes, fix within 1 hour'),
    [
      [detectedInRange, 4, 6],
      [fixedInRange, 4, 6],
      [detectedAllTime, 4, 6],
      [fixedAllTime, 4, 6],
      [quarterOverQuarter, 8, 6],
    ],
    [[shareWeekly, 24, 8]],
    row('Time to detect and fix'),
    [
      [detectQuantiles, 9, 8],
      [fixQuantiles, 9, 8],
      [[detectAllTime, fixAllTime], 6, 4],
    ],
    row('Incidents'),
    [
      [openNow, 4, 8],
      [openedInRange, 4, 8],
      [perWeek, 16, 8],
    ],
    [[byServiceAllTime, 24, 8]],
    row('Where goals are missed'),
    [
      [missedInRange, 8, 8],
      [missedShareAllTime, 8, 8],
      [missedByGoalAllTime, 8, 8],
    ],
    row('Changes and suspected causes'),
    [
      [changesInRange, 4, 8],
      [causeInRange, 4, 8],
      [causeAllTime, 4, 8],
      [changesPerWeek, 12, 8],
    ],
    [
      [causeWeekly, 16, 7],
      [changeFailureInRange, 4, 7],
      [changeFailureAllTime, 4, 7],
    ],
    row('Ingestion'),
    [
      [events, 20, 7],
      [version, 4, 7],
    ],
  ],
});
