// Grafana's TypeScript schema declares some fields as TypeScript enums
// (ThresholdsMode.Absolute, FieldColorModeId.Thresholds, ...). A JSON file cannot
// name an enum member, only hold its value ("absolute", "thresholds"), so the
// dashboards are checked against JsonOf<T>: T with each string enum replaced by the
// union of its values. Everything else (required fields, field names, value types,
// string unions) stays exactly as Grafana publishes it.
export type JsonOf<T> = T extends string
  ? string extends T
    ? string
    : `${T}`
  : T extends number | boolean | null | undefined
    ? T
    : T extends ReadonlyArray<infer U>
      ? Array<JsonOf<U>>
      : T extends object
        ? { [K in keyof T]: JsonOf<T[K]> }
        : T;
