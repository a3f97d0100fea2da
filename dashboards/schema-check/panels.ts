// Grafana's Dashboard type leaves a panel's `options`, its custom field config and
// its queries open (Record<string, unknown>), because they belong to each panel
// plugin. KnownPanelsDashboard closes them for the panel types debriefd's dashboards
// use, with the option types Grafana generates for those plugins, and gives
// Prometheus queries the fields Grafana's Prometheus data source reads. It is
// assignable to Dashboard, so it only ever narrows Grafana's own schema.
import type { DataQuery, Dashboard, FieldConfig, FieldConfigSource, Panel, RowPanel } from '@grafana/schema';
import type {
  Options as BarGaugeOptions,
} from '@grafana/schema/dist/esm/raw/composable/bargauge/panelcfg/x/BarGaugePanelCfg_types.gen.d.ts';
import type {
  Options as StatOptions,
} from '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen.d.ts';
import type {
  FieldConfig as TableFieldConfig,
  Options as TableOptions,
} from '@grafana/schema/dist/esm/raw/composable/table/panelcfg/x/TablePanelCfg_types.gen.d.ts';
import type {
  FieldConfig as TimeSeriesFieldConfig,
  Options as TimeSeriesOptions,
} from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen.d.ts';

/**
 * A query of Grafana's Prometheus data source, as saved in dashboard JSON. A type
 * alias rather than an interface, so that it stays assignable to the
 * Record<string, unknown> Grafana's Panel declares for targets.
 */
export type PrometheusQuery = { [K in keyof DataQuery]: DataQuery[K] } & {
  refId: string;
  expr: string;
  editorMode?: 'code' | 'builder';
  format?: 'time_series' | 'table' | 'heatmap';
  instant?: boolean;
  range?: boolean;
  legendFormat?: string;
  interval?: string;
  intervalFactor?: number;
  exemplar?: boolean;
};

type PluginPanel<Type extends string, Options, Custom> = Omit<
  Panel,
  'type' | 'options' | 'fieldConfig' | 'targets'
> & {
  type: Type;
  options: Partial<Options>;
  fieldConfig: Omit<FieldConfigSource, 'defaults'> & {
    // Grafana's FieldConfig lets `custom` hold any key; here only the plugin's own.
    defaults: Omit<FieldConfig, 'custom'> & { custom?: Partial<Custom> };
  };
  targets: PrometheusQuery[];
};

export type KnownPanel =
  | PluginPanel<'stat', StatOptions, Record<string, never>>
  | PluginPanel<'bargauge', BarGaugeOptions, Record<string, never>>
  | PluginPanel<'timeseries', TimeSeriesOptions, TimeSeriesFieldConfig>
  | PluginPanel<'table', TableOptions, TableFieldConfig>;

export type KnownRowPanel = Omit<RowPanel, 'panels'> & { panels: KnownPanel[] };

export type KnownPanelsDashboard = Omit<Dashboard, 'panels'> & {
  panels: Array<KnownPanel | KnownRowPanel>;
};

// Compile-time proof that the narrowed type is still a Grafana Dashboard.
const narrowsDashboard = (d: KnownPanelsDashboard): Dashboard => d;
void narrowsDashboard;
