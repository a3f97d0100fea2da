#pragma once
// The review reports (exporters/report/): the range a report covers
// (range.h), the computed report (model.h), the monthly review of action
// items (monthly.h), and the table of formats with the one call that renders
// any of them (formats.h). docs/reports.md defines every figure;
// docs/architecture.md shows how to add a format.

#include "exporters/report/formats.h"
#include "exporters/report/model.h"
#include "exporters/report/monthly.h"
#include "exporters/report/range.h"
