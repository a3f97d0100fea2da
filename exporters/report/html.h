#pragma once
// The HTML report's parts (html.cc, html_charts.cc). Internal to
// exporters/report.

#include <string>
#include <string_view>

#include "exporters/report/model.h"

namespace debriefd::report::html {

// Text as HTML: & < > " ' escaped.
void Esc(std::string& out, std::string_view s);
std::string Esc(std::string_view s);

// Inline SVG: incidents per week with the share that met each goal.
void WeeklyChart(std::string& out, const Report& r);
// Inline SVG: how time to detect (or, with `fix`, to fix) was distributed.
void DistributionChart(std::string& out, const Report& r, bool fix);

}  // namespace debriefd::report::html
