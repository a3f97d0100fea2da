// Builders for the Grafana dashboard JSON of debriefd. Each builder returns plain
// objects in the shape Grafana saves (schemaVersion 39, Grafana 10.4 and later),
// with every option spelled out so the committed JSON reads like an export from
// Grafana itself and diffs stay small.

export const SCHEMA_VERSION = 39;

// The goals debriefd ships with (goals.detect, goals.fix). Duration panels draw
// their thresholds here.
export const DETECT_GOAL_SECONDS = 300;
export const FIX_GOAL_SECONDS = 3600;

export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

// Label matchers for the template variables. Changes and action items carry no
// severity, so their panels filter by service only.
export const BY_SERVICE = 'service=~"$service"';
export const BY_SERVICE_SEVERITY = 'service=~"$service", severity=~"$severity"';

/** The caveat of panels that read raw counters, for `things` ("incidents", "changes"). */
export function allTimeNote(things) {
  return (
    'debriefd rebuilds its counters from its store on start, so the raw counters hold every ' +
    `one of the ${things} it has recorded, including those from before Prometheus first scraped it.`
  );
}

/** The caveat of panels that count increases inside the selected range. */
export function rangeNote(things) {
  return (
    'Counts what happened inside the selected time range, as seen by Prometheus: ' +
    `${things} recorded before Prometheus first scraped debriefd appear only in the "all time" panels.`
  );
}

// ---------------------------------------------------------------------------
// Replicas
//
// Several debriefd replicas may share one PostgreSQL store (docs/operations.md,
// "Replicas on PostgreSQL"), and Prometheus scrapes every one of them. Every metric
// derived from the shared history (incidents, goals, histograms, changes, debriefs,
// repeats, action items, the overdue gauges, events) then has one identical series
// per replica, differing only in the replica's target labels. Summing them would
// count each incident once per replica, so every query reduces them to one series
// per label set first, and only then sums, divides or takes quantiles:
//
// - gauges and raw counters: `max without (instance, pod)`. With one debriefd
//   there is one series per label set and the max is that series.
// - counted within a window: the counter's highest value in the window minus its
//   lowest, each over the samples of every replica (see `counted`), rather than
//   `increase()` per replica. A counter here never falls: debriefd rebuilds it from
//   the store when it starts, so a replica that replaces another (a new pod, a new
//   `instance`) starts at the store's total, not at 0. `increase()` sees such a new
//   series only from its first sample, so over a week or a quarter spanning a
//   rollout the max of per-replica increases would keep only the longest-lived
//   replica's share; the difference of the extremes counts every increment any
//   replica showed inside the window. It is what `increase()` gives without its
//   extrapolation to the window's edges: whole counts, and the same ratios.
// - per-process metrics (debriefd_http_*, debriefd_build_info, process_*) stay per
//   instance.
//
// Replicas of one debriefd must differ in these target labels only; separate
// debriefds with separate stores must differ in another one (a `job` each).
export const REPLICA_LABELS = 'instance, pod';

/** One series per label set of the shared history, however many replicas export it. */
export function shared(expr) {
  return `max without (${REPLICA_LABELS}) (${expr})`;
}

/**
 * What the shared-history counter `selector` counted inside `window` (ending `offset`
 * before the evaluation time): its last value there minus its first, over the samples
 * of every replica. Like increase(), an increment before the first sample Prometheus
 * holds in the window is not counted.
 */
export function counted(selector, window, offset) {
  const o = offset ? ` offset ${offset}` : '';
  return (
    `(max without (${REPLICA_LABELS}) (max_over_time(${selector}[${window}]${o}))` +
    ` - min without (${REPLICA_LABELS}) (min_over_time(${selector}[${window}]${o})))`
  );
}

/** A raw counter (`window` unset) or what it counted inside `window`, deduplicated. */
export function counter(selector, window, offset) {
  if (window) return counted(selector, window, offset);
  return shared(offset ? `${selector} offset ${offset}` : selector);
}

/** Joins label matchers into one selector body: sel('goal="detect"', BY_SERVICE). */
export function sel(...matchers) {
  return matchers.filter(Boolean).join(', ');
}

// ---------------------------------------------------------------------------
// Template variables

export function datasourceVariable() {
  return {
    type: 'datasource',
    name: 'datasource',
    label: 'Data source',
    description: 'The Prometheus that scrapes debriefd.',
    query: 'prometheus',
    hide: 0,
    includeAll: false,
    multi: false,
    options: [],
    refresh: 1,
    regex: '',
    skipUrlSync: false,
  };
}

/** A multi-value label variable filled from `metricSelector`, "All" by default. */
export function labelVariable({ name, label, metricSelector, description }) {
  const definition = `label_values(${metricSelector}, ${name})`;
  // Grafana's Prometheus data source still reads a plain-string variable query.
  return {
    type: 'query',
    name,
    label,
    description,
    datasource: DATASOURCE,
    query: definition,
    current: { selected: true, text: ['All'], value: ['$__all'] },
    hide: 0,
    includeAll: true,
    allValue: '.*',
    multi: true,
    options: [],
    refresh: 2,
    regex: '',
    skipUrlSync: false,
    sort: 1,
  };
}

export function textboxVariable({ name, label, value, description }) {
  return {
    type: 'textbox',
    name,
    label,
    description,
    query: value,
    current: { selected: false, text: value, value },
    hide: 0,
    options: [{ selected: true, text: value, value }],
    skipUrlSync: false,
  };
}

// ---------------------------------------------------------------------------
// Queries

/**
 * A Prometheus query. `instant` queries answer "now" (stats, tables, bar gauges);
 * range queries draw time series.
 */
export function query(expr, { legend = '__auto', instant = false, format = 'time_series' } = {}) {
  return {
    datasource: DATASOURCE,
    editorMode: 'code',
    expr,
    format,
    instant,
    legendFormat: legend,
    range: !instant,
  };
}

// ---------------------------------------------------------------------------
// Field config

export const GREEN = 'green';
export const ORANGE = 'orange';
export const RED = 'red';

/** Threshold steps from a base colour and [value, colour] pairs. */
export function thresholds(base, ...steps) {
  return {
    mode: 'absolute',
    steps: [{ color: base, value: null }, ...steps.map(([value, color]) => ({ color, value }))],
  };
}

// Durations: green up to the goal, red beyond it.
export const DETECT_THRESHOLDS = thresholds(GREEN, [DETECT_GOAL_SECONDS, RED]);
export const FIX_THRESHOLDS = thresholds(GREEN, [FIX_GOAL_SECONDS, RED]);
// Shares of incidents within goal: red below 75 %, orange below 90 %, then green.
export const SHARE_THRESHOLDS = thresholds(RED, [0.75, ORANGE], [0.9, GREEN]);
// Counts of things that are late: anything above zero is a problem.
export const LATE_THRESHOLDS = thresholds(GREEN, [1, RED]);
export const NEUTRAL_THRESHOLDS = thresholds(GREEN);

// A ratio of two increases is NaN when nothing happened in the window.
export const NAN_AS_NONE = [
  { type: 'special', options: { match: 'nan', result: { index: 0, text: 'no incidents' } } },
];

function fieldDefaults({ unit, decimals, min, max, thresholds: steps, colorMode, mappings, noValue, custom }) {
  const defaults = {
    color: { mode: colorMode },
    custom,
    mappings: mappings ?? [],
    thresholds: steps ?? NEUTRAL_THRESHOLDS,
    unit: unit ?? 'short',
  };
  if (decimals !== undefined) defaults.decimals = decimals;
  if (min !== undefined) defaults.min = min;
  if (max !== undefined) defaults.max = max;
  if (noValue !== undefined) defaults.noValue = noValue;
  if (custom === undefined) delete defaults.custom;
  return defaults;
}

// ---------------------------------------------------------------------------
// Panels

function panel(type, { title, description, targets, gridPos, interval, fieldConfig, options, transformations }) {
  if (!description) throw new Error(`panel "${title}" needs a description`);
  const p = {
    type,
    title,
    description,
    datasource: DATASOURCE,
    gridPos,
    fieldConfig,
    options,
    targets: targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), ...t })),
  };
  if (interval) p.interval = interval;
  if (transformations) p.transformations = transformations;
  return p;
}

export function stat(spec) {
  return panel('stat', {
    ...spec,
    fieldConfig: {
      defaults: fieldDefaults({ ...spec, colorMode: 'thresholds' }),
      overrides: [],
    },
    options: {
      colorMode: 'value',
      graphMode: 'none',
      justifyMode: 'auto',
      orientation: 'auto',
      percentChangeColorMode: 'standard',
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      showPercentChange: false,
      textMode: spec.textMode ?? 'auto',
      wideLayout: true,
    },
  });
}

export function timeseries(spec) {
  const bars = spec.bars ?? false;
  return panel('timeseries', {
    ...spec,
    fieldConfig: {
      defaults: fieldDefaults({
        ...spec,
        colorMode: 'palette-classic',
        custom: {
          axisBorderShow: false,
          axisCenteredZero: false,
          axisColorMode: 'text',
          axisLabel: '',
          axisPlacement: 'auto',
          barAlignment: -1,
          drawStyle: bars ? 'bars' : 'line',
          fillOpacity: bars ? 80 : 10,
          gradientMode: 'none',
          hideFrom: { legend: false, tooltip: false, viz: false },
          insertNulls: false,
          lineInterpolation: 'linear',
          lineWidth: bars ? 1 : 2,
          pointSize: 4,
          scaleDistribution: { type: 'linear' },
          showPoints: 'never',
          spanNulls: false,
          stacking: { group: 'A', mode: bars ? 'normal' : 'none' },
          thresholdsStyle: { mode: spec.thresholdsStyle ?? 'off' },
        },
      }),
      overrides: [],
    },
    options: {
      legend: { calcs: [], displayMode: 'list', placement: 'bottom', showLegend: true },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  });
}

export function bargauge(spec) {
  return panel('bargauge', {
    ...spec,
    fieldConfig: {
      defaults: fieldDefaults({ ...spec, colorMode: 'thresholds' }),
      overrides: [],
    },
    options: {
      displayMode: 'gradient',
      legend: { calcs: [], displayMode: 'list', placement: 'bottom', showLegend: false },
      maxVizHeight: 300,
      minVizHeight: 16,
      minVizWidth: 8,
      namePlacement: 'auto',
      orientation: 'horizontal',
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      showUnfilled: true,
      sizing: 'auto',
      valueMode: 'color',
    },
  });
}

/**
 * A table of instant queries. `columns` maps result fields (labels, "Value" or
 * "Value #A") to their display names, in display order; every other field is hidden.
 * `overrides` are Grafana field overrides keyed by display name.
 */
export function table(spec) {
  const indexByName = {};
  const renameByName = {};
  spec.columns.forEach(([field, name], i) => {
    indexByName[field] = i;
    renameByName[field] = name;
  });
  const transformations = [];
  if (spec.targets.length > 1) transformations.push({ id: 'merge', options: {} });
  transformations.push({
    id: 'organize',
    options: {
      excludeByName: Object.fromEntries(
        ['Time', '__name__', 'instance', 'job', ...(spec.hide ?? [])].map((f) => [f, true]),
      ),
      includeByName: {},
      indexByName,
      renameByName,
    },
  });
  return panel('table', {
    ...spec,
    transformations,
    fieldConfig: {
      defaults: fieldDefaults({
        ...spec,
        unit: spec.unit ?? 'none',
        colorMode: 'thresholds',
        custom: {
          align: 'auto',
          cellOptions: { type: 'auto' },
          filterable: false,
          inspect: false,
        },
      }),
      overrides: (spec.overrides ?? []).map(([name, properties]) => ({
        matcher: { id: 'byName', options: name },
        properties: Object.entries(properties).map(([id, value]) => ({ id, value })),
      })),
    },
    options: {
      cellHeight: 'sm',
      footer: { countRows: false, reducer: ['sum'], show: false },
      frameIndex: 0,
      showHeader: true,
      sortBy: spec.sortBy ? [{ desc: true, displayName: spec.sortBy }] : [],
    },
  });
}

export function row(title) {
  return { type: 'row', title, collapsed: false, panels: [] };
}

// ---------------------------------------------------------------------------
// Dashboard

/**
 * Lays panels out on Grafana's 24-column grid. `layout` is a list of lines, each a
 * row panel or a list of [panel, width, height] placed left to right; in place of a
 * panel, a list of panels stacks them in one column, each `height` high.
 */
function layOut(layout) {
  const panels = [];
  let y = 0;
  let id = 1;
  for (const line of layout) {
    if (!Array.isArray(line)) {
      panels.push({ ...line, id: id++, gridPos: { h: 1, w: 24, x: 0, y } });
      y += 1;
      continue;
    }
    let x = 0;
    let height = 0;
    for (const [p, w, h] of line) {
      const stack = Array.isArray(p) ? p : [p];
      stack.forEach((q, i) => panels.push({ ...q, id: id++, gridPos: { h, w, x, y: y + i * h } }));
      x += w;
      height = Math.max(height, h * stack.length);
    }
    if (x > 24) throw new Error(`line at y=${y} is ${x} columns wide`);
    y += height;
  }
  // Grafana's key order: a stable order keeps regenerated JSON identical.
  return panels.map(({ id: pid, type, title, description, datasource, gridPos, ...rest }) => ({
    id: pid,
    type,
    title,
    description,
    datasource: type === 'row' ? undefined : datasource,
    gridPos,
    ...rest,
  }));
}

export function dashboard({ uid, title, description, tags, time, variables, layout, links }) {
  return {
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    description,
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    id: null,
    links,
    liveNow: false,
    panels: layOut(layout),
    refresh: '5m',
    schemaVersion: SCHEMA_VERSION,
    tags,
    templating: { list: variables },
    time,
    timepicker: {},
    timezone: 'utc',
    title,
    uid,
    version: 1,
    weekStart: 'monday',
  };
}

/** Links to the other debriefd dashboards, keeping time range and variables. */
export const DASHBOARD_LINKS = [
  {
    asDropdown: false,
    icon: 'external link',
    includeVars: true,
    keepTime: true,
    tags: ['debriefd'],
    targetBlank: false,
    title: 'debriefd',
    tooltip: '',
    type: 'dashboards',
    url: '',
  },
];

/** The JSON text Grafana's "Export" would write, undefined fields dropped. */
export function render(d) {
  return `${JSON.stringify(d, null, 2)}\n`;
}
